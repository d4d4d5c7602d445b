variable "database_name" {
  description = "Name of the MindPulse database. The app defaults SNOWFLAKE_DATABASE to MINDPULSE, so change both together."
  type        = string
  default     = "MINDPULSE"

  validation {
    condition     = can(regex("^[A-Z][A-Z0-9_]*$", var.database_name))
    error_message = "Use an unquoted upper-case identifier (letters, digits, underscores), such as MINDPULSE."
  }
}

variable "name_prefix" {
  description = "Prefix of the account-level objects (roles, warehouse, users); roles and warehouses are account-wide, so the prefix keeps them apart from other projects."
  type        = string
  default     = "MINDPULSE"

  validation {
    condition     = can(regex("^[A-Z][A-Z0-9_]*$", var.name_prefix))
    error_message = "Use an unquoted upper-case identifier (letters, digits, underscores), such as MINDPULSE."
  }
}

variable "data_retention_time_in_days" {
  description = "Time Travel retention of the database, in days. One day covers an undo after a bad run; more days cost storage on every rebuilt mart table."
  type        = number
  default     = 1

  validation {
    condition     = var.data_retention_time_in_days >= 0 && var.data_retention_time_in_days <= 90
    error_message = "Snowflake allows 0 to 90 days (more than 1 needs Enterprise edition)."
  }
}

variable "pipeline_user_name" {
  description = "Login of the service user the Dagster deployment connects as (SNOWFLAKE_USER)."
  type        = string
  default     = "MINDPULSE_PIPELINE"
}

variable "pipeline_rsa_public_key" {
  description = "Public key of the pipeline's service user: the base64 body of `openssl rsa -pubout` without the BEGIN/END lines. The private key never goes to Terraform."
  type        = string

  validation {
    condition     = length(var.pipeline_rsa_public_key) > 200 && !can(regex("PRIVATE|-----", var.pipeline_rsa_public_key))
    error_message = "Give the public key body only, on one line, without the BEGIN/END PUBLIC KEY lines; never a private key."
  }
}

variable "dashboard_user_name" {
  description = "Login of the dashboard's read-only service user (created only when dashboard_rsa_public_key is set)."
  type        = string
  default     = "MINDPULSE_DASHBOARD"
}

variable "dashboard_rsa_public_key" {
  description = "Public key of the dashboard's service user (base64 body, one line), or null to create no dashboard user and grant the reader role to people instead."
  type        = string
  default     = null

  validation {
    condition     = var.dashboard_rsa_public_key == null || (length(coalesce(var.dashboard_rsa_public_key, "x")) > 200 && !can(regex("PRIVATE|-----", coalesce(var.dashboard_rsa_public_key, "x"))))
    error_message = "Give the public key body only, on one line, without the BEGIN/END PUBLIC KEY lines; never a private key."
  }
}

variable "admin_parent_role" {
  description = "System role that inherits the MindPulse roles, so administrators can see and manage what the pipeline creates (Snowflake recommends SYSADMIN)."
  type        = string
  default     = "SYSADMIN"
}
