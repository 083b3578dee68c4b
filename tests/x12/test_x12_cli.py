"""`revaudit x12 inspect FILE... --json`: JSON contract and exit codes 0, 2 and 1."""

from __future__ import annotations

import json

import pytest
from x12_support import FIXTURES

from pipelines.cli import main

KEYS = ["file", "kind", "version", "interchanges", "transactions", "claims", "service_lines",
        "total_charge", "total_paid", "diagnostics", "error"]


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out.splitlines(), err


def test_every_file_read_exits_0_with_one_json_object_per_file(capsys):
    remit, claims = FIXTURES / "835_synthetic.x12", FIXTURES / "837p_synthetic.x12"
    code, lines, _ = run(capsys, "x12", "inspect", str(remit), str(claims), "--json")
    assert code == 0
    first, second = (json.loads(line) for line in lines)
    assert list(first) == KEYS
    assert first == {
        "file": str(remit), "kind": "835", "version": "005010X221A1", "interchanges": 1,
        "transactions": 1, "claims": 3, "service_lines": 3, "total_charge": "260.00",
        "total_paid": "70.00", "diagnostics": [], "error": None}
    assert (second["kind"], second["claims"], second["total_charge"], second["total_paid"]) == (
        "837P", 2, "350.00", None)


def test_diagnostics_are_listed_with_their_location(capsys, tmp_path):
    path = tmp_path / "wrong_count.835"
    path.write_text((FIXTURES / "835_synthetic.x12").read_text().replace(
        "SE*47*0001", "SE*40*0001"))
    code, lines, _ = run(capsys, "x12", "inspect", str(path), "--json")
    assert code == 0
    assert json.loads(lines[0])["diagnostics"] == [{
        "severity": "warning", "code": "SE_COUNT_MISMATCH",
        "message": "SE01 is 40 but the transaction has 47 segments",
        "segment_index": 48, "line_number": 49, "segment_id": "SE"}]


def test_a_file_that_is_not_x12_exits_2_and_the_others_are_still_reported(capsys, tmp_path):
    bad = tmp_path / "export.csv"
    bad.write_text("claim,amount\n1,2.00\n")
    good = FIXTURES / "837p_synthetic.x12"
    code, lines, _ = run(capsys, "x12", "inspect", str(good), str(bad), "--json")
    assert code == 2
    reports = [json.loads(line) for line in lines]
    assert reports[0]["error"] is None
    assert reports[1]["kind"] == "unknown" and reports[1]["claims"] == 0
    assert reports[1]["error"]["line_number"] == 1
    assert reports[1]["error"]["message"].startswith("not an X12 file")


def test_text_output_names_file_and_error(capsys, tmp_path):
    bad = tmp_path / "cut.835"
    text = (FIXTURES / "835_synthetic.x12").read_text()
    bad.write_text(text[:text.index("PLB")])
    code, lines, _ = run(capsys, "x12", "inspect", str(bad))
    assert code == 2
    assert lines == [f"{bad}: ERROR " + lines[0].split(": ERROR ", 1)[1]]
    assert "truncated" in lines[0]


@pytest.mark.parametrize("args", [("x12", "inspect"), ("x12", "inspect", "/no/such/file.835"),
                                  ("x12", "inspect", "--bogus", "x")])
def test_usage_errors_exit_1_with_one_line(capsys, args):
    code, lines, err = run(capsys, *args)
    assert code == 1
    assert lines == []
    assert len(err.strip().splitlines()) == 1 and err.startswith("revaudit: ")
