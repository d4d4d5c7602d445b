"""Fixtures of the deployment-file tests: the Dockerfile's text and dagster.yaml, read once
per module."""

from __future__ import annotations

import pytest
import yaml

from tests.deploy.deploy_files import DOCKERFILE, INSTANCE_YAML


@pytest.fixture(scope="module")
def dockerfile_text() -> str:
    return DOCKERFILE.read_text()


@pytest.fixture(scope="module")
def instance_config() -> dict:
    return yaml.safe_load(INSTANCE_YAML.read_text())
