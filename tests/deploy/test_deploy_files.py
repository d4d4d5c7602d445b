"""The production deployment files: Dockerfile, orchestration/deploy/ (instance, workspace,
entrypoint) and the deployment guide.

There is no Docker daemon and no AWS account here, so the Dockerfile is checked instruction by
instruction, the instance file by Dagster's own schema and classes, the entrypoint by running it.
Each Dockerfile check also runs on a broken copy of the Dockerfile, to show that it can fail.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import PurePosixPath

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
from dagster._core.workspace.load import location_origins_from_yaml_paths
from dagster._grpc.types import ExecuteRunArgs
from dagster_aws.ecs import EcsRunLauncher
from dagster_aws.ecs import launcher as launcher_module
from dagster_aws.ecs.tasks import CurrentEcsTaskMetadata
from dagster_aws.s3.compute_log_manager import S3ComputeLogManager

from orchestration.resources import WAREHOUSE_POOL
from orchestration.schedules import WEEKLY_JOB_NAME, weekly_schedule
from orchestration.settings import PROJECT_ROOT

DEPLOY_DIR = PROJECT_ROOT / "orchestration" / "deploy"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
INSTANCE_YAML = DEPLOY_DIR / "dagster.yaml"
WORKSPACE_YAML = DEPLOY_DIR / "workspace.yaml"
ENTRYPOINT = DEPLOY_DIR / "entrypoint.sh"
GUIDE = DEPLOY_DIR / "README.md"

# What the image may contain: the code folders and the package metadata uv needs to install
# the project. Never data/, tests/, .venv/ or the host's dbt artifacts.
CODE_FOLDERS = ("orchestration", "extract", "ml_assets", "dashboard", "dbt_project")
PACKAGE_METADATA = ("pyproject.toml", "uv.lock", "README.md")
HOST_ARTIFACTS = ("dbt_project/target", "dbt_project/logs", "dbt_project/dbt_packages")
APP_DIR = "/opt/dagster/app"
DAGSTER_HOME = "/opt/dagster/dagster_home"
# Variable names that hold a credential; only a *_PATH to a file may appear in the image.
SECRET_NAME = re.compile(r"(PASSWORD|PASSPHRASE|SECRET|TOKEN|API_KEY|PRIVATE_KEY)$")

# Variables a production task needs beyond those the instance file and dbt's profile read.
DEPLOYMENT_VARIABLES = {
    "MINDPULSE_WAREHOUSE",
    "MINDPULSE_SOURCES",
    "MINDPULSE_LANDING_BUCKET",
    "MINDPULSE_LANDING_PREFIX",
    "SNOWFLAKE_PRIVATE_KEY",
    "DAGSTER_CURRENT_IMAGE",
}
DUMMY_ENV = {
    "DAGSTER_PG_HOST": "pg.example.internal",
    "DAGSTER_PG_DB": "dagster",
    "DAGSTER_PG_USERNAME": "dagster",
    "DAGSTER_PG_PASSWORD": "not-a-real-password",
    "DAGSTER_COMPUTE_LOG_BUCKET": "mindpulse-compute-logs",
    "DAGSTER_COMPUTE_LOG_PREFIX": "compute-logs",
    "DAGSTER_RUN_TASK_DEFINITION": "mindpulse-dagster-run",
}


# --- Dockerfile ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str
    args: str


def parse_dockerfile(text: str) -> list[Instruction]:
    """Instructions with their continuation lines joined; comments and blank lines dropped
    (inside a continuation too, as Docker does)."""
    instructions: list[Instruction] = []
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1].strip())
            continue
        parts.append(line)
        keyword, _, args = " ".join(part for part in parts if part).partition(" ")
        instructions.append(Instruction(start, keyword.upper(), args.strip()))
        parts = []
    if parts:
        raise ValueError(f"the Dockerfile ends inside the continuation started on line {start}")
    return instructions


def words(args: str) -> list[str]:
    """An instruction's arguments: exec (JSON) form or shell form."""
    return json.loads(args) if args.startswith("[") else shlex.split(args)


def env_values(instructions: list[Instruction], before: int | None = None) -> dict[str, str]:
    """ENV (and ARG defaults) set before instruction index `before`, with $VAR substituted."""
    values: dict[str, str] = {}
    for instruction in instructions[:before]:
        if instruction.keyword not in ("ENV", "ARG"):
            continue
        items = words(instruction.args)
        pairs = (
            [item.partition("=")[::2] for item in items]
            if "=" in items[0]
            else [(items[0], " ".join(items[1:]))]
        )
        for name, value in pairs:
            values[name] = substitute(value, values)
    return values


def substitute(text: str, values: dict[str, str]) -> str:
    return re.sub(
        r"\$\{(\w+)\}|\$(\w+)",
        lambda m: values.get(m.group(1) or m.group(2), m.group(0)),
        text,
    )


@dataclass(frozen=True)
class Copy:
    index: int
    sources: tuple[str, ...]
    destination: str
    from_stage: str | None


def copies(instructions: list[Instruction]) -> list[Copy]:
    found = []
    for index, instruction in enumerate(instructions):
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        items = words(instruction.args)
        flags = [item for item in items if item.startswith("--")]
        paths = [item for item in items if not item.startswith("--")]
        stage = next((f.split("=", 1)[1] for f in flags if f.startswith("--from=")), None)
        values = env_values(instructions, index)
        found.append(
            Copy(index, tuple(paths[:-1]), substitute(paths[-1], values), from_stage=stage)
        )
    return found


def runs(instructions: list[Instruction], needle: str) -> list[int]:
    return [
        index
        for index, instruction in enumerate(instructions)
        if instruction.keyword == "RUN" and needle in instruction.args
    ]


def _top(source: str) -> str:
    return PurePosixPath(source.rstrip("/")).parts[0]


def base_image_problems(instructions: list[Instruction]) -> list[str]:
    problems = []
    images = [words(i.args)[0] for i in instructions if i.keyword == "FROM"]
    if not images or not re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?", images[-1]):
        problems.append(f"the image must start from a pinned python:3.11.x-slim tag: {images}")
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    uv_version = re.search(r"uv==([0-9.]+)", makefile).group(1)
    uv_sources = [
        c.from_stage
        for c in copies(instructions)
        if c.from_stage and "astral-sh/uv" in c.from_stage
    ] + [i.args for i in instructions if i.keyword == "RUN" and "pip install" in i.args]
    if not any(
        s.endswith(f"uv:{uv_version}") or f"uv=={uv_version}" in s.split() for s in uv_sources
    ):
        problems.append(f"uv must be pinned to the Makefile's {uv_version}: {uv_sources}")
    if env_values(instructions).get("UV_PYTHON_DOWNLOADS") != "never":
        problems.append("UV_PYTHON_DOWNLOADS=never must be set")
    return problems


def lockfile_problems(instructions: list[Instruction]) -> list[str]:
    problems = []
    syncs = runs(instructions, "uv sync")
    for index in syncs:
        args = instructions[index].args
        for flag in ("--locked", "--no-dev", "--compile-bytecode"):
            if flag not in args:
                problems.append(f"line {instructions[index].line}: uv sync without {flag}")
    dependencies = [i for i in syncs if "--no-install-project" in instructions[i].args]
    project = [i for i in syncs if "--no-install-project" not in instructions[i].args]
    if not dependencies or not project:
        return [*problems, "expected a dependency sync (--no-install-project), then a project one"]
    all_copies = copies(instructions)
    metadata = {s for c in all_copies if c.index < dependencies[0] for s in c.sources}
    if not {"pyproject.toml", "uv.lock"} <= metadata:
        problems.append("pyproject.toml and uv.lock must be copied before the dependency sync")
    # Into the working directory (a relative destination), unlike the instance file.
    code = [
        c.index
        for c in all_copies
        if not c.destination.startswith("/") and any(_top(s) in CODE_FOLDERS for s in c.sources)
    ]
    if not code or min(code) < dependencies[0]:
        problems.append("the code must be copied after the dependency layer, not before")
    if not code or project[-1] < max(code):
        problems.append("the project sync must come after the code is copied")
    return problems


def copy_problems(instructions: list[Instruction]) -> list[str]:
    problems = []
    copied_tops = set()
    for copy in copies(instructions):
        if copy.from_stage:
            continue
        for source in copy.sources:
            clean = source.rstrip("/")
            if clean in (".", "./", "") or any(ch in clean for ch in "*?["):
                problems.append(f"copies {source!r}: copy named code folders only")
                continue
            top = _top(clean)
            copied_tops.add(top)
            if top not in CODE_FOLDERS + PACKAGE_METADATA:
                problems.append(f"copies {source!r}, which is not code or package metadata")
            if clean == "dbt_project" or any(
                clean == a or clean.startswith(a + "/") for a in HOST_ARTIFACTS
            ):
                problems.append(f"copies {source!r}, which holds the host's dbt artifacts")
            if not (PROJECT_ROOT / clean).exists():
                problems.append(f"copies {source!r}, which does not exist in the repository")
    missing = sorted(set(CODE_FOLDERS) - copied_tops)
    if missing:
        problems.append(f"code folders never copied: {missing}")
    return problems


def dbt_parse_problems(instructions: list[Instruction]) -> list[str]:
    parses = runs(instructions, "dbt parse")
    if not parses:
        return ["no RUN prepares the dbt manifest (dbt parse)"]
    index = parses[0]
    problems = []
    if not re.search(r"cd dbt_project\b|--project-dir[ =]dbt_project\b", instructions[index].args):
        problems.append("dbt parse must run in dbt_project/")
    dbt_copies = [
        c.index for c in copies(instructions) if any(_top(s) == "dbt_project" for s in c.sources)
    ]
    project_syncs = [
        i
        for i in runs(instructions, "uv sync")
        if "--no-install-project" not in instructions[i].args
    ]
    if not dbt_copies or max(dbt_copies) > index:
        problems.append("dbt parse must run after dbt_project is copied")
    if not project_syncs or project_syncs[0] > index:
        problems.append("dbt parse must run after the environment is installed")
    if "MINDPULSE_WAREHOUSE" in env_values(instructions, index):
        problems.append("dbt parse must use the profile's default target (no MINDPULSE_WAREHOUSE)")
    return problems


def user_problems(instructions: list[Instruction]) -> list[str]:
    keywords = [i.keyword for i in instructions]
    users = [i for i, k in enumerate(keywords) if k == "USER"]
    starts = [i for i, k in enumerate(keywords) if k in ("CMD", "ENTRYPOINT")]
    if not users or not starts:
        return ["the image needs a USER and an ENTRYPOINT/CMD"]
    last_user = instructions[users[-1]].args.split(":")[0]
    problems = []
    if last_user in ("root", "0"):
        problems.append(f"the image runs as {last_user}")
    if min(starts) < users[-1]:
        problems.append("USER must be set before ENTRYPOINT/CMD")
    return problems


def instance_problems(instructions: list[Instruction]) -> list[str]:
    problems = []
    values = env_values(instructions)
    if values.get("DAGSTER_HOME") != DAGSTER_HOME:
        problems.append(f"DAGSTER_HOME must be {DAGSTER_HOME}: {values.get('DAGSTER_HOME')}")
    if values.get("PATH", "").split(":")[0] != f"{APP_DIR}/.venv/bin":
        problems.append("PATH must start with the environment's bin folder")
    if not any(
        c.sources == ("orchestration/deploy/dagster.yaml",)
        and c.destination == f"{DAGSTER_HOME}/dagster.yaml"
        for c in copies(instructions)
    ):
        problems.append("orchestration/deploy/dagster.yaml must be copied to DAGSTER_HOME")
    workdirs = [i.args for i in instructions if i.keyword == "WORKDIR"]
    if workdirs[-1:] != [APP_DIR]:
        problems.append(f"WORKDIR must be {APP_DIR}: {workdirs}")
    if "3000" not in [w for i in instructions if i.keyword == "EXPOSE" for w in words(i.args)]:
        problems.append("the webserver's port 3000 must be exposed")
    entrypoints = [words(i.args) for i in instructions if i.keyword == "ENTRYPOINT"]
    if entrypoints[-1:] != [[f"{APP_DIR}/orchestration/deploy/entrypoint.sh"]]:
        problems.append(f"ENTRYPOINT must be the deploy entrypoint: {entrypoints}")
    commands = [words(i.args) for i in instructions if i.keyword == "CMD"]
    command = commands[-1] if commands else []
    webserver = ["dagster-webserver", "-h", "0.0.0.0", "-p", "3000", "-w"]
    if command[:-1] != webserver or not (PROJECT_ROOT / command[-1]).is_file():
        problems.append(f"CMD must start the webserver on the deploy workspace: {command}")
    return problems


def secret_problems(instructions: list[Instruction]) -> list[str]:
    problems = []
    for index, instruction in enumerate(instructions):
        if instruction.keyword in ("ENV", "ARG"):
            names = env_values(instructions[index : index + 1])
            problems += [
                f"line {instruction.line}: {instruction.keyword} {name} looks like a credential"
                for name in names
                if SECRET_NAME.search(name)
            ]
        if re.search(r"BEGIN [A-Z ]*PRIVATE KEY", instruction.args):
            problems.append(f"line {instruction.line}: a private key in the Dockerfile")
    return problems


CHECKS = {
    "base_image": base_image_problems,
    "lockfile": lockfile_problems,
    "copies": copy_problems,
    "dbt_parse": dbt_parse_problems,
    "user": user_problems,
    "instance": instance_problems,
    "secrets": secret_problems,
}

# A broken Dockerfile for each check: (check, text replaced, replacement).
BROKEN = {
    "unpinned_base": ("base_image", "python:3.11.14-slim-bookworm", "python:3.11-slim"),
    "other_python": ("base_image", "python:3.11.14-slim-bookworm", "python:3.12.8-slim"),
    "unpinned_uv": ("base_image", "astral-sh/uv:0.13.9", "astral-sh/uv:latest"),
    "downloads_python": ("base_image", "DOWNLOADS=never \\", "DOWNLOADS=auto \\"),
    "unlocked": (
        "lockfile",
        "uv sync --locked --no-dev --no-install",
        "uv sync --no-dev --no-install",
    ),
    "code_first": ("lockfile", "COPY pyproject.toml uv.lock ./", "COPY extract ./extract"),
    "copy_everything": ("copies", "COPY README.md ./", "COPY . ."),
    "copy_tests": ("copies", "COPY README.md ./", "COPY tests ./tests"),
    "copy_dbt_target": ("copies", "COPY dbt_project/models", "COPY dbt_project/target"),
    "missing_folder": ("copies", "COPY ml_assets ./ml_assets", "COPY ml_asset ./ml_asset"),
    "no_parse": ("dbt_parse", "dbt parse --quiet", "dbt debug"),
    "parse_for_snowflake": (
        "dbt_parse",
        "RUN cd dbt_project",
        "ENV MINDPULSE_WAREHOUSE=x\nRUN cd dbt_project",
    ),
    "root": ("user", "USER 10001:10001", "USER root"),
    "no_user": ("user", "USER 10001:10001\n", ""),
    "user_too_late": ("user", 'CMD ["dagster-webserver"', 'USER 10001\nCMD ["dagster-webserver"'),
    "instance_file": (
        "instance",
        "COPY orchestration/deploy/dagster.yaml",
        "COPY orchestration/dagster.yaml",
    ),
    "other_workdir": ("instance", "WORKDIR /opt/dagster/app", "WORKDIR /app"),
    "secret_arg": ("secrets", "LABEL ", "ARG SNOWFLAKE_PRIVATE_KEY\nLABEL "),
    "secret_env": ("secrets", "LABEL ", "ENV GEMINI_API_KEY=abc\nLABEL "),
}


@pytest.fixture(scope="module")
def dockerfile_text() -> str:
    return DOCKERFILE.read_text()


def test_the_parser_joins_continuations_and_skips_comments():
    parsed = parse_dockerfile("# c\nFROM x\nRUN a \\\n  # inside\n  && b\n\nENV A=1 \\\n B=$A\n")
    assert parsed == [
        Instruction(2, "FROM", "x"),
        Instruction(3, "RUN", "a && b"),
        Instruction(7, "ENV", "A=1 B=$A"),
    ]
    assert env_values(parsed) == {"A": "1", "B": "1"}
    with pytest.raises(ValueError, match="continuation"):
        parse_dockerfile("RUN a \\\n")


@pytest.mark.parametrize("check", CHECKS)
def test_the_dockerfile_passes(check, dockerfile_text):
    assert CHECKS[check](parse_dockerfile(dockerfile_text)) == []


@pytest.mark.parametrize("case", BROKEN)
def test_each_check_fails_on_a_broken_dockerfile(case, dockerfile_text):
    check, old, new = BROKEN[case]
    assert old in dockerfile_text, f"{case}: the Dockerfile no longer contains {old!r}"
    broken = dockerfile_text.replace(old, new, 1)
    assert CHECKS[check](parse_dockerfile(broken)) != []


# --- entrypoint.sh ---------------------------------------------------------------------------

# Run by the entrypoint: what the started command sees, without printing the key.
PROBE = (
    "import json, os, stat, sys; p = os.environ.get('SNOWFLAKE_PRIVATE_KEY_PATH');"
    "e = bool(p) and os.path.exists(p);"
    "print(json.dumps({'path': p, 'exists': e,"
    " 'mode': stat.S_IMODE(os.stat(p).st_mode) if e else None,"
    " 'key_in_env': 'SNOWFLAKE_PRIVATE_KEY' in os.environ, 'argv': sys.argv[1:],"
    " 'pid': os.getpid()}))"
)


def fake_key() -> str:
    body = secrets.token_urlsafe(96)
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN ENCRYPTED PRIVATE KEY-----\n{lines}\n-----END ENCRYPTED PRIVATE KEY-----\n"


def run_entrypoint(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SNOWFLAKE_PRIVATE_KEY")}
    with subprocess.Popen(
        ["bash", str(ENTRYPOINT), *command],
        env={**base, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        stdout, stderr = process.communicate(timeout=60)
    completed = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    completed.pid = process.pid
    return completed


def test_the_entrypoint_writes_the_key_file_and_runs_the_command(tmp_path):
    key = fake_key()
    key_path = tmp_path / "secrets" / "snowflake_key.p8"
    completed = run_entrypoint(
        {"SNOWFLAKE_PRIVATE_KEY": key, "SNOWFLAKE_PRIVATE_KEY_PATH": str(key_path)},
        sys.executable,
        "-c",
        PROBE,
        "--flag",
        "two words",
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    # exec: the command is the container's main process and gets ECS's SIGTERM itself.
    assert seen.pop("pid") == completed.pid
    assert seen == {
        "path": str(key_path),
        "exists": True,
        "mode": 0o600,
        "key_in_env": False,
        "argv": ["--flag", "two words"],
    }
    assert key_path.read_text() == key
    assert [p.name for p in key_path.parent.iterdir()] == [key_path.name]  # no temporary left
    body = key.splitlines()[1]
    assert body not in completed.stdout + completed.stderr


def test_the_entrypoint_replaces_a_readable_key_file(tmp_path):
    key_path = tmp_path / "snowflake_key.p8"
    key_path.write_text("old key")
    key_path.chmod(0o644)
    key = fake_key()
    completed = run_entrypoint(
        {"SNOWFLAKE_PRIVATE_KEY": key, "SNOWFLAKE_PRIVATE_KEY_PATH": str(key_path)},
        sys.executable,
        "-c",
        PROBE,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["mode"] == 0o600
    assert key_path.read_text() == key


def test_without_a_key_the_entrypoint_writes_nothing_and_runs_the_command(tmp_path):
    key_path = tmp_path / "snowflake_key.p8"
    completed = run_entrypoint(
        {"SNOWFLAKE_PRIVATE_KEY_PATH": str(key_path)}, sys.executable, "-c", PROBE
    )
    assert completed.returncode == 0, completed.stderr
    seen = json.loads(completed.stdout)
    assert seen["path"] == str(key_path) and seen["exists"] is False
    assert list(tmp_path.iterdir()) == []


def test_the_entrypoint_passes_the_exit_status_on_and_needs_a_command(tmp_path):
    assert run_entrypoint({}, "bash", "-c", "exit 7").returncode == 7
    completed = run_entrypoint({})
    assert completed.returncode == 64 and "no command" in completed.stderr


def test_the_default_key_folder_is_the_one_the_image_gives_the_run_user(dockerfile_text):
    default = re.search(r"^DEFAULT_KEY_PATH=(\S+)$", ENTRYPOINT.read_text(), re.MULTILINE)
    folder = str(PurePosixPath(default.group(1)).parent)
    chowned = [
        i.args
        for i in parse_dockerfile(dockerfile_text)
        if i.keyword == "RUN" and "chown" in i.args
    ]
    assert any(folder in args for args in chowned), (folder, chowned)


# --- dagster.yaml ----------------------------------------------------------------------------


def referenced_env(node) -> set[str]:
    """Every variable the YAML reads through `{env: NAME}`."""
    if isinstance(node, dict):
        if set(node) == {"env"}:
            return {node["env"]}
        return set().union(*(referenced_env(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(referenced_env(value) for value in node))
    return set()


@pytest.fixture(scope="module")
def instance_config() -> dict:
    return yaml.safe_load(INSTANCE_YAML.read_text())


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


# --- workspace.yaml and the code location ----------------------------------------------------


def test_the_workspace_loads_the_code_location_named_in_pyproject(dockerfile_text):
    dagster_settings = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"][
        "dagster"
    ]
    [origin] = location_origins_from_yaml_paths([str(WORKSPACE_YAML)])
    target = origin.loadable_target_origin
    assert origin.location_name == dagster_settings["code_location_name"]
    assert target.module_name == dagster_settings["module_name"] == "orchestration.definitions"
    workdirs = [i.args for i in parse_dockerfile(dockerfile_text) if i.keyword == "WORKDIR"]
    assert target.working_directory == workdirs[-1] == APP_DIR
    module = importlib.import_module(target.module_name)
    assert callable(module.defs)


# --- the guide -------------------------------------------------------------------------------


def test_the_guide_documents_every_variable_the_deployment_reads(instance_config):
    guide = GUIDE.read_text()
    profile = (PROJECT_ROOT / "dbt_project" / "profiles.yml").read_text()
    dbt_variables = set(re.findall(r"env_var\('(\w+)'", profile)) - {"MINDPULSE_DUCKDB_PATH"}
    needed = referenced_env(instance_config) | dbt_variables | DEPLOYMENT_VARIABLES
    assert "SNOWFLAKE_PRIVATE_KEY_PASSPHRASE" in needed
    missing = sorted(name for name in needed if not re.search(rf"`{name}\b", guide))
    assert missing == [], f"the deployment guide does not document {missing}"


def test_the_guide_names_the_running_weekly_schedule_and_its_job():
    guide = GUIDE.read_text()
    assert weekly_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert weekly_schedule.name in guide and "RUNNING" in guide
    assert (
        f"dagster job launch -j {WEEKLY_JOB_NAME} -w orchestration/deploy/workspace.yaml" in guide
    )
    assert "terraform/environments/prod" in guide
