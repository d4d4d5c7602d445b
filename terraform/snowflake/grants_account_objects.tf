locals {
  # Every role reaches the database and runs on the one warehouse; USAGE on a warehouse lets
  # auto-resume start it, and nothing more (no MODIFY: resizing stays with administrators).
  account_object_roles = toset(["loader", "transformer", "reader"])
}

resource "snowflake_grant_privileges_to_account_role" "database_usage" {
  for_each          = local.account_object_roles
  account_role_name = local.role_names[each.key]
  privileges        = ["USAGE"]

  on_account_object {
    object_type = "DATABASE"
    object_name = snowflake_database.mindpulse.name
  }
}

resource "snowflake_grant_privileges_to_account_role" "warehouse_usage" {
  for_each          = local.account_object_roles
  account_role_name = local.role_names[each.key]
  privileges        = ["USAGE"]

  on_account_object {
    object_type = "WAREHOUSE"
    object_name = snowflake_warehouse.mindpulse.name
  }
}
