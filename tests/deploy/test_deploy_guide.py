"""orchestration/deploy/README.md, the deployment guide: it documents every variable the
deployment reads (dagster.yaml, dbt's profile, the task's own) and the running weekly schedule
with the command that launches its job."""

from __future__ import annotations

import re

import dagster as dg

from orchestration.schedules import WEEKLY_JOB_NAME, weekly_schedule
from orchestration.settings import PROJECT_ROOT
from tests.deploy.deploy_files import GUIDE, referenced_env

# Variables a production task needs beyond those the instance file and dbt's profile read.
DEPLOYMENT_VARIABLES = {
    "MINDPULSE_WAREHOUSE",
    "MINDPULSE_SOURCES",
    "MINDPULSE_LANDING_BUCKET",
    "MINDPULSE_LANDING_PREFIX",
    "SNOWFLAKE_PRIVATE_KEY",
    "DAGSTER_CURRENT_IMAGE",
}


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
