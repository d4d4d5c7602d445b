variable "aws_region" {
  description = "AWS region of the deployment (bucket, ECR, ECS, secrets)."
  type        = string
  default     = "eu-west-1"
}

variable "snowflake_organization_name" {
  description = "Snowflake organization name (first half of the account identifier <org>-<account>)."
  type        = string
}

variable "snowflake_account_name" {
  description = "Snowflake account name (second half of the account identifier <org>-<account>)."
  type        = string
}

variable "snowflake_admin_role" {
  description = "Role Terraform runs as in Snowflake. It creates a database, a warehouse, roles, users and future grants, which needs SYSADMIN and SECURITYADMIN privileges (or ACCOUNTADMIN)."
  type        = string
  default     = "ACCOUNTADMIN"
}

variable "pipeline_rsa_public_key" {
  description = "Public key body (one line, without BEGIN/END lines) of the pipeline's Snowflake service user; its private key goes into the snowflake-private-key secret."
  type        = string
}

variable "dashboard_rsa_public_key" {
  description = "Public key body of the dashboard's read-only Snowflake user, or null for no dashboard user."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC the Dagster tasks run in."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets (with NAT) for the Dagster tasks."
  type        = list(string)
}

variable "webserver_ingress_cidr_blocks" {
  description = "CIDR blocks allowed to reach the Dagster UI on port 3000 (a VPN range or your load balancer's subnets)."
  type        = list(string)
  default     = []
}

variable "image_tag" {
  description = "Immutable tag of the MindPulse image in ECR to deploy (a git SHA)."
  type        = string
}

variable "dagster_pg_host" {
  description = "Host of the existing PostgreSQL database for Dagster's run storage."
  type        = string
}

variable "dagster_pg_db" {
  description = "Database name of Dagster's run storage."
  type        = string
  default     = "dagster"
}

variable "dagster_pg_username" {
  description = "User of Dagster's run storage."
  type        = string
  default     = "dagster"
}

variable "postgres_cidr_blocks" {
  description = "CIDR blocks of the PostgreSQL server (the tasks' only destination on port 5432)."
  type        = list(string)
}

variable "llm_mode" {
  description = "MINDPULSE_LLM of the pipeline: off (deterministic summaries) or gemini."
  type        = string
  default     = "off"
}
