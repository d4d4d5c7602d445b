"""terraform/ without the Terraform binary: every file parses (python-hcl2), the parsed modules
keep the deployment's promises (layers, least privilege, encryption, no secrets in code), and
checkov finds nothing to fail. checkov runs once, from its own environment (make test installs
it: it pins packaging<24, which this environment cannot share)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import hcl2
import pytest

from tests.deploy.terraform_files import (
    REPO,
    TERRAFORM_DIR,
    clean,
    is_expression,
    load,
    module,
    tf_files,
    walk,
)

SNOWFLAKE_PROVIDERS = {"snowflakedb/snowflake", "Snowflake-Labs/snowflake"}
LAYER_SCHEMAS = {"raw": "RAW", "staging": "STAGING", "marts": "MARTS", "ml": "ML"}
# What the app reads in production (orchestration/settings.py, cloud_settings.py, dbt's
# profiles.yml, dagster.yaml): every name must reach the containers, the secret ones through
# Secrets Manager and never as a plain value.
PLAIN_ENVIRONMENT = {
    "MINDPULSE_WAREHOUSE",
    "MINDPULSE_SOURCES",
    "MINDPULSE_LANDING_BUCKET",
    "MINDPULSE_LANDING_PREFIX",
    "SNOWFLAKE_ACCOUNT",
    "SNOWFLAKE_USER",
    "SNOWFLAKE_ROLE",
    "SNOWFLAKE_WAREHOUSE",
    "SNOWFLAKE_DATABASE",
    "SNOWFLAKE_PRIVATE_KEY_PATH",
    "DAGSTER_HOME",
    "DAGSTER_PG_HOST",
    "DAGSTER_PG_DB",
    "DAGSTER_PG_USERNAME",
    "DAGSTER_COMPUTE_LOG_BUCKET",
    "DAGSTER_COMPUTE_LOG_PREFIX",
    "DAGSTER_CURRENT_IMAGE",
}
SECRET_ENVIRONMENT = {
    "SNOWFLAKE_PRIVATE_KEY",
    "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE",
    "DAGSTER_PG_PASSWORD",
    "REDDIT_CLIENT_ID",
    "REDDIT_CLIENT_SECRET",
    "MINDPULSE_NEWSAPI_KEY",
    "GEMINI_API_KEY",
    "MINDPULSE_REDDIT_AUTHOR_KEY",
}
WORKSPACE = "orchestration/deploy/workspace.yaml"
# Attribute or variable names whose literal string value would be a secret in code.
SECRET_NAME = re.compile(
    r"(^|_)(password|passphrase|secret|secret_string|private_key|token|api_key)$",
    re.IGNORECASE,
)
SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")
# A real run over these modules passes ~150 checks; an empty or half-parsed run passes few.
MIN_PASSED_CHECKS = 100


def _single(block_list: list[dict]) -> dict:
    assert isinstance(block_list, list) and len(block_list) == 1, block_list
    return block_list[0]


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


# Snowflake --------------------------------------------------------------------------------


def test_database_and_the_four_layer_schemas():
    snowflake = module("snowflake")
    database = snowflake.resource("snowflake_database", "mindpulse")
    assert snowflake.resolve(database["name"]) == "MINDPULSE"
    schemas = snowflake.resources["snowflake_schema"]
    assert {key: body["name"] for key, body in schemas.items()} == LAYER_SCHEMAS
    for body in schemas.values():
        assert body["database"] == "${snowflake_database.mindpulse.name}"


def test_one_xsmall_warehouse_that_suspends_within_a_minute():
    warehouses = module("snowflake").resources["snowflake_warehouse"]
    assert len(warehouses) == 1
    warehouse = next(iter(warehouses.values()))
    assert warehouse["warehouse_size"] in {"XSMALL", "X-SMALL"}
    assert isinstance(warehouse["auto_suspend"], int) and 0 < warehouse["auto_suspend"] <= 60
    assert str(warehouse["auto_resume"]).lower() == "true"
    assert warehouse["initially_suspended"] is True


def _grants_by_role(grants: dict) -> dict[str, dict[str, set[str]]]:
    """role -> schema -> privileges of a grant table of the snowflake module's locals."""
    by_role: dict[str, dict[str, set[str]]] = {}
    for grant in grants.values():
        privileges = set(grant.get("privileges", ["OWNERSHIP"]))
        objects = grant.get("objects")
        target = f"{grant['schema']}.{objects}" if objects else grant["schema"]
        by_role.setdefault(grant["role"], {}).setdefault(target, set()).update(privileges)
    return by_role


def test_roles_have_least_privilege_per_layer():
    snowflake = module("snowflake")
    roles = snowflake.resources["snowflake_account_role"]
    assert {"loader", "transformer", "reader"} <= set(roles)

    on_schemas = _grants_by_role(snowflake.locals["schema_privileges"])
    assert set(on_schemas["loader"]) == {"raw"}
    assert {"USAGE", "CREATE TABLE"} <= on_schemas["loader"]["raw"]
    assert on_schemas["transformer"]["raw"] == {"USAGE"}, "TRANSFORMER only reads RAW"
    for layer in ("staging", "marts", "ml"):
        assert {"USAGE", "CREATE TABLE", "CREATE VIEW"} <= on_schemas["transformer"][layer]
    assert on_schemas["reader"] == {"marts": {"USAGE"}, "ml": {"USAGE"}}

    future = _grants_by_role(snowflake.locals["future_object_privileges"])
    assert future["transformer"] == {"raw.TABLES": {"SELECT"}}
    assert future["reader"] == {
        "marts.TABLES": {"SELECT"},
        "marts.VIEWS": {"SELECT"},
        "ml.TABLES": {"SELECT"},
        "ml.VIEWS": {"SELECT"},
    }
    owners = _grants_by_role(snowflake.locals["future_ownership"])
    assert set(owners["loader"]) == {"raw.TABLES"}
    assert set(owners["transformer"]) == {
        f"{layer}.{objects}"
        for layer in ("staging", "marts", "ml")
        for objects in ("TABLES", "VIEWS")
    }
    assert "reader" not in owners

    # The grant tables are what the grant resources iterate over.
    grant_resources = snowflake.resources["snowflake_grant_privileges_to_account_role"]
    assert grant_resources["schema"]["for_each"] == "${local.schema_privileges}"
    assert grant_resources["future_objects"]["for_each"] == "${local.future_object_privileges}"
    assert _single(_single(grant_resources["future_objects"]["on_schema_object"])["future"])
    ownership = snowflake.resource("snowflake_grant_ownership", "future_objects")
    assert ownership["for_each"] == "${local.future_ownership}"
    account_object_roles = snowflake.locals["account_object_roles"]
    assert all(f'"{role}"' in account_object_roles for role in ("loader", "transformer", "reader"))
    for usage in ("database_usage", "warehouse_usage"):
        assert grant_resources[usage]["privileges"] == ["USAGE"]


def test_pipeline_user_uses_a_key_pair_and_inherits_loader_and_transformer():
    snowflake = module("snowflake")
    users = snowflake.resources["snowflake_service_user"]
    pipeline = users["pipeline"]
    assert pipeline["rsa_public_key"] == "${var.pipeline_rsa_public_key}"
    assert "default" not in snowflake.variables["pipeline_rsa_public_key"], (
        "the public key must come from the operator, not a default"
    )
    assert pipeline["default_role"] == "${snowflake_account_role.pipeline.name}"
    assert pipeline["default_warehouse"] == "${snowflake_warehouse.mindpulse.name}"
    for name, user in users.items():
        assert not [key for key in user if "password" in key], f"user {name} has a password"
    assert not snowflake.resources.get("snowflake_user"), "people-type users can have passwords"

    role_grants = snowflake.resources["snowflake_grant_account_role"].values()
    parents_of = {}
    for grant in role_grants:
        parents_of.setdefault(grant["role_name"], set()).add(
            grant.get("parent_role_name") or grant.get("user_name")
        )
    pipeline_role = "${snowflake_account_role.pipeline.name}"
    for child in ("loader", "transformer"):
        assert pipeline_role in parents_of[f"${{snowflake_account_role.{child}.name}}"]
    assert "${snowflake_service_user.pipeline.name}" in parents_of[pipeline_role]


def test_snowflake_outputs_name_every_object():
    outputs = module("snowflake").outputs
    assert {"database", "schemas", "warehouse", "roles", "pipeline_user"} <= set(outputs)
    assert set(outputs["schemas"]["value"]) == set(LAYER_SCHEMAS)
    assert {"loader", "transformer", "reader"} <= set(outputs["roles"]["value"])


# AWS: storage -----------------------------------------------------------------------------


def test_landing_bucket_is_encrypted_versioned_private_and_expires():
    aws = module("aws")
    bucket_ref = "${aws_s3_bucket.landing.id}"

    encryption = aws.resource("aws_s3_bucket_server_side_encryption_configuration", "landing")
    assert encryption["bucket"] == bucket_ref
    default = _single(_single(encryption["rule"])["apply_server_side_encryption_by_default"])
    assert default["sse_algorithm"] == "aws:kms"
    assert default["kms_master_key_id"] == "${aws_kms_key.mindpulse.arn}"
    assert aws.resource("aws_kms_key", "mindpulse")["enable_key_rotation"] is True

    versioning = aws.resource("aws_s3_bucket_versioning", "landing")
    assert _single(versioning["versioning_configuration"])["status"] == "Enabled"

    block = aws.resource("aws_s3_bucket_public_access_block", "landing")
    assert block["bucket"] == bucket_ref
    for setting in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert block[setting] is True, setting

    rules = aws.resource("aws_s3_bucket_lifecycle_configuration", "landing")["rule"]
    assert all(rule["status"] == "Enabled" for rule in rules)
    assert any(rule.get("noncurrent_version_expiration") for rule in rules)
    assert any(rule.get("abort_incomplete_multipart_upload") for rule in rules)
    assert aws.resource("aws_s3_bucket_logging", "landing")["bucket"] == bucket_ref


def test_buckets_refuse_plain_http():
    aws = module("aws")
    for name in ("landing", "access_logs"):
        policy = aws.resource("aws_s3_bucket_policy", name)
        # "${data.aws_iam_policy_document.<name>.json}"
        document_name = policy["policy"][2:-1].split(".")[2]
        document = aws.data["aws_iam_policy_document"][document_name]
        denials = [
            statement
            for statement in document["statement"]
            if statement.get("effect") == "Deny"
            and any(
                condition["variable"] == "aws:SecureTransport" and condition["values"] == ["false"]
                for condition in statement.get("condition", [])
            )
        ]
        assert denials, f"bucket {name} has no TLS-only statement"


def test_ecr_repository_is_immutable_scanned_and_kms_encrypted():
    repository = module("aws").resource("aws_ecr_repository", "mindpulse")
    assert repository["image_tag_mutability"] == "IMMUTABLE"
    assert _single(repository["image_scanning_configuration"])["scan_on_push"] is True
    assert _single(repository["encryption_configuration"])["encryption_type"] == "KMS"


def test_log_groups_keep_a_year_and_are_encrypted():
    aws = module("aws")
    groups = aws.resources["aws_cloudwatch_log_group"]
    assert groups
    for name, group in groups.items():
        retention = aws.resolve(group["retention_in_days"])
        assert isinstance(retention, int) and retention >= 365, name
        assert group["kms_key_id"] == "${aws_kms_key.mindpulse.arn}", name


def test_secrets_are_created_empty_and_kms_encrypted():
    aws = module("aws")
    assert not aws.resources.get("aws_secretsmanager_secret_version"), (
        "secret values are filled in by the operator, never by Terraform"
    )
    secret = aws.resource("aws_secretsmanager_secret", "app")
    assert secret["for_each"] == "${local.secrets}"
    assert secret["kms_key_id"] == "${aws_kms_key.mindpulse.arn}"
    assert {entry["env"] for entry in aws.locals["secrets"].values()} == SECRET_ENVIRONMENT


# AWS: compute ------------------------------------------------------------------------------


def test_fargate_task_definitions_for_webserver_daemon_and_run():
    aws = module("aws")
    definition = aws.resource("aws_ecs_task_definition", "dagster")
    assert definition["for_each"] == "${local.dagster_processes}"
    assert definition["requires_compatibilities"] == ["FARGATE"]
    assert definition["network_mode"] == "awsvpc"
    assert definition["execution_role_arn"] != definition["task_role_arn"]

    processes = aws.locals["dagster_processes"]
    assert set(processes) == {"webserver", "daemon", "run"}
    commands = {
        name: [aws.resolve(part) for part in spec["command"] or []]
        for name, spec in processes.items()
    }
    assert commands == {
        "webserver": ["dagster-webserver", "-h", "0.0.0.0", "-p", "3000", "-w", WORKSPACE],
        "daemon": ["dagster-daemon", "run", "-w", WORKSPACE],
        "run": [],
    }
    assert aws.locals["image"] == "${aws_ecr_repository.mindpulse.repository_url}:${var.image_tag}"
    assert "image = local.image" in aws.locals["container_definitions"]
    # EcsRunLauncher overrides the container named "run" (its default container_name).
    assert "name = process" in aws.locals["container_definitions"]
    assert aws.resource("aws_ecs_cluster", "dagster")["setting"] == [
        {"name": "containerInsights", "value": "enabled"}
    ]


def test_services_run_in_private_subnets_without_public_ips():
    aws = module("aws")
    for name in ("webserver", "daemon"):
        service = aws.resource("aws_ecs_service", name)
        assert service["launch_type"] == "FARGATE"
        assert service["desired_count"] == 1
        assert service["task_definition"] == f'${{aws_ecs_task_definition.dagster["{name}"].arn}}'
        network = _single(service["network_configuration"])
        assert network["assign_public_ip"] is False
        assert network["subnets"] == "${var.private_subnet_ids}"
    daemon = aws.resource("aws_ecs_service", "daemon")
    assert daemon["deployment_maximum_percent"] == 100, "two daemons must never overlap"


def test_container_environment_matches_what_the_app_reads():
    from orchestration.cloud_settings import REQUIRED_SNOWFLAKE_VARIABLES

    aws = module("aws")
    environment = aws.locals["container_environment"]
    secret_names = {entry["env"] for entry in aws.locals["secrets"].values()}
    assert set(environment) >= PLAIN_ENVIRONMENT, PLAIN_ENVIRONMENT - set(environment)
    assert secret_names >= SECRET_ENVIRONMENT
    assert not set(environment) & secret_names, "a secret is also a plain environment value"
    assert set(REQUIRED_SNOWFLAKE_VARIABLES) <= set(environment)
    assert environment["MINDPULSE_WAREHOUSE"] == "snowflake"
    assert environment["MINDPULSE_SOURCES"] == "live"
    assert aws.resolve(environment["DAGSTER_HOME"]) == "/opt/dagster/dagster_home"
    assert aws.resolve(environment["DAGSTER_COMPUTE_LOG_PREFIX"]) == "compute-logs"
    assert environment["DAGSTER_COMPUTE_LOG_BUCKET"] == "${aws_s3_bucket.landing.id}"
    assert environment["MINDPULSE_LANDING_BUCKET"] == "${aws_s3_bucket.landing.id}"
    assert aws.resolve(environment["SNOWFLAKE_PRIVATE_KEY_PATH"]).startswith("/")


# AWS: IAM ---------------------------------------------------------------------------------

# Actions AWS offers no resource-level permissions for; only these may use Resource "*".
UNRESTRICTABLE_ACTIONS = {
    "ecr:GetAuthorizationToken",
    "ecs:DescribeTaskDefinition",
    "ec2:DescribeNetworkInterfaces",
}


def _statements(name: str) -> dict[str, dict]:
    document = module("aws").data["aws_iam_policy_document"][name]
    return {statement["sid"]: statement for statement in document["statement"]}


def test_iam_policies_name_their_resources():
    for name in ("task_execution", "dagster_task"):
        for sid, statement in _statements(name).items():
            actions = set(statement["actions"])
            assert not any(action.endswith("*") for action in actions), f"{name}/{sid}"
            resources = statement["resources"]
            if isinstance(resources, list) and "*" in resources:
                assert actions <= UNRESTRICTABLE_ACTIONS, f"{name}/{sid} uses Resource *"


def test_dagster_task_role_is_limited_to_its_cluster_bucket_and_secrets():
    statements = _statements("dagster_task")
    by_action: dict[str, dict] = {}
    for statement in statements.values():
        for action in statement["actions"]:
            by_action[action] = statement

    run_task = by_action["ecs:RunTask"]
    assert run_task["resources"] == ["${local.run_task_definition_arns}"]
    assert _single(run_task["condition"])["variable"] == "ecs:cluster"
    for action in ("ecs:DescribeTasks", "ecs:StopTask"):
        assert by_action[action]["resources"] == ["${local.task_arns_in_cluster}"]
    run_arns = module("aws").locals["run_task_definition_arns"]
    assert run_arns.endswith(":task-definition/${local.run_task_family}:*")

    pass_role = by_action["iam:PassRole"]
    assert sorted(pass_role["resources"]) == [
        "${aws_iam_role.dagster_task.arn}",
        "${aws_iam_role.task_execution.arn}",
    ]
    secrets = by_action["secretsmanager:GetSecretValue"]["resources"]
    assert secrets == "${[for secret in aws_secretsmanager_secret.app : secret.arn]}"
    objects = by_action["s3:PutObject"]
    assert "s3:DeleteObject" not in by_action
    assert "aws_s3_bucket.landing.arn" in objects["resources"]
    assert "local.bucket_prefixes" in objects["resources"]


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


def test_checkov_skips_sit_in_resources_and_give_reasons():
    skips_in_text = []
    for path in tf_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            match = SKIP_COMMENT.search(line)
            if match:
                check, reason = match.group(1), (match.group(2) or "").strip()
                assert len(reason.split()) >= 6, f"{path}: skip of {check} needs a written reason"
                skips_in_text.append((path.name, check))

    # checkov honours a skip only inside the resource block it exempts.
    skips_in_resources = []
    for path in tf_files():
        for block in load(path).get("resource", []):
            for named in block.values():
                for body in named.values():
                    for comment in body.get("__comments__", []):
                        match = SKIP_COMMENT.search("#" + comment["value"])
                        if match:
                            skips_in_resources.append((path.name, match.group(1)))
    assert sorted(skips_in_text) == sorted(skips_in_resources)


# Environment ------------------------------------------------------------------------------


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


# checkov ----------------------------------------------------------------------------------


def _checkov_binary() -> Path:
    binary = Path(
        os.environ.get("MINDPULSE_CHECKOV") or REPO / ".tools" / "checkov" / "bin" / "checkov"
    )
    assert binary.is_file(), (
        f"checkov is not installed at {binary}: run `make test`, which installs it into "
        ".tools/checkov (its own environment) and points MINDPULSE_CHECKOV at it."
    )
    return binary


def _run_checkov(binary: Path) -> subprocess.CompletedProcess:
    """One checkov process over the whole folder (~6 s of CPU), offline: no mapping download
    from the Prisma Cloud API and no platform upload."""
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
    command = [
        str(binary),
        "-d",
        str(TERRAFORM_DIR),
        "--framework",
        "terraform",
        "--output",
        "json",
        "--compact",
        "--quiet",
        "--skip-download",
    ]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_checkov_passes_offline():
    checkov_run = _run_checkov(_checkov_binary())
    assert "Failed to get the checkov mappings" not in checkov_run.stderr
    assert "Traceback" not in checkov_run.stderr, checkov_run.stderr[-3000:]
    report = json.loads(checkov_run.stdout)
    if isinstance(report, list):  # one entry per framework when several ran
        report = next(item for item in report if item["check_type"] == "terraform")
    failed = report["results"]["failed_checks"]
    summary = report["summary"]
    described = [
        f"{check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}"
        for check in failed
    ]
    assert failed == [], "checkov failed:\n" + "\n".join(described)
    assert summary["failed"] == 0
    assert summary["parsing_errors"] == 0
    assert summary["passed"] > MIN_PASSED_CHECKS, summary
