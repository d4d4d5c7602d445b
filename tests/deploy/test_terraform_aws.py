"""terraform/aws: encrypted, versioned, private storage (S3, ECR, logs, empty Secrets Manager
secrets), Dagster on Fargate in private subnets with the environment the app reads, and IAM
policies that name their resources."""

from __future__ import annotations

from tests.deploy.terraform_files import module
from tests.deploy.terraform_files import single as _single

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
