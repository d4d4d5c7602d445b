"""terraform/snowflake: the MINDPULSE database with its four layer schemas, one X-Small
warehouse that suspends within a minute, least-privilege roles per layer, and a pipeline
service user with a key pair (no password) that inherits the loader and transformer roles."""

from __future__ import annotations

from tests.deploy.terraform_files import module
from tests.deploy.terraform_files import single as _single

LAYER_SCHEMAS = {"raw": "RAW", "staging": "STAGING", "marts": "MARTS", "ml": "ML"}


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
