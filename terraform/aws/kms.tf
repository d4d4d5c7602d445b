# One customer-managed key for the project's data at rest: landing files, secrets, logs and
# images. One key keeps the policy in one place; what a principal may do with it is still
# limited by its IAM policy (iam_*.tf), which names the service it may use the key through.
resource "aws_kms_key" "mindpulse" {
  description             = "MindPulse data at rest: S3 landing bucket, Secrets Manager, CloudWatch Logs, ECR."
  enable_key_rotation     = true
  deletion_window_in_days = 30

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Without this the key would be managed by its own policy alone, and IAM policies (the
        # roles below, the operator's admin role) could not grant any use of it.
        Sid       = "AccountAdministersThroughIam"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        # CloudWatch Logs encrypts with the key as its own service principal, not as a caller.
        Sid       = "CloudWatchLogsEncryptsTheLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action = [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/ecs/${var.name_prefix}/*"
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "mindpulse" {
  name          = "alias/${var.name_prefix}"
  target_key_id = aws_kms_key.mindpulse.key_id
}
