# TYPE = SERVICE users cannot have a password or MFA at all: key-pair authentication only.
# Terraform receives the public key; the private key stays with the operator and AWS Secrets
# Manager (terraform/aws), never in Terraform state.
resource "snowflake_service_user" "pipeline" {
  name              = var.pipeline_user_name
  comment           = "Dagster deployment of MindPulse: extract loads, dbt, ML assets."
  rsa_public_key    = var.pipeline_rsa_public_key
  default_role      = snowflake_account_role.pipeline.name
  default_warehouse = snowflake_warehouse.mindpulse.name
  default_namespace = snowflake_database.mindpulse.name
  # Snowflake's default for new users activates every granted role as a secondary role; the
  # pipeline should act with its one role and nothing it might be granted later by mistake.
  default_secondary_roles_option = "NONE"
}

resource "snowflake_grant_account_role" "pipeline_to_pipeline_user" {
  role_name = snowflake_account_role.pipeline.name
  user_name = snowflake_service_user.pipeline.name
}

# The dashboard gets a user of its own, so a leaked dashboard key can read results but never
# write them. People are granted the READER role by an administrator instead.
resource "snowflake_service_user" "dashboard" {
  count = var.dashboard_rsa_public_key == null ? 0 : 1

  name                           = var.dashboard_user_name
  comment                        = "MindPulse Streamlit dashboard (read-only)."
  rsa_public_key                 = var.dashboard_rsa_public_key
  default_role                   = snowflake_account_role.reader.name
  default_warehouse              = snowflake_warehouse.mindpulse.name
  default_namespace              = snowflake_database.mindpulse.name
  default_secondary_roles_option = "NONE"
}

resource "snowflake_grant_account_role" "reader_to_dashboard_user" {
  count = length(snowflake_service_user.dashboard)

  role_name = snowflake_account_role.reader.name
  user_name = snowflake_service_user.dashboard[0].name
}
