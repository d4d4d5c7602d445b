"""terraform/ without the Terraform binary: every .tf file parses (python-hcl2), the three
modules pin Terraform and their providers, every variable and output is documented, and no
file holds a secret value or a private key."""

from __future__ import annotations

import re
from pathlib import Path

import hcl2
import pytest

from tests.deploy.terraform_files import (
    TERRAFORM_DIR,
    clean,
    is_expression,
    load,
    module,
    tf_files,
    walk,
)
from tests.deploy.terraform_files import single as _single

SNOWFLAKE_PROVIDERS = {"snowflakedb/snowflake", "Snowflake-Labs/snowflake"}
# Attribute or variable names whose literal string value would be a secret in code.
SECRET_NAME = re.compile(
    r"(^|_)(password|passphrase|secret|secret_string|private_key|token|api_key)$",
    re.IGNORECASE,
)


# Parsing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", tf_files(), ids=lambda path: str(path.relative_to(TERRAFORM_DIR)))
def test_every_tf_file_parses(path: Path):
    assert load(path), f"{path} parsed to nothing"


def test_the_three_modules_exist_with_pinned_providers():
    assert len(tf_files()) >= 20, "terraform/ should hold the snowflake, aws and prod modules"
    expected = {
        "snowflake": {"snowflake"},
        "aws": {"aws"},
        "prod": {"snowflake", "aws"},
    }
    for name, providers in expected.items():
        settings = [block for block in module(name).terraform if "required_providers" in block]
        assert len(settings) == 1, f"{name}: one terraform block with required_providers"
        assert settings[0]["required_version"] == ">= 1.6", name
        required = _single(settings[0]["required_providers"])
        assert set(required) == providers, name
        for provider, spec in required.items():
            assert spec["version"].startswith("~> "), f"{name}: pin {provider} with ~>"
        if "snowflake" in required:
            assert required["snowflake"]["source"] in SNOWFLAKE_PROVIDERS
        if "aws" in required:
            assert required["aws"]["source"] == "hashicorp/aws"


def test_every_variable_and_output_is_documented():
    undocumented = []
    for name in ("snowflake", "aws", "prod"):
        parsed = module(name)
        for variable, body in parsed.variables.items():
            if len(str(body.get("description", "")).split()) < 3 or "type" not in body:
                undocumented.append(f"{name}: variable {variable}")
        for output, body in parsed.outputs.items():
            if len(str(body.get("description", "")).split()) < 3:
                undocumented.append(f"{name}: output {output}")
    assert not undocumented, f"missing description (or type): {undocumented}"
    assert len(module("aws").variables) >= 15 and len(module("aws").outputs) >= 8


# No secrets in code -----------------------------------------------------------------------


def _text_files() -> list[Path]:
    return [*tf_files(), *TERRAFORM_DIR.rglob("*.tfvars*")]


def test_no_secret_values_or_keys_in_code():
    offenders = []
    for path in _text_files():
        text = path.read_text(encoding="utf-8")
        if "-----BEGIN" in text or "PRIVATE KEY-----" in text:
            offenders.append(f"{path}: PEM block")
        with path.open(encoding="utf-8") as handle:
            parsed = clean(hcl2.load(handle))
        for keys, value in walk(parsed):
            named_secret = [key for key in keys if SECRET_NAME.search(key)]
            # A variable called *_password with a literal default is as bad as an attribute.
            literal = isinstance(value, str) and value and not is_expression(value)
            if named_secret and keys[-1] in {*named_secret, "default"} and literal:
                offenders.append(f"{path}: {'.'.join(keys)} = {value!r}")
    assert not offenders, offenders
