output "database" {
  description = "Database name (SNOWFLAKE_DATABASE)."
  value       = snowflake_database.mindpulse.name
}

output "schemas" {
  description = "Schema name of each layer, keyed raw / staging / marts / ml."
  value = {
    raw     = snowflake_schema.raw.name
    staging = snowflake_schema.staging.name
    marts   = snowflake_schema.marts.name
    ml      = snowflake_schema.ml.name
  }
}

output "warehouse" {
  description = "Warehouse name (SNOWFLAKE_WAREHOUSE)."
  value       = snowflake_warehouse.mindpulse.name
}

output "roles" {
  description = "Account role names, keyed loader / transformer / reader / pipeline."
  value = {
    loader      = snowflake_account_role.loader.name
    transformer = snowflake_account_role.transformer.name
    reader      = snowflake_account_role.reader.name
    pipeline    = snowflake_account_role.pipeline.name
  }
}

output "pipeline_role" {
  description = "Default role of the pipeline's service user (SNOWFLAKE_ROLE of the Dagster tasks)."
  value       = snowflake_account_role.pipeline.name
}

output "pipeline_user" {
  description = "Login of the pipeline's service user (SNOWFLAKE_USER of the Dagster tasks)."
  value       = snowflake_service_user.pipeline.name
}

output "dashboard_user" {
  description = "Login of the dashboard's read-only service user, or null when none was created."
  value       = one(snowflake_service_user.dashboard[*].name)
}
