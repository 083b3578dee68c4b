import polars as pl
import pytest

from pipelines.ingest import warehouse


def test_money_columns_are_exact_decimals_in_duckdb():
    assert warehouse.duckdb_type(pl.Decimal(18, 2)) == "DECIMAL(18, 2)"
    assert warehouse.duckdb_type(pl.String) == "VARCHAR"
    assert warehouse.duckdb_type(pl.Date) == "DATE"
    with pytest.raises(TypeError):
        warehouse.duckdb_type(pl.List(pl.String))


def test_connect_creates_every_layer_schema(tmp_path):
    with warehouse.connect(tmp_path / "w.duckdb") as conn:
        schemas = {r[0] for r in conn.sql("select schema_name from information_schema.schemata")
                   .fetchall()}
    assert set(warehouse.SCHEMAS) <= schemas


def test_insert_frame_keeps_cents(tmp_path):
    from decimal import Decimal

    columns = {"client_id": pl.String, "amount": pl.Decimal(18, 2)}
    with warehouse.connect(tmp_path / "w.duckdb") as conn:
        warehouse.ensure_tables(conn, {"money": columns})
        frame = pl.DataFrame({"client_id": ["a", "a"], "amount": [Decimal("0.10"),
                                                                  Decimal("0.20")]},
                             schema=columns)
        assert warehouse.insert_frame(conn, "money", frame) == 2
        total = conn.sql("select sum(amount) from raw.money").fetchall()[0][0]
    assert total == Decimal("0.30")
