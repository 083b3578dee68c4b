"""Resources shared by the asset graph, and the executor that keeps DuckDB single-writer."""


import shutil
import sys
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


def dbt_executable() -> str:
    """dbt from this interpreter's environment, so runs work without an activated venv."""
    beside_python = Path(sys.executable).parent / "dbt"
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")


@dg.definitions
def resources() -> dg.Definitions:
    # One process writes the warehouse at a time: DuckDB allows a single writer per file, so
    # steps run in-process, one after another.
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource(),
            "dbt": DbtCliResource(project_dir=str(settings.DBT_PROJECT_DIR),
                                  profiles_dir=str(settings.DBT_PROJECT_DIR),
                                  dbt_executable=dbt_executable()),
        },
        executor=dg.in_process_executor,
    )
