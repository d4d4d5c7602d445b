locals {
  dagster_home = "/opt/dagster/dagster_home"
  workspace    = "orchestration/deploy/workspace.yaml"
  image        = "${aws_ecr_repository.mindpulse.repository_url}:${var.image_tag}"

  # The three Dagster processes share one image and one environment: each loads the code
  # location, and the code location validates its settings when it loads.
  dagster_processes = {
    webserver = {
      command = ["dagster-webserver", "-h", "0.0.0.0", "-p", "3000", "-w", local.workspace]
      ports   = [3000]
    }
    daemon = {
      command = ["dagster-daemon", "run", "-w", local.workspace]
      ports   = []
    }
    # EcsRunLauncher replaces the command of every run it starts, so the run task has none.
    run = {
      command = null
      ports   = []
    }
  }

  # Plain settings, what orchestration/settings.py and cloud_settings.py read.
  container_environment = {
    MINDPULSE_WAREHOUSE        = "snowflake"
    MINDPULSE_SOURCES          = "live"
    MINDPULSE_LLM              = var.llm_mode
    MINDPULSE_LANDING_BUCKET   = aws_s3_bucket.landing.id
    MINDPULSE_LANDING_PREFIX   = var.landing_prefix
    SNOWFLAKE_ACCOUNT          = var.snowflake_account
    SNOWFLAKE_USER             = var.snowflake_user
    SNOWFLAKE_ROLE             = var.snowflake_role
    SNOWFLAKE_WAREHOUSE        = var.snowflake_warehouse
    SNOWFLAKE_DATABASE         = var.snowflake_database
    SNOWFLAKE_PRIVATE_KEY_PATH = var.snowflake_private_key_path
    DAGSTER_HOME               = local.dagster_home
    DAGSTER_PG_HOST            = var.dagster_pg_host
    DAGSTER_PG_DB              = var.dagster_pg_db
    DAGSTER_PG_USERNAME        = var.dagster_pg_username
    DAGSTER_COMPUTE_LOG_BUCKET = aws_s3_bucket.landing.id
    DAGSTER_COMPUTE_LOG_PREFIX = var.compute_log_prefix
    # For dagster.yaml's EcsRunLauncher, `task_definition: {env: DAGSTER_RUN_TASK_DEFINITION}`:
    # runs start from the run family below, the only one the task role may run.
    DAGSTER_RUN_TASK_DEFINITION = local.run_task_family
    DAGSTER_CURRENT_IMAGE       = local.image
  }

  # Secrets arrive as environment variables injected by ECS from Secrets Manager at task start,
  # so they are never in the task definition, the image or Terraform state.
  container_secrets = {
    for key, secret in local.secrets : secret.env => aws_secretsmanager_secret.app[key].arn
  }

  container_definitions = {
    for process, spec in local.dagster_processes : process => [
      {
        name      = process
        image     = local.image
        essential = true
        command   = spec.command
        portMappings = [
          for port in spec.ports : { containerPort = port, hostPort = port, protocol = "tcp" }
        ]
        environment = [
          for name, value in local.container_environment : { name = name, value = value }
        ]
        secrets = [
          for name, arn in local.container_secrets : { name = name, valueFrom = arn }
        ]
        privileged = false
        # See the task definition for why the root filesystem stays writable.
        readonlyRootFilesystem = false
        logConfiguration = {
          logDriver = "awslogs"
          options = {
            awslogs-group         = aws_cloudwatch_log_group.dagster[process].name
            awslogs-region        = local.region
            awslogs-stream-prefix = process
          }
        }
      }
    ]
  }
}
