# Landing files (as received, after privacy scrubbing) and Dagster's step logs, each under its
# own prefix. Files are written once; re-running a partition writes a new batch file.
resource "aws_s3_bucket" "landing" {
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage for files the sources can re-deliver and RAW tables already hold; versioning covers accidental overwrites.
  #checkov:skip=CKV2_AWS_62:Nothing consumes object events: the weekly Dagster schedule drives every load, so notifications would have no subscriber.
  bucket = local.landing_bucket_name
}

resource "aws_s3_bucket_ownership_controls" "landing" {
  bucket = aws_s3_bucket.landing.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "landing" {
  bucket                  = aws_s3_bucket.landing.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "landing" {
  bucket = aws_s3_bucket.landing.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "landing" {
  bucket = aws_s3_bucket.landing.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.mindpulse.arn
    }
    # S3 Bucket Keys cut the KMS requests (and their cost) of many small landing files.
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "landing" {
  bucket        = aws_s3_bucket.landing.id
  target_bucket = aws_s3_bucket.access_logs.id
  target_prefix = "${local.landing_bucket_name}/"

  # Log delivery is authorised by the target's bucket policy; let it exist first.
  depends_on = [aws_s3_bucket_policy.access_logs]
}

# No transition to infrequent-access classes: landing files are mostly smaller than the 128 KB
# those classes bill as a minimum, so a transition would raise the cost of this bucket.
resource "aws_s3_bucket_lifecycle_configuration" "landing" {
  bucket = aws_s3_bucket.landing.id

  # Rules may overlap: the bucket-wide rule cleans up old versions and unfinished uploads
  # everywhere, the prefix rules decide how long current files live.
  rule {
    id     = "whole-bucket-housekeeping"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  rule {
    id     = "landing-files"
    status = "Enabled"

    filter {
      prefix = "${var.landing_prefix}/"
    }

    expiration {
      days = var.landing_retention_days
    }
  }

  rule {
    id     = "compute-logs"
    status = "Enabled"

    filter {
      prefix = "${var.compute_log_prefix}/"
    }

    expiration {
      days = var.compute_log_retention_days
    }
  }

  # Versioning must be on before lifecycle rules about noncurrent versions make sense.
  depends_on = [aws_s3_bucket_versioning.landing]
}

data "aws_iam_policy_document" "landing_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.landing.arn,
      "${aws_s3_bucket.landing.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "landing" {
  bucket = aws_s3_bucket.landing.id
  policy = data.aws_iam_policy_document.landing_bucket.json

  # A bucket policy cannot be attached while the public access block is being created.
  depends_on = [aws_s3_bucket_public_access_block.landing]
}
