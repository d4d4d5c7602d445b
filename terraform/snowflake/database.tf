resource "snowflake_database" "mindpulse" {
  name                        = var.database_name
  comment                     = "MindPulse: mental-health trend signals (raw loads, dbt models, ML outputs)."
  data_retention_time_in_days = var.data_retention_time_in_days
}

# One schema per layer, named as the app and dbt address them unquoted (raw.*, staging.*, ...).
# Terraform's role keeps ownership of the schemas; the pipeline only owns the objects inside
# (see grants_ownership.tf), so it cannot drop a layer or re-grant it.
resource "snowflake_schema" "raw" {
  database = snowflake_database.mindpulse.name
  name     = "RAW"
  comment  = "Extract loads as received (after privacy scrubbing), with batch metadata."
}

resource "snowflake_schema" "staging" {
  database = snowflake_database.mindpulse.name
  name     = "STAGING"
  comment  = "dbt staging views and seeds: renamed, typed, cleaned, deduplicated."
}

resource "snowflake_schema" "marts" {
  database = snowflake_database.mindpulse.name
  name     = "MARTS"
  comment  = "dbt mart tables with enforced contracts; what the dashboard reads."
}

resource "snowflake_schema" "ml" {
  database = snowflake_database.mindpulse.name
  name     = "ML"
  comment  = "Forecasts, segments, insights and recommendations written by the ML assets."
}
