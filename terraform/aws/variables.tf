# Naming and network -------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every AWS resource name (bucket, repository, cluster, roles, secrets)."
  type        = string
  default     = "mindpulse"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "Use 2-21 lower-case letters, digits or hyphens, starting with a letter (it becomes part of an S3 bucket name)."
  }
}

variable "vpc_id" {
  description = "VPC of the private subnets the Dagster tasks run in."
  type        = string

  validation {
    condition     = startswith(var.vpc_id, "vpc-")
    error_message = "Give a VPC id such as vpc-0123456789abcdef0."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets (with a NAT route to the internet for Snowflake and the source APIs) for the webserver, daemon and run tasks."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) > 0 && alltrue([for id in var.private_subnet_ids : startswith(id, "subnet-")])
    error_message = "Give at least one subnet id such as subnet-0123456789abcdef0."
  }
}

variable "webserver_ingress_cidr_blocks" {
  description = "CIDR blocks allowed to reach the Dagster UI on port 3000 (a VPN range, or the subnets of your own load balancer). Empty: no one, until you add a way in."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.webserver_ingress_cidr_blocks : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "Give valid CIDR blocks; 0.0.0.0/0 would publish an unauthenticated Dagster UI."
  }
}

# Image and task sizes ----------------------------------------------------------------------

variable "image_tag" {
  description = "Tag of the MindPulse image in the ECR repository to run. Tags are immutable, so a deployment names an exact build (a git SHA or version)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "Give an immutable image tag such as a git SHA; 'latest' cannot be re-pushed to an immutable repository."
  }
}

variable "task_sizes" {
  description = "Fargate CPU units and memory (MiB) per Dagster process. Runs do the work (dbt, Prophet, HDBSCAN); the webserver and daemon only serve and schedule."
  type = map(object({
    cpu    = number
    memory = number
  }))
  default = {
    webserver = { cpu = 512, memory = 1024 }
    daemon    = { cpu = 512, memory = 1024 }
    run       = { cpu = 2048, memory = 8192 }
  }

  validation {
    condition     = alltrue([for process in ["webserver", "daemon", "run"] : contains(keys(var.task_sizes), process)])
    error_message = "Give sizes for webserver, daemon and run."
  }

  validation {
    condition     = alltrue([for size in values(var.task_sizes) : contains([256, 512, 1024, 2048, 4096, 8192, 16384], size.cpu)])
    error_message = "Fargate CPU must be one of 256, 512, 1024, 2048, 4096, 8192, 16384."
  }
}

# Snowflake connection (outputs of terraform/snowflake) ---------------------------------------

variable "snowflake_account" {
  description = "Snowflake account identifier as the connector expects it, <organization>-<account> (SNOWFLAKE_ACCOUNT)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+$", var.snowflake_account))
    error_message = "Give the account identifier only, such as myorg-myaccount, without https:// or .snowflakecomputing.com."
  }
}

variable "snowflake_user" {
  description = "Service user the pipeline connects as (SNOWFLAKE_USER)."
  type        = string
}

variable "snowflake_role" {
  description = "Role of the pipeline's sessions (SNOWFLAKE_ROLE)."
  type        = string
}

variable "snowflake_warehouse" {
  description = "Warehouse of the pipeline's sessions (SNOWFLAKE_WAREHOUSE)."
  type        = string
}

variable "snowflake_database" {
  description = "Database of the pipeline (SNOWFLAKE_DATABASE)."
  type        = string
  default     = "MINDPULSE"
}

variable "snowflake_private_key_path" {
  description = "Path inside the container where orchestration/deploy/entrypoint.sh writes the SNOWFLAKE_PRIVATE_KEY secret (SNOWFLAKE_PRIVATE_KEY_PATH); the entrypoint's default."
  type        = string
  default     = "/opt/dagster/secrets/snowflake_key.p8"

  validation {
    condition     = startswith(var.snowflake_private_key_path, "/")
    error_message = "Give an absolute path inside the container."
  }
}

# Dagster run storage -----------------------------------------------------------------------

variable "dagster_pg_host" {
  description = "Host of the existing PostgreSQL database that holds Dagster's runs, events and schedules (DAGSTER_PG_HOST). Bring your own (RDS or otherwise); this module creates none."
  type        = string
}

variable "dagster_pg_db" {
  description = "Database name of Dagster's storage (DAGSTER_PG_DB)."
  type        = string
  default     = "dagster"
}

variable "dagster_pg_username" {
  description = "User of Dagster's storage (DAGSTER_PG_USERNAME); its password goes into the dagster-pg-password secret."
  type        = string
  default     = "dagster"
}

variable "postgres_cidr_blocks" {
  description = "CIDR blocks of the PostgreSQL server, the only destination the tasks may reach on port 5432."
  type        = list(string)

  validation {
    condition     = length(var.postgres_cidr_blocks) > 0 && alltrue([for cidr in var.postgres_cidr_blocks : can(cidrhost(cidr, 0)) && cidr != "0.0.0.0/0"])
    error_message = "Give the CIDR blocks of the database subnets (not 0.0.0.0/0)."
  }
}

# Application settings ----------------------------------------------------------------------

variable "landing_prefix" {
  description = "Key prefix of landing files in the bucket (MINDPULSE_LANDING_PREFIX); the tasks may write nowhere else but the compute-log prefix."
  type        = string
  default     = "landing"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.landing_prefix))
    error_message = "Use one path segment of lower-case letters, digits, hyphens or underscores, without slashes."
  }
}

variable "compute_log_prefix" {
  description = "Key prefix of Dagster's step logs in the bucket (DAGSTER_COMPUTE_LOG_PREFIX)."
  type        = string
  default     = "compute-logs"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.compute_log_prefix))
    error_message = "Use one path segment of lower-case letters, digits, hyphens or underscores, without slashes."
  }
}

variable "llm_mode" {
  description = "MINDPULSE_LLM: 'gemini' summarises scrubbed, sampled discussion text with Gemini (needs the gemini-api-key secret); 'off' writes deterministic summaries."
  type        = string
  default     = "off"

  validation {
    condition     = contains(["off", "gemini"], var.llm_mode)
    error_message = "Use off or gemini."
  }
}

# Retention ---------------------------------------------------------------------------------

variable "landing_retention_days" {
  description = "Days a landing file is kept. The RAW tables keep the data; landing files only serve re-loads, so old ones expire instead of being deleted by the app."
  type        = number
  default     = 365

  validation {
    condition     = var.landing_retention_days >= 30
    error_message = "Keep landing files at least 30 days, so a bad month can be re-loaded."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days an overwritten or deleted object version is kept in either bucket before it expires."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_retention_days >= 1
    error_message = "Use at least one day."
  }
}

variable "compute_log_retention_days" {
  description = "Days Dagster's step logs are kept in the bucket."
  type        = number
  default     = 90

  validation {
    condition     = var.compute_log_retention_days >= 1
    error_message = "Use at least one day."
  }
}

variable "access_log_retention_days" {
  description = "Days the landing bucket's S3 access logs are kept."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 90
    error_message = "Keep access logs at least 90 days, long enough to investigate an incident."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups of the Dagster processes, in days (a value CloudWatch accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "Use a CloudWatch retention of at least one year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret can still be restored."
  type        = number
  default     = 7

  validation {
    condition     = var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30
    error_message = "Secrets Manager allows 7 to 30 days."
  }
}

variable "ecr_images_to_keep" {
  description = "Number of most recent images kept in the repository; older ones expire (a rollback needs only the last few)."
  type        = number
  default     = 20

  validation {
    condition     = var.ecr_images_to_keep >= 2
    error_message = "Keep at least two images, so the previous build is there to roll back to."
  }
}
