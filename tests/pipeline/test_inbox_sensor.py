"""The inbox sensor asks for a run when files arrive or change, and only then."""

import os

import dagster as dg

from pipelines.defs.ingest.sensors import inbox_sensor, new_files


def evaluate(cursor: str | None):
    context = dg.build_sensor_context(cursor=cursor)
    result = inbox_sensor(context)
    return result, context.cursor


def test_new_then_nothing_then_changed(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    (inbox / "acme-ot").mkdir(parents=True)
    first = inbox / "acme-ot" / "a.x12"
    first.write_text("ISA")
    monkeypatch.setenv("REVAUDIT_INBOX", str(inbox))

    result, cursor = evaluate(None)
    assert isinstance(result, dg.RunRequest)
    assert result.tags["revaudit/new_files"] == "1"

    result, cursor = evaluate(cursor)
    assert isinstance(result, dg.SkipReason)

    (inbox / "acme-ot" / "b.x12").write_text("ISA")
    os.utime(first, (1_000_000, 1_000_000))
    result, cursor = evaluate(cursor)
    assert isinstance(result, dg.RunRequest)
    assert result.tags["revaudit/new_files"] == "2"


def test_a_broken_inbox_is_a_skip_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("REVAUDIT_INBOX", str(tmp_path / "missing"))
    result, _ = evaluate(None)
    assert isinstance(result, dg.SkipReason)
    assert "inbox folder not found" in result.skip_message


def test_new_files_compares_paths_and_mtimes():
    assert new_files({"a": 1.0, "b": 2.0}, {"a": 1.0, "b": 3.0, "c": 1.0}) == ["b", "c"]
    assert new_files({"a": 1.0}, {}) == []
