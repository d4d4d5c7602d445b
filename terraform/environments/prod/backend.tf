# EXAMPLE remote state: edit bucket, key, region and the lock table before `terraform init`.
# The state holds resource ids and the public key only (no secret values), but it is still
# the map of the deployment: keep it in a private, versioned, encrypted bucket.
# The state bucket and lock table are created once, outside this configuration, so that this
# configuration never manages the storage of its own state.
terraform {
  backend "s3" {
    bucket  = "EDIT-ME-mindpulse-terraform-state"
    key     = "mindpulse/prod/terraform.tfstate"
    region  = "eu-west-1"
    encrypt = true
    # Terraform >= 1.10 can lock with the state bucket itself: replace this line with
    # `use_lockfile = true` and drop the table.
    dynamodb_table = "EDIT-ME-mindpulse-terraform-locks"
  }
}
