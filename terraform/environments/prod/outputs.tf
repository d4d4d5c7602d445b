output "snowflake_database" {
  description = "Snowflake database (SNOWFLAKE_DATABASE)."
  value       = module.snowflake.database
}

output "snowflake_schemas" {
  description = "Snowflake schema of each layer."
  value       = module.snowflake.schemas
}

output "snowflake_warehouse" {
  description = "Snowflake warehouse (SNOWFLAKE_WAREHOUSE)."
  value       = module.snowflake.warehouse
}

output "snowflake_roles" {
  description = "Snowflake role names (loader, transformer, reader, pipeline)."
  value       = module.snowflake.roles
}

output "snowflake_pipeline_user" {
  description = "Snowflake service user of the pipeline (SNOWFLAKE_USER)."
  value       = module.snowflake.pipeline_user
}

output "snowflake_dashboard_user" {
  description = "Snowflake read-only user of the dashboard, or null."
  value       = module.snowflake.dashboard_user
}

output "landing_bucket" {
  description = "S3 landing bucket (MINDPULSE_LANDING_BUCKET)."
  value       = module.aws.landing_bucket
}

output "ecr_repository_url" {
  description = "ECR repository to push the image to."
  value       = module.aws.ecr_repository_url
}

output "ecs_cluster_name" {
  description = "ECS cluster running Dagster."
  value       = module.aws.ecs_cluster_name
}

output "run_task_definition_family" {
  description = "Task definition family for EcsRunLauncher."
  value       = module.aws.run_task_definition_family
}

output "secret_arns" {
  description = "Secrets to fill in after the first apply, keyed by environment variable."
  value       = module.aws.secret_arns
}
