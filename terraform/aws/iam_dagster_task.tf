# The role the Dagster processes run as (webserver, daemon and every run): the landing and
# compute-log prefixes of one bucket, and launching/stopping run tasks in one cluster.
resource "aws_iam_role" "dagster_task" {
  name               = "${var.name_prefix}-dagster-task"
  description        = "MindPulse Dagster processes: landing bucket prefixes, run tasks, task secrets."
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

locals {
  bucket_prefixes = [var.landing_prefix, var.compute_log_prefix]

  task_arns_in_cluster = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${local.cluster_name}/*"
  # Any revision of the run family: a new image tag registers a new revision.
  run_task_definition_arns = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${local.run_task_family}:*"
}

data "aws_iam_policy_document" "dagster_task" {
  statement {
    sid       = "ListOnlyTheTwoPrefixes"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.landing.arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = flatten([for prefix in local.bucket_prefixes : [prefix, "${prefix}/*"]])
    }
  }

  # No s3:DeleteObject: landing files are written once and expire by lifecycle rule.
  statement {
    sid       = "ReadWriteTheTwoPrefixes"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = [for prefix in local.bucket_prefixes : "${aws_s3_bucket.landing.arn}/${prefix}/*"]
  }

  statement {
    sid       = "UseTheBucketKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.mindpulse.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "LaunchRunTasks"
    actions   = ["ecs:RunTask"]
    resources = [local.run_task_definition_arns]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.dagster.arn]
    }
  }

  # EcsRunLauncher tags each run task with its Dagster run id when it starts it.
  statement {
    sid       = "TagRunTasksAtLaunch"
    actions   = ["ecs:TagResource"]
    resources = [local.task_arns_in_cluster]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }

  # Run monitoring and termination; also how the daemon reads its own task's network settings.
  statement {
    sid       = "WatchAndStopRunTasks"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [local.task_arns_in_cluster]
  }

  # Neither action supports resource-level permissions; both only read.
  statement {
    sid = "ReadTaskDefinitionsAndNetworkInterfaces"
    actions = [
      "ecs:DescribeTaskDefinition",
      "ec2:DescribeNetworkInterfaces",
    ]
    resources = ["*"]
  }

  statement {
    sid     = "PassOnlyTheTwoTaskRoles"
    actions = ["iam:PassRole"]
    resources = [
      aws_iam_role.task_execution.arn,
      aws_iam_role.dagster_task.arn,
    ]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  # The launcher reads a failed run's last log lines into the run's failure message.
  statement {
    sid       = "ReadRunLogs"
    actions   = ["logs:GetLogEvents"]
    resources = ["${aws_cloudwatch_log_group.dagster["run"].arn}:*"]
  }

  statement {
    sid       = "ReadTaskSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [for secret in aws_secretsmanager_secret.app : secret.arn]
  }

  statement {
    sid       = "DecryptTaskSecrets"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.mindpulse.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${local.region}.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "dagster_task" {
  name   = "landing-runs-secrets"
  role   = aws_iam_role.dagster_task.id
  policy = data.aws_iam_policy_document.dagster_task.json
}
