"""The production deployment files, for the tests/deploy/ modules that check them: where
they are, a Dockerfile parser (instructions, ENV values, COPY sources) and the variables
dagster.yaml reads."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

from orchestration.settings import PROJECT_ROOT

DEPLOY_DIR = PROJECT_ROOT / "orchestration" / "deploy"
DOCKERFILE = PROJECT_ROOT / "Dockerfile"
INSTANCE_YAML = DEPLOY_DIR / "dagster.yaml"
WORKSPACE_YAML = DEPLOY_DIR / "workspace.yaml"
ENTRYPOINT = DEPLOY_DIR / "entrypoint.sh"
GUIDE = DEPLOY_DIR / "README.md"
APP_DIR = "/opt/dagster/app"


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


def referenced_env(node) -> set[str]:
    """Every variable the YAML reads through `{env: NAME}`."""
    if isinstance(node, dict):
        if set(node) == {"env"}:
            return {node["env"]}
        return set().union(*(referenced_env(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(referenced_env(value) for value in node))
    return set()
