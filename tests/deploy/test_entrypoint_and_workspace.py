"""orchestration/deploy/entrypoint.sh, run for real: it writes the Snowflake key from the
environment to a private file, then execs the command with the exit status passed on; and
workspace.yaml, which loads the code location that pyproject.toml names, from the image's
working directory."""

from __future__ import annotations

import importlib
import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import PurePosixPath

from dagster._core.workspace.load import location_origins_from_yaml_paths

from orchestration.settings import PROJECT_ROOT
from tests.deploy.deploy_files import APP_DIR, ENTRYPOINT, WORKSPACE_YAML, parse_dockerfile

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
