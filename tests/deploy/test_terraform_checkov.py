"""checkov over terraform/ finds nothing to fail, and every checkov skip sits in the resource
it exempts with a written reason. checkov runs once per session, in one test, from its own
environment (make test installs it: it pins packaging<24, which this environment cannot share),
offline."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from tests.deploy.terraform_files import REPO, TERRAFORM_DIR, load, tf_files

SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")
# A real run over these modules passes ~150 checks; an empty or half-parsed run passes few.
MIN_PASSED_CHECKS = 100


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
