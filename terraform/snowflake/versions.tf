terraform {
  required_version = ">= 1.6"

  required_providers {
    snowflake = {
      # snowflakedb/snowflake is the provider's current home (formerly Snowflake-Labs/snowflake);
      # 2.x is the first major version with every resource used here marked stable.
      source  = "snowflakedb/snowflake"
      version = "~> 2.12"
    }
  }
}
