# The one MindPulse image (Dockerfile at the repository root) runs all three Dagster processes.
resource "aws_ecr_repository" "mindpulse" {
  name = var.name_prefix
  # A tag always means the same build, so a task definition revision is reproducible.
  image_tag_mutability = "IMMUTABLE"

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.mindpulse.arn
  }
}

resource "aws_ecr_lifecycle_policy" "mindpulse" {
  repository = aws_ecr_repository.mindpulse.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Keep the most recent images; a rollback needs only the last few."
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_images_to_keep
        }
        action = { type = "expire" }
      },
    ]
  })
}
