locals {
  # Who may do what on each schema itself. A role absent from a schema here cannot even see it:
  # READER has nothing on RAW or STAGING, LOADER nothing outside RAW.
  schema_privileges = {
    # write_pandas stages a DataFrame through a temporary stage and file format in the target
    # schema, hence CREATE STAGE / FILE FORMAT next to CREATE TABLE where Python writes tables.
    loader_raw = {
      role       = "loader"
      schema     = "raw"
      privileges = ["USAGE", "CREATE TABLE", "CREATE STAGE", "CREATE FILE FORMAT"]
    }
    transformer_raw = {
      role       = "transformer"
      schema     = "raw"
      privileges = ["USAGE"]
    }
    transformer_staging = {
      role       = "transformer"
      schema     = "staging"
      privileges = ["USAGE", "CREATE TABLE", "CREATE VIEW"]
    }
    transformer_marts = {
      role       = "transformer"
      schema     = "marts"
      privileges = ["USAGE", "CREATE TABLE", "CREATE VIEW"]
    }
    transformer_ml = {
      role       = "transformer"
      schema     = "ml"
      privileges = ["USAGE", "CREATE TABLE", "CREATE VIEW", "CREATE STAGE", "CREATE FILE FORMAT"]
    }
    reader_marts = {
      role       = "reader"
      schema     = "marts"
      privileges = ["USAGE"]
    }
    reader_ml = {
      role       = "reader"
      schema     = "ml"
      privileges = ["USAGE"]
    }
  }
}

resource "snowflake_grant_privileges_to_account_role" "schema" {
  for_each          = local.schema_privileges
  account_role_name = local.role_names[each.value.role]
  privileges        = each.value.privileges

  on_schema {
    schema_name = local.schema_names[each.value.schema]
  }
}
