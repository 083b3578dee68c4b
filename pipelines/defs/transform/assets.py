"""dbt models, seeds and tests as assets: raw -> staging -> intermediate -> marts."""


import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines import settings
from pipelines.defs.transform.manifest import ensure_manifest

DBT_PROJECT = DbtProject(project_dir=settings.DBT_PROJECT_DIR,
                         profiles_dir=settings.DBT_PROJECT_DIR)
ensure_manifest(DBT_PROJECT)


class RevauditDbtTranslator(DagsterDbtTranslator):
    """Asset key = where the table lives (``[schema, name]``); group = the dbt layer folder."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


@dbt_assets(manifest=DBT_PROJECT.manifest_path, dagster_dbt_translator=RevauditDbtTranslator(),
            pool="duckdb")
def revaudit_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """Every dbt seed, model and test, built with ``dbt build`` against the warehouse."""
    os.environ["REVAUDIT_WAREHOUSE"] = str(settings.warehouse_path())
    yield from dbt.cli(["build"], context=context).stream()
