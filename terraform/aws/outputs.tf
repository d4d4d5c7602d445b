output "landing_bucket" {
  description = "Name of the landing bucket (MINDPULSE_LANDING_BUCKET, DAGSTER_COMPUTE_LOG_BUCKET)."
  value       = aws_s3_bucket.landing.id
}

output "access_logs_bucket" {
  description = "Name of the bucket holding the landing bucket's S3 access logs."
  value       = aws_s3_bucket.access_logs.id
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key encrypting the bucket, secrets, logs and images."
  value       = aws_kms_key.mindpulse.arn
}

output "ecr_repository_url" {
  description = "Repository URL to push the MindPulse image to (docker push <url>:<tag>)."
  value       = aws_ecr_repository.mindpulse.repository_url
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster running Dagster."
  value       = aws_ecs_cluster.dagster.name
}

output "ecs_cluster_arn" {
  description = "ARN of the ECS cluster running Dagster."
  value       = aws_ecs_cluster.dagster.arn
}

output "run_task_definition_family" {
  description = "Task definition family EcsRunLauncher starts runs from (its task_definition setting)."
  value       = aws_ecs_task_definition.dagster["run"].family
}

output "task_definition_arns" {
  description = "Task definition ARN of each Dagster process, keyed webserver / daemon / run."
  value       = { for process, definition in aws_ecs_task_definition.dagster : process => definition.arn }
}

output "service_names" {
  description = "ECS service names of the long-running processes, keyed webserver / daemon."
  value = {
    webserver = aws_ecs_service.webserver.name
    daemon    = aws_ecs_service.daemon.name
  }
}

output "security_group_ids" {
  description = "Security groups: dagster_tasks (all tasks, outbound only) and webserver (UI ingress on 3000)."
  value = {
    dagster_tasks = aws_security_group.dagster_tasks.id
    webserver     = aws_security_group.webserver.id
  }
}

output "task_role_arn" {
  description = "ARN of the IAM role the Dagster processes and runs run as."
  value       = aws_iam_role.dagster_task.arn
}

output "task_execution_role_arn" {
  description = "ARN of the IAM role ECS uses to pull the image, write logs and inject secrets."
  value       = aws_iam_role.task_execution.arn
}

output "secret_arns" {
  description = "Secrets Manager ARN of each secret to fill in, keyed by the environment variable it becomes."
  value       = local.container_secrets
}

output "log_group_names" {
  description = "CloudWatch log group of each Dagster process, keyed webserver / daemon / run."
  value       = { for process, group in aws_cloudwatch_log_group.dagster : process => group.name }
}
