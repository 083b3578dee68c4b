"""Every generated X12 file is internally consistent (envelopes, 837 sums, 835 balancing,
amounts with two decimals, truth.json as json.dumps writes it)."""

import json
from pathlib import Path

import pytest
from x12_check import check_835, check_837, check_amounts, check_envelope, split


def _files(root: Path, kind: str) -> list[Path]:
    files = sorted(root.glob(f"*/{kind}/*.x12"))
    assert files, f"no {kind} files under {root}"
    return files


@pytest.mark.parametrize("kind", ["837", "835"])
def test_every_file_has_valid_envelopes(small_run, kind):
    problems = {f.name: check_envelope(split(f.read_bytes())) for f in _files(small_run, kind)}
    assert {k: v for k, v in problems.items() if v} == {}


def test_every_837_claim_charge_is_the_sum_of_its_lines(small_run):
    problems = {f.name: check_837(split(f.read_bytes())) for f in _files(small_run, "837")}
    assert {k: v for k, v in problems.items() if v} == {}


def test_every_835_balances_at_claim_line_and_check_level(small_run):
    problems = {f.name: check_835(split(f.read_bytes())) for f in _files(small_run, "835")}
    assert {k: v for k, v in problems.items() if v} == {}


def test_senders_use_different_layouts(small_run):
    separators = {(ix.element, ix.terminator) for ix in
                  (split(f.read_bytes()) for f in _files(small_run, "835"))}
    assert {("*", "~"), ("|", "\n")} <= separators


def test_checker_catches_an_unbalanced_835(small_run):
    path = _files(small_run, "835")[0]
    ix = split(path.read_bytes())
    for seg in ix.segments:
        if seg[0] == "CLP":
            seg[4] = str(float(seg[4]) + 1)
            break
    assert check_835(ix)


@pytest.mark.parametrize("kind", ["837", "835"])
def test_every_amount_has_two_decimals(small_run, kind):
    """The writers print amounts as str(Decimal): every amount reaching them is in cents."""
    problems = {f.name: check_amounts(split(f.read_bytes())) for f in _files(small_run, kind)}
    assert {k: v for k, v in problems.items() if v} == {}


def test_amount_check_catches_a_whole_number_and_a_third_decimal(small_run):
    ix = split(_files(small_run, "835")[0].read_bytes())
    assert check_amounts(ix) == []
    clp = next(seg for seg in ix.segments if seg[0] == "CLP")
    clp[3], clp[4] = "125", "80.125"
    assert len(check_amounts(ix)) == 2


def test_truth_json_is_what_json_dumps_writes(small_run):
    """truth.json is written by simplejson's C encoder: the same text as json.dumps(indent=1)."""
    paths = sorted(small_run.glob("*/truth.json"))
    assert len(paths) == 3
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=1) + "\n"
