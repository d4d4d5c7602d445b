data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  partition  = data.aws_partition.current.partition

  # Bucket names are global: the account id keeps two deployments of the same prefix apart.
  landing_bucket_name     = "${var.name_prefix}-landing-${local.account_id}"
  access_logs_bucket_name = "${var.name_prefix}-s3-access-logs-${local.account_id}"

  cluster_name = var.name_prefix
  # dagster-aws's EcsRunLauncher starts every run from this task definition family.
  run_task_family = "${var.name_prefix}-dagster-run"
}
