"""terraform/environments/prod: the root module wires the snowflake and aws modules together
with an encrypted remote state, and its tfvars example sets every required variable."""

from __future__ import annotations

import hcl2

from tests.deploy.terraform_files import TERRAFORM_DIR, clean, module
from tests.deploy.terraform_files import single as _single


def test_prod_wires_both_modules_with_an_encrypted_remote_state():
    prod = module("prod")
    assert prod.module_calls["snowflake"]["source"] == "../../snowflake"
    aws = prod.module_calls["aws"]
    assert aws["source"] == "../../aws"
    assert aws["snowflake_user"] == "${module.snowflake.pipeline_user}"
    assert aws["snowflake_role"] == "${module.snowflake.pipeline_role}"
    assert aws["snowflake_warehouse"] == "${module.snowflake.warehouse}"
    required_by_aws = {
        name for name, body in module("aws").variables.items() if "default" not in body
    }
    assert required_by_aws <= set(aws), required_by_aws - set(aws)

    backend = _single(next(block for block in prod.terraform if "backend" in block)["backend"])
    s3 = backend["s3"]
    assert s3["encrypt"] is True
    assert {"bucket", "key", "region"} <= set(s3)
    assert "dynamodb_table" in s3 or s3.get("use_lockfile") is True


def test_tfvars_example_sets_every_required_variable():
    example = TERRAFORM_DIR / "environments" / "prod" / "terraform.tfvars.example"
    with example.open(encoding="utf-8") as handle:
        values = clean(hcl2.load(handle))
    prod = module("prod")
    required = {name for name, body in prod.variables.items() if "default" not in body}
    assert required <= set(values), required - set(values)
    assert set(values) <= set(prod.variables), set(values) - set(prod.variables)
