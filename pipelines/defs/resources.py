"""Resources shared by the asset graph, and the executor that keeps DuckDB single-writer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

from pipelines import settings
from pipelines.ingest import warehouse


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse file. Empty ``path`` means ``settings.warehouse_path()``."""

    path: str = ""

    def resolved_path(self) -> Path:
        return Path(self.path) if self.path else settings.warehouse_path()

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.connect(self.resolved_path(), read_only=read_only) as conn:
            yield conn


@dg.definitions
def resources() -> dg.Definitions:
    # One process writes the warehouse at a time: DuckDB allows a single writer per file, so
    # steps run in-process, one after another.
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource(),
            "dbt": DbtCliResource(project_dir=str(settings.DBT_PROJECT_DIR),
                                  profiles_dir=str(settings.DBT_PROJECT_DIR)),
        },
        executor=dg.in_process_executor,
    )
