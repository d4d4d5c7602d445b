module "snowflake" {
  source = "../../snowflake"

  pipeline_rsa_public_key  = var.pipeline_rsa_public_key
  dashboard_rsa_public_key = var.dashboard_rsa_public_key
}

# The AWS side takes every Snowflake name from the module above, so the tasks' environment
# cannot drift from what exists in Snowflake.
module "aws" {
  source = "../../aws"

  vpc_id                        = var.vpc_id
  private_subnet_ids            = var.private_subnet_ids
  webserver_ingress_cidr_blocks = var.webserver_ingress_cidr_blocks
  image_tag                     = var.image_tag

  snowflake_account   = "${var.snowflake_organization_name}-${var.snowflake_account_name}"
  snowflake_user      = module.snowflake.pipeline_user
  snowflake_role      = module.snowflake.pipeline_role
  snowflake_warehouse = module.snowflake.warehouse
  snowflake_database  = module.snowflake.database

  dagster_pg_host      = var.dagster_pg_host
  dagster_pg_db        = var.dagster_pg_db
  dagster_pg_username  = var.dagster_pg_username
  postgres_cidr_blocks = var.postgres_cidr_blocks

  llm_mode = var.llm_mode
}
