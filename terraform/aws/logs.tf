# One log group per Dagster process, so a failing run's output is not buried in webserver noise.
resource "aws_cloudwatch_log_group" "dagster" {
  for_each = local.dagster_processes

  name              = "/ecs/${var.name_prefix}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.mindpulse.arn
}
