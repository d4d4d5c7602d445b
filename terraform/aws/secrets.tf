locals {
  # Secret key -> the environment variable the tasks receive it as. The values are never in
  # code or state: Terraform creates empty entries and the operator fills them in
  # (`aws secretsmanager put-secret-value`, see terraform/README.md).
  secrets = {
    snowflake-private-key = {
      env         = "SNOWFLAKE_PRIVATE_KEY"
      description = "PEM (PKCS#8) private key of the Snowflake service user; the container entrypoint writes it to SNOWFLAKE_PRIVATE_KEY_PATH."
    }
    snowflake-private-key-passphrase = {
      env         = "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE"
      description = "Passphrase of the encrypted Snowflake private key."
    }
    dagster-pg-password = {
      env         = "DAGSTER_PG_PASSWORD"
      description = "Password of Dagster's PostgreSQL run storage user."
    }
    reddit-client-id = {
      env         = "REDDIT_CLIENT_ID"
      description = "Reddit API client id (live Reddit extract)."
    }
    reddit-client-secret = {
      env         = "REDDIT_CLIENT_SECRET"
      description = "Reddit API client secret (live Reddit extract)."
    }
    newsapi-key = {
      env         = "MINDPULSE_NEWSAPI_KEY"
      description = "NewsAPI key (live news extract)."
    }
    reddit-author-key = {
      env         = "MINDPULSE_REDDIT_AUTHOR_KEY"
      description = "Random key (openssl rand -hex 32) that pseudonymizes Reddit authors; stable across runs, unlike a per-task key."
    }
    gemini-api-key = {
      env         = "GEMINI_API_KEY"
      description = "Gemini API key, used only when MINDPULSE_LLM=gemini."
    }
  }
}

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:Every value is issued outside AWS (Reddit, NewsAPI and Google keys, a key pair registered in Snowflake, the password of a database this module does not manage, the operator's pseudonymization key), so no rotation function can reissue it; the operator rotates them.
  for_each = local.secrets

  name                    = "${var.name_prefix}/${each.key}"
  description             = each.value.description
  kms_key_id              = aws_kms_key.mindpulse.arn
  recovery_window_in_days = var.secret_recovery_window_days
}
