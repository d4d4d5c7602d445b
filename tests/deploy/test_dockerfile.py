"""The production Dockerfile, checked instruction by instruction (there is no Docker daemon
here): a pinned base image and uv, a locked dependency layer before the code, named code folders
only, the dbt manifest prepared, a non-root user, the instance file in DAGSTER_HOME, no
credentials. Each check also runs on a broken copy of the Dockerfile, to show that it can fail.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import pytest

from orchestration.settings import PROJECT_ROOT
from tests.deploy.deploy_files import (
    APP_DIR,
    Instruction,
    copies,
    env_values,
    parse_dockerfile,
    runs,
    words,
)

# What the image may contain: the code folders and the package metadata uv needs to install
# the project. Never data/, tests/, .venv/ or the host's dbt artifacts.
CODE_FOLDERS = ("orchestration", "extract", "ml_assets", "dashboard", "dbt_project")
PACKAGE_METADATA = ("pyproject.toml", "uv.lock", "README.md")
HOST_ARTIFACTS = ("dbt_project/target", "dbt_project/logs", "dbt_project/dbt_packages")
DAGSTER_HOME = "/opt/dagster/dagster_home"
# Variable names that hold a credential; only a *_PATH to a file may appear in the image.
SECRET_NAME = re.compile(r"(PASSWORD|PASSPHRASE|SECRET|TOKEN|API_KEY|PRIVATE_KEY)$")


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
