"""Profiles: every shipped format round-trips the canonical tables; bad profiles are refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.pm import writer
from pipelines.pm.detect import candidates, header_row_index, match_header
from pipelines.pm.normalize import SOURCE_ROW, normalize
from pipelines.pm.profiles import ProfileError, load_profile, profiles
from pipelines.pm.reader import read_sheet
from pipelines.pm.writer import WriterError, write_export

SHIPPED = ["canonical", "charge_detail", "visit_billing"]


def read_back(folder: Path, configured: str | None = None):
    """Every file of ``folder`` read with header detection: (matches, canonical tables)."""
    options = candidates(profiles(), configured)
    matches, tables = {}, {}
    for path in sorted(folder.iterdir()):
        sheet = read_sheet(path, lambda rows: header_row_index(rows, options))
        match = match_header(sheet.header, options, configured)
        result = normalize(sheet, match.profile, match.file)
        assert result.rejects.height == 0, result.rejects.head(3)
        matches[path.name] = match
        for name, frame in result.tables.items():
            tables[name] = frame.drop(SOURCE_ROW)
    return matches, tables


def same_rows(expected: pl.DataFrame, got: pl.DataFrame, drop=()) -> bool:
    expected, got = expected.drop(drop), got.drop(drop)
    order = expected.columns
    return expected.sort(order, nulls_last=True).equals(got.select(order).sort(order,
                                                                          nulls_last=True))


def test_the_shipped_profiles_are_three_and_load():
    assert sorted(profiles()) == SHIPPED
    for profile in profiles().values():
        assert profile.files and all(f.required_headers() for f in profile.files)


@pytest.mark.parametrize("profile", SHIPPED)
def test_every_format_round_trips_the_generators_tables(tmp_path, canonical_tables, profile):
    write_export(canonical_tables, profile, tmp_path)
    matches, got = read_back(tmp_path)
    assert {m.profile.name for m in matches.values()} == {profile}  # detected, not configured
    assert all(m.detected for m in matches.values())
    carried = {t for f in profiles()[profile].files for t in f.tables}
    assert set(canonical_tables) - carried == ({"payer_payments"}
                                               if profile == "visit_billing" else set())
    for name, expected in canonical_tables.items():
        if name not in carried:
            continue
        # visit_billing identifies a service by visit and code (no service ids in its layout)
        drop = ["service_id"] if profile == "visit_billing" and name in ("services",
                                                                         "charges") else []
        assert expected.height > 0
        assert same_rows(expected, got[name], drop), (profile, name)


def test_visit_billing_service_ids_link_charges_to_their_services(tmp_path, canonical_tables):
    write_export(canonical_tables, "visit_billing", tmp_path)
    _, got = read_back(tmp_path)
    linked = got["charges"].join(got["services"], on="service_id", how="inner")
    assert linked.height == got["charges"].height
    assert (linked["procedure_code"] == linked["procedure_code_right"]).all()


def test_charge_detail_is_one_row_per_charge_with_visits_and_services_repeated(
        tmp_path, canonical_tables):
    write_export(canonical_tables, "charge_detail", tmp_path)
    sheet = pl.read_excel(tmp_path / "Charge Detail.xlsx", has_header=False,
                          read_options={"dtypes": "string"})
    visits, services, charges = (canonical_tables[t] for t in ("visits", "services", "charges"))
    services_without_charge = services.join(charges, on="service_id", how="anti").height
    visits_without_service = visits.join(services, on="visit_id", how="anti").height
    title_header_footer = 2 + 1 + 1
    assert sheet.height == (charges.height + services_without_charge + visits_without_service
                            + title_header_footer)
    assert sheet[0, 0] == "Charge Detail Report" and sheet[-1, 0].startswith("Grand Total")


def test_a_new_format_is_just_a_yaml_file(tmp_path):
    (tmp_path / "tiny.yml").write_text(
        "name: tiny\nlabel: Tiny fee list\ndate_formats: ['%d.%m.%Y']\nfiles:\n"
        "  - role: fees\n    file_name: fees.csv\n    tables:\n      fee_schedule:\n"
        "        columns: {procedure_code: Code, unit_price: Price, effective_from: From}\n")
    found = profiles(tmp_path)
    assert list(found) == ["tiny"]
    (tmp_path / "fees.csv").write_text("Code,Price,From\n97110,\"$1,010.00\",01.02.2026\n")
    options = candidates(found, None)
    sheet = read_sheet(tmp_path / "fees.csv", lambda rows: header_row_index(rows, options))
    match = match_header(sheet.header, options, None)
    result = normalize(sheet, match.profile, match.file)
    row = result.tables["fee_schedule"].row(0, named=True)
    assert (row["procedure_code"], str(row["unit_price"]), str(row["effective_from"])) == \
        ("97110", "1010.00", "2026-02-01")


def test_a_csv_report_has_its_title_above_and_its_total_below_the_rows(tmp_path, monkeypatch):
    (tmp_path / "report.yml").write_text(
        "name: report\nlabel: Fee report\ndate_formats: ['%m/%d/%Y']\n"
        "money: {symbol: '$', thousands: true, negative: parentheses}\nfiles:\n"
        "  - role: fees\n    file_name: fees.csv\n    title: [Fee Report]\n"
        "    footer: Total\n    tables:\n      fee_schedule:\n"
        "        columns: {procedure_code: Code, unit_price: Price, effective_from: From}\n")
    fees = pl.DataFrame({"procedure_code": ["97530", "97110", "97112"],
                         "unit_price": ["30.25", "1010.00", "-5.00"],
                         "effective_from": [date(2026, 2, 1)] * 3}).with_columns(
        pl.col("unit_price").cast(pl.Decimal(18, 2)))
    monkeypatch.setattr(writer, "SLICE_ROWS", 2)  # the rows in two slices
    (path,) = write_export({"fee_schedule": fees}, load_profile(tmp_path / "report.yml"),
                           tmp_path / "out")
    assert path.read_text() == (
        "Fee Report\nCode,Price,From\n"
        '97110,"$1,010.00",02/01/2026\n97112,($5.00),02/01/2026\n97530,$30.25,02/01/2026\n'
        'Total (3 rows),"$1,035.25",\n')


@pytest.mark.parametrize(("body", "problem"), [
    ("      visits:\n        columns: {visit_id: A}\n", "required fields not mapped"),
    ("      visits:\n        columns: {nonsense: A}\n", "is not a field of visits"),
    ("      fee_schedule:\n        columns: {procedure_code: A, unit_price: B,"
     " effective_from: C, modifier: {column: D, value: x}}\n", "exactly one of"),
    ("      payer_contracts:\n        columns: {payer_id: A, payer_name: B, procedure_code: C,"
     " effective_from: D, basis: {column: E, map: {F: flat}}}\n", "not in ['fixed'"),
])
def test_a_bad_profile_is_refused_with_its_file_and_problem(tmp_path, body, problem):
    path = tmp_path / "broken.yml"
    path.write_text("name: broken\nlabel: x\nfiles:\n  - role: r\n    file_name: r.csv\n"
                    "    tables:\n" + body)
    with pytest.raises(ProfileError) as error:
        load_profile(path)
    assert "broken.yml" in str(error.value) and problem in str(error.value)


def test_the_writer_refuses_what_a_layout_cannot_hold(tmp_path, canonical_tables):
    visits = canonical_tables["visits"].with_columns(status=pl.lit("rescheduled"))
    with pytest.raises(WriterError, match="no code in this layout"):
        write_export({**canonical_tables, "visits": visits}, "visit_billing", tmp_path)
    services = canonical_tables["services"]
    crowded = pl.concat([services] + [
        services.head(1).with_columns(service_id=pl.lit(f"EXTRA{i}"),
                                      procedure_code=pl.lit(f"9753{i}")) for i in range(6)])
    with pytest.raises(WriterError, match="slots"):
        write_export({**canonical_tables, "services": crowded}, "visit_billing", tmp_path)
