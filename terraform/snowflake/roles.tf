# Access roles, one per kind of work; each holds only the privileges of grants_*.tf.
resource "snowflake_account_role" "loader" {
  name    = "${var.name_prefix}_LOADER"
  comment = "Writes the RAW schema (extract loads)."
}

resource "snowflake_account_role" "transformer" {
  name    = "${var.name_prefix}_TRANSFORMER"
  comment = "Reads RAW; builds STAGING and MARTS (dbt); reads and writes ML (Python ML assets)."
}

resource "snowflake_account_role" "reader" {
  name    = "${var.name_prefix}_READER"
  comment = "Reads MARTS and ML only: the dashboard and people who browse results."
}

# The Dagster deployment runs extract loads, dbt and the ML assets in one process tree with one
# SNOWFLAKE_ROLE. A session creates objects with its primary role only (secondary roles cannot
# CREATE), so that role must hold both LOADER and TRANSFORMER: PIPELINE inherits the two and
# adds nothing of its own. LOADER and TRANSFORMER stay separate so a person can be given one.
resource "snowflake_account_role" "pipeline" {
  name    = "${var.name_prefix}_PIPELINE"
  comment = "Default role of the pipeline's service user: inherits LOADER and TRANSFORMER, nothing else."
}

resource "snowflake_grant_account_role" "loader_to_pipeline" {
  role_name        = snowflake_account_role.loader.name
  parent_role_name = snowflake_account_role.pipeline.name
}

resource "snowflake_grant_account_role" "transformer_to_pipeline" {
  role_name        = snowflake_account_role.transformer.name
  parent_role_name = snowflake_account_role.pipeline.name
}

# Without these, objects the pipeline owns would be invisible to account administrators.
resource "snowflake_grant_account_role" "pipeline_to_admin" {
  role_name        = snowflake_account_role.pipeline.name
  parent_role_name = var.admin_parent_role
}

resource "snowflake_grant_account_role" "reader_to_admin" {
  role_name        = snowflake_account_role.reader.name
  parent_role_name = var.admin_parent_role
}

locals {
  # Role keys used by the grant tables of grants_*.tf.
  role_names = {
    loader      = snowflake_account_role.loader.name
    transformer = snowflake_account_role.transformer.name
    reader      = snowflake_account_role.reader.name
  }
  schema_names = {
    raw     = snowflake_schema.raw.fully_qualified_name
    staging = snowflake_schema.staging.fully_qualified_name
    marts   = snowflake_schema.marts.fully_qualified_name
    ml      = snowflake_schema.ml.fully_qualified_name
  }
}
