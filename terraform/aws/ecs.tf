resource "aws_ecs_cluster" "dagster" {
  name = local.cluster_name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_task_definition" "dagster" {
  #checkov:skip=CKV_AWS_336:The image writes at run time: the entrypoint writes the Snowflake key file, dbt its target/ and logs under MINDPULSE_DATA_DIR, Dagster DAGSTER_HOME and temporary files. A Fargate task's filesystem is ephemeral and private to the task.
  for_each = local.dagster_processes

  # The run family's name is what EcsRunLauncher is configured with; the others follow it.
  family                   = "${var.name_prefix}-dagster-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.task_sizes[each.key].cpu
  memory                   = var.task_sizes[each.key].memory
  execution_role_arn       = aws_iam_role.task_execution.arn
  task_role_arn            = aws_iam_role.dagster_task.arn
  container_definitions    = jsonencode(local.container_definitions[each.key])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }
}

# Long-running processes. Runs are not a service: the daemon starts one task per run.
resource "aws_ecs_service" "webserver" {
  name             = "${var.name_prefix}-dagster-webserver"
  cluster          = aws_ecs_cluster.dagster.id
  task_definition  = aws_ecs_task_definition.dagster["webserver"].arn
  desired_count    = 1
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  propagate_tags   = "SERVICE"

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.dagster_tasks.id, aws_security_group.webserver.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}

resource "aws_ecs_service" "daemon" {
  name             = "${var.name_prefix}-dagster-daemon"
  cluster          = aws_ecs_cluster.dagster.id
  task_definition  = aws_ecs_task_definition.dagster["daemon"].arn
  desired_count    = 1
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  propagate_tags   = "SERVICE"
  # Dagster supports exactly one daemon: a deployment stops the old task before starting the
  # new one, so schedules never fire twice.
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100

  # Runs started by the daemon copy its subnets and security groups (EcsRunLauncher's
  # use_current_ecs_task_config), so these are the run tasks' network settings too.
  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.dagster_tasks.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
