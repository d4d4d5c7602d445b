locals {
  # Grants on tables and views that do not exist yet: every new dbt model, raw table or ML
  # output is covered the moment it is created, with no grant step in the pipeline.
  future_object_privileges = {
    transformer_raw_tables = {
      role       = "transformer"
      schema     = "raw"
      objects    = "TABLES"
      privileges = ["SELECT"]
    }
    reader_marts_tables = {
      role       = "reader"
      schema     = "marts"
      objects    = "TABLES"
      privileges = ["SELECT"]
    }
    reader_marts_views = {
      role       = "reader"
      schema     = "marts"
      objects    = "VIEWS"
      privileges = ["SELECT"]
    }
    reader_ml_tables = {
      role       = "reader"
      schema     = "ml"
      objects    = "TABLES"
      privileges = ["SELECT"]
    }
    reader_ml_views = {
      role       = "reader"
      schema     = "ml"
      objects    = "VIEWS"
      privileges = ["SELECT"]
    }
  }

  # The pipeline's sessions run as PIPELINE, but what they create is handed to the access role
  # of its layer: RAW tables to LOADER, dbt and ML objects to TRANSFORMER. So a person given
  # TRANSFORMER alone can rebuild a model the scheduled run created, and ownership never sits
  # with the catch-all PIPELINE role.
  future_ownership = {
    loader_raw_tables          = { role = "loader", schema = "raw", objects = "TABLES" }
    transformer_staging_tables = { role = "transformer", schema = "staging", objects = "TABLES" }
    transformer_staging_views  = { role = "transformer", schema = "staging", objects = "VIEWS" }
    transformer_marts_tables   = { role = "transformer", schema = "marts", objects = "TABLES" }
    transformer_marts_views    = { role = "transformer", schema = "marts", objects = "VIEWS" }
    transformer_ml_tables      = { role = "transformer", schema = "ml", objects = "TABLES" }
    transformer_ml_views       = { role = "transformer", schema = "ml", objects = "VIEWS" }
  }
}

resource "snowflake_grant_privileges_to_account_role" "future_objects" {
  for_each          = local.future_object_privileges
  account_role_name = local.role_names[each.value.role]
  privileges        = each.value.privileges

  on_schema_object {
    future {
      object_type_plural = each.value.objects
      in_schema          = local.schema_names[each.value.schema]
    }
  }
}

# The provider cannot revoke a future ownership grant on destroy: removing an entry here needs a
# manual REVOKE OWNERSHIP ON FUTURE ... as well (see terraform/README.md).
resource "snowflake_grant_ownership" "future_objects" {
  for_each          = local.future_ownership
  account_role_name = local.role_names[each.value.role]

  on {
    future {
      object_type_plural = each.value.objects
      in_schema          = local.schema_names[each.value.schema]
    }
  }
}
