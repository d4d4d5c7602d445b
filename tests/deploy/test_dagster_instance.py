"""orchestration/deploy/dagster.yaml, the production Dagster instance: it validates against
Dagster's schema, the run launcher's, the compute log manager's and dagster-postgres's; the real
instance built from it (SQLite in place of PostgreSQL) queues runs with one warehouse writer and
launches a run on ECS (stubbed: no AWS account here) from Terraform's run task family, in the
daemon's network, with a command that fits in ECS's overrides."""

from __future__ import annotations

import importlib.util
import json

import boto3
import dagster as dg
import pytest
import sqlalchemy
import yaml
from botocore.stub import Stubber
from dagster._config import process_config
from dagster._core.code_pointer import ModuleCodePointer
from dagster._core.instance.config import dagster_instance_config
from dagster._core.instance.ref import InstanceRef
from dagster._core.launcher import LaunchRunContext
from dagster._core.origin import JobPythonOrigin, RepositoryPythonOrigin
from dagster._grpc.types import ExecuteRunArgs
from dagster_aws.ecs import EcsRunLauncher
from dagster_aws.ecs import launcher as launcher_module
from dagster_aws.ecs.tasks import CurrentEcsTaskMetadata
from dagster_aws.s3.compute_log_manager import S3ComputeLogManager

from orchestration.resources import WAREHOUSE_POOL
from orchestration.schedules import WEEKLY_JOB_NAME
from orchestration.settings import PROJECT_ROOT
from tests.deploy.deploy_files import APP_DIR, INSTANCE_YAML, referenced_env

DUMMY_ENV = {
    "DAGSTER_PG_HOST": "pg.example.internal",
    "DAGSTER_PG_DB": "dagster",
    "DAGSTER_PG_USERNAME": "dagster",
    "DAGSTER_PG_PASSWORD": "not-a-real-password",
    "DAGSTER_COMPUTE_LOG_BUCKET": "mindpulse-compute-logs",
    "DAGSTER_COMPUTE_LOG_PREFIX": "compute-logs",
    "DAGSTER_RUN_TASK_DEFINITION": "mindpulse-dagster-run",
}


@pytest.fixture
def dummy_env(monkeypatch, tmp_path):
    for name, value in DUMMY_ENV.items():
        monkeypatch.setenv(name, value)
    # boto3 clients are created offline: a region, and no look-up of this machine's AWS
    # configuration or instance metadata.
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


def test_the_instance_file_validates_against_dagsters_schema(tmp_path, dummy_env, instance_config):
    assert referenced_env(instance_config) == set(DUMMY_ENV)
    (tmp_path / "dagster.yaml").write_text(INSTANCE_YAML.read_text())
    config, custom_class = dagster_instance_config(str(tmp_path), "dagster.yaml")
    assert custom_class is None
    assert set(config["storage"]) == {"postgres"}
    launcher = config["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_aws.ecs", "EcsRunLauncher")
    processed = process_config(EcsRunLauncher.config_type(), launcher["config"])
    assert processed.success, processed.errors
    assert processed.value["include_sidecars"] is False
    assert processed.value["use_current_ecs_task_config"] is True
    logs = config["compute_logs"]
    assert logs["class"] == "S3ComputeLogManager"
    processed = process_config(S3ComputeLogManager.config_type(), logs["config"])
    assert processed.success, processed.errors
    assert processed.value["bucket"] == DUMMY_ENV["DAGSTER_COMPUTE_LOG_BUCKET"]
    assert processed.value["prefix"] == DUMMY_ENV["DAGSTER_COMPUTE_LOG_PREFIX"]


def test_the_postgres_storage_config_validates_against_dagster_postgres(dummy_env, instance_config):
    if importlib.util.find_spec("dagster_postgres") is None:
        pytest.skip("dagster-postgres is not installed: add dagster-postgres==0.29.27")
    from dagster_postgres import DagsterPostgresStorage
    from dagster_postgres.utils import pg_url_from_config

    processed = process_config(
        DagsterPostgresStorage.config_type(), instance_config["storage"]["postgres"]
    )
    assert processed.success, processed.errors
    db = processed.value["postgres_db"]
    assert (db["hostname"], db["db_name"], db["username"], db["password"]) == (
        DUMMY_ENV["DAGSTER_PG_HOST"],
        DUMMY_ENV["DAGSTER_PG_DB"],
        DUMMY_ENV["DAGSTER_PG_USERNAME"],
        DUMMY_ENV["DAGSTER_PG_PASSWORD"],
    )
    # The URL's driver is one that is installed (SQLAlchemy 2.1 reads a bare postgresql:// as
    # psycopg 3; dagster-postgres brings psycopg2), and the password only crosses with TLS.
    url = sqlalchemy.engine.make_url(pg_url_from_config(processed.value))
    url.get_dialect().import_dbapi()
    assert url.query["sslmode"] == "require"


ACCOUNT_ARN = "arn:aws:ecs:eu-west-1:123456789012"
CLUSTER_ARN = f"{ACCOUNT_ARN}:cluster/mindpulse"
RUN_FAMILY_ARN = f"{ACCOUNT_ARN}:task-definition/{DUMMY_ENV['DAGSTER_RUN_TASK_DEFINITION']}:7"
DAEMON_TASK_ARN = f"{ACCOUNT_ARN}:task/mindpulse/0123456789abcdef"
IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/mindpulse:0123456789ab"
# ECS refuses a RunTask whose overrides are longer than this.
ECS_OVERRIDES_LIMIT = 8192


@pytest.fixture
def stubbed_aws(monkeypatch):
    """Every boto3 client created during the test answers from a Stubber: a call without a
    queued response fails the test, so nothing reaches AWS. The ECS client first answers the
    launcher's check of the run task family (the family Terraform registers)."""
    stubs: dict[str, tuple] = {}
    create = boto3.client

    def client(service, *args, **kwargs):
        made = create(service, *args, **kwargs)
        stub = Stubber(made)
        stub.activate()
        stubs[service] = (made, stub)
        if service == "ecs":
            family = {"taskDefinitionArn": RUN_FAMILY_ARN, "family": "mindpulse-dagster-run"}
            family["containerDefinitions"] = [{"name": "run", "image": IMAGE}]
            stub.add_response(
                "describe_task_definition",
                {"taskDefinition": family},
                {"taskDefinition": DUMMY_ENV["DAGSTER_RUN_TASK_DEFINITION"]},
            )
        return made

    monkeypatch.setattr(boto3, "client", client)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "not-a-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    return stubs


@pytest.fixture
def production_instance(tmp_path, dummy_env, stubbed_aws, instance_config):
    """The production instance for real, but with SQLite in place of PostgreSQL (no server
    here): the run launcher, compute log manager, run coordinator and limits are Dagster's own."""
    config = {**instance_config, "storage": {"sqlite": {"base_dir": str(tmp_path / "storage")}}}
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config))
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        yield instance


def test_the_production_instance_queues_runs_and_keeps_one_warehouse_writer(production_instance):
    instance = production_instance
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    concurrency = instance.get_concurrency_config()
    local = yaml.safe_load((PROJECT_ROOT / "orchestration" / "dagster.yaml").read_text())
    local_limit = local["concurrency"]["pools"]["default_limit"]
    assert concurrency.pool_config.default_pool_limit == local_limit == 1
    writer = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    assert (writer.limit, writer.using_default_limit) == (1, True)
    assert concurrency.run_queue_config.max_concurrent_runs >= 1
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0
    assert instance.telemetry_enabled is False
    logs = instance.compute_log_manager
    assert isinstance(logs, S3ComputeLogManager)
    assert logs._s3_bucket == DUMMY_ENV["DAGSTER_COMPUTE_LOG_BUCKET"]


def test_a_run_starts_from_the_terraform_run_family_in_the_daemons_network(
    production_instance, stubbed_aws, monkeypatch
):
    instance = production_instance
    launcher = instance.run_launcher
    assert isinstance(launcher, EcsRunLauncher)
    assert launcher.task_definition == RUN_FAMILY_ARN

    @dg.op
    def noop():
        pass

    @dg.job(name=WEEKLY_JOB_NAME)
    def weekly():
        noop()

    pointer = ModuleCodePointer("orchestration.definitions", "defs", APP_DIR)
    origin = JobPythonOrigin(
        WEEKLY_JOB_NAME,
        RepositoryPythonOrigin(f"{APP_DIR}/.venv/bin/python", pointer, container_image=IMAGE),
    )
    run = instance.create_run_for_job(weekly, job_code_origin=origin)

    # What the daemon's own task looks like to it (the metadata endpoint exists on ECS only).
    monkeypatch.setattr(
        launcher_module,
        "get_current_ecs_task_metadata",
        lambda: CurrentEcsTaskMetadata(cluster=CLUSTER_ARN, task_arn=DAEMON_TASK_ARN),
    )
    ecs, ecs_stub = stubbed_aws["ecs"]
    eni = {"type": "ElasticNetworkInterface", "details": [
        {"name": "subnetId", "value": "subnet-0a"},
        {"name": "networkInterfaceId", "value": "eni-0a"},
    ]}  # fmt: skip
    daemon_task = {"taskArn": DAEMON_TASK_ARN, "clusterArn": CLUSTER_ARN}
    daemon_task |= {"launchType": "FARGATE", "attachments": [eni]}
    ecs_stub.add_response(
        "describe_tasks",
        {"tasks": [daemon_task], "failures": []},
        {"tasks": [DAEMON_TASK_ARN], "cluster": CLUSTER_ARN},
    )
    with Stubber(launcher.ec2.meta.client) as ec2_stub:
        interface = {"NetworkInterfaceId": "eni-0a", "Groups": [{"GroupId": "sg-0a"}]}
        ec2_stub.add_response(
            "describe_network_interfaces",
            {"NetworkInterfaces": [interface]},
            {"NetworkInterfaceIds": ["eni-0a"]},
        )
        started = {"taskArn": f"{ACCOUNT_ARN}:task/mindpulse/run1", "clusterArn": CLUSTER_ARN}
        ecs_stub.add_response("run_task", {"tasks": [started], "failures": []})
        sent: dict = {}
        ecs.meta.events.register(
            "provide-client-params.ecs.RunTask", lambda params, **_: sent.update(params)
        )
        # The Secrets Manager client has no queued response: tag discovery would fail here.
        launcher.launch_run(LaunchRunContext(dagster_run=run, workspace=None))
        ec2_stub.assert_no_pending_responses()
    ecs_stub.assert_no_pending_responses()

    assert sent["taskDefinition"] == RUN_FAMILY_ARN
    assert sent["cluster"] == CLUSTER_ARN
    assert sent["networkConfiguration"]["awsvpcConfiguration"] == {
        "subnets": ["subnet-0a"],
        "assignPublicIp": "DISABLED",
        "securityGroups": ["sg-0a"],
    }
    [container] = sent["overrides"]["containerOverrides"]
    assert container["name"] == "run"
    python = f"{APP_DIR}/.venv/bin/python"
    assert container["command"][:5] == [python, "-m", "dagster", "api", "execute_run"]
    # The run family's size (Terraform's task_sizes) is the one size: no override here.
    assert not {"cpu", "memory"} & set(sent["overrides"]) and "cpu" not in container
    tags = {tag["key"]: tag.get("value") for tag in sent["tags"]}
    assert tags["dagster/run_id"] == run.run_id and tags["project"] == "mindpulse"
    assert instance.get_run_by_id(run.run_id).tags["ecs/task_arn"] == started["taskArn"]


def test_a_runs_command_fits_in_ecs_overrides_with_the_postgres_instance(
    tmp_path, dummy_env, instance_config
):
    # The run's command carries a reference to the whole instance (the PostgreSQL one here).
    (tmp_path / "dagster.yaml").write_text(INSTANCE_YAML.read_text())
    reference = InstanceRef.from_dir(str(tmp_path))
    assert reference.storage_data.class_name == "DagsterPostgresStorage"
    pointer = ModuleCodePointer("orchestration.definitions", "defs", APP_DIR)
    origin = JobPythonOrigin(
        WEEKLY_JOB_NAME,
        RepositoryPythonOrigin(f"{APP_DIR}/.venv/bin/python", pointer, container_image=IMAGE),
    )
    args = ExecuteRunArgs(job_origin=origin, run_id="0" * 36, instance_ref=reference)
    overrides = {"containerOverrides": [{"name": "run", "command": args.get_command_args()}]}
    # A quarter to spare for instance settings added later.
    assert len(json.dumps(overrides)) < ECS_OVERRIDES_LIMIT * 0.75
