provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "mindpulse"
      Environment = "prod"
      ManagedBy   = "terraform"
    }
  }
}

# Credentials are not configured here: the provider reads the operator's own key pair from the
# environment (SNOWFLAKE_USER, SNOWFLAKE_PRIVATE_KEY or SNOWFLAKE_PRIVATE_KEY_PATH,
# SNOWFLAKE_AUTHENTICATOR=SNOWFLAKE_JWT), so nothing sensitive is in code or tfvars.
provider "snowflake" {
  organization_name = var.snowflake_organization_name
  account_name      = var.snowflake_account_name
  role              = var.snowflake_admin_role
}
