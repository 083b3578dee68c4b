"""iter_x12: a file read in chunks gives exactly the tables and diagnostics of one read."""

from __future__ import annotations

import itertools
import time

import polars as pl
import pytest
from test_x12_batch import assert_same as assert_same_document
from x12_support import FIXTURES, PUBLIC_SAMPLES, fixture_text

from pipelines.x12 import chunks, iter_x12, read_x12, read_x12_batch, reader


def _many_transactions(tmp_path, copies: int):
    """One interchange and group with ``copies`` ST..SE transactions (control numbers kept
    distinct), followed by a second interchange: chunks must cut inside a group."""
    text = fixture_text("835_synthetic.x12")
    head, rest = text.split("ST*835*", 1)
    body = "ST*835*" + rest[:rest.index("GE*")]
    transactions = "".join(body.replace("0001", f"{n:04d}") for n in range(1, copies + 1))
    first = head + transactions + f"GE*{copies}*101~\nIEA*1*000000101~\n"
    second = text.replace("000000101", "000000102")
    path = tmp_path / "many.835"
    path.write_text(first + second)
    return path


def assert_same(path, chunk_bytes):
    whole = read_x12(path)
    parts = list(iter_x12(path, chunk_bytes=chunk_bytes))
    assert len(parts) > 1
    assert all(part.error is None for part in parts)
    for name, frame in whole.tables.items():
        assert pl.concat([part.tables[name] for part in parts]).equals(frame), name
    assert pl.concat([part.diagnostics_table for part in parts]).equals(
        whole.diagnostics_table)
    assert sum(part.claims for part in parts) == whole.claims
    assert sum(part.total_charge for part in parts) == whole.total_charge
    assert sum(part.interchanges for part in parts) == whole.interchanges
    return parts


@pytest.mark.parametrize("chunk_bytes", [1500, 4000, 20000])
def test_chunks_equal_one_read(tmp_path, chunk_bytes):
    assert_same(_many_transactions(tmp_path, 30), chunk_bytes)


def test_group_counts_are_checked_across_chunks(tmp_path):
    path = _many_transactions(tmp_path, 30)
    path.write_text(path.read_text().replace("GE*30*101", "GE*29*101"))
    parts = assert_same(path, 3000)
    found = [d for part in parts for d in part.diagnostics]
    assert [(d.code, d.message) for d in found] == [
        ("GE_COUNT_MISMATCH", "GE01 is 29 but the group has 30 transactions")]


def test_newline_terminated_file_in_chunks(tmp_path):
    path = _many_transactions(tmp_path, 12)
    path.write_text(path.read_text().replace("~\n", "\n"))
    assert_same(path, 2500)


@pytest.mark.skipif(not PUBLIC_SAMPLES.exists(), reason="../shared/x12-public-samples absent")
@pytest.mark.parametrize("name", ["tastypackets__x12-parser__profee-multiple.edi",
                                  "imsweb__x12-parser__x12_multiple_transactions.txt"])
def test_public_files_in_chunks(name):
    assert_same(PUBLIC_SAMPLES / name, 25000)


def test_small_file_is_one_document():
    parts = list(iter_x12(FIXTURES / "837p_synthetic.x12"))
    assert len(parts) == 1 and parts[0].claims == 2


def test_unreadable_file_is_one_error_document(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello\n" * 1000)
    parts = list(iter_x12(path, chunk_bytes=100))
    assert len(parts) == 1 and parts[0].error.code == "NOT_X12"


def test_truncated_large_file_ends_with_an_error(tmp_path):
    path = _many_transactions(tmp_path, 10)
    text = path.read_text()
    path.write_text(text[:text.rindex("PLB")])
    parts = list(iter_x12(path, chunk_bytes=2000))
    assert parts[-1].error.code == "TRUNCATED"
    assert all(part.error is None for part in parts[:-1])


def _read_chunked(monkeypatch, source, chunk_bytes: int):
    """read_x12 with a small chunk size, checking that it really read in chunks."""
    calls = []
    read_group = chunks.read_group

    def counting(*args, **kwargs):
        calls.append(1)
        return read_group(*args, **kwargs)

    monkeypatch.setattr(reader, "CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(chunks, "read_group", counting)
    document = read_x12(source)
    assert len(calls) > 1
    return document


@pytest.mark.parametrize("as_bytes", [False, True])
def test_a_large_file_is_read_in_chunks_with_the_result_of_one_read(tmp_path, monkeypatch,
                                                                    as_bytes):
    path = _many_transactions(tmp_path, 30)
    path.write_text(path.read_text().replace("CLP*PCN003*4*150.00", "CLP*PCN003*4*151.00", 7))
    source = path.read_bytes() if as_bytes else path
    whole = read_x12_batch([source])[0]  # a batch never cuts a file
    assert [d.code for d in whole.diagnostics] == ["CLAIM_NOT_BALANCED"] * 7
    assert_same_document(_read_chunked(monkeypatch, source, 4000), whole)


@pytest.mark.parametrize("damage", ["truncated", "mixed", "other_separators"])
def test_a_large_file_in_chunks_fails_or_reads_like_one_read(tmp_path, monkeypatch, damage):
    path = _many_transactions(tmp_path, 20)
    text = path.read_text()
    claim = fixture_text("837p_synthetic.x12")
    path.write_text({
        "truncated": text[:text.rindex("PLB")],
        "mixed": text + claim,
        "other_separators": text + text.replace("*", "|").replace("|^|", "|}|"),
    }[damage])
    whole = read_x12_batch([path])[0]
    assert (whole.error is None) == (damage == "other_separators")
    assert_same_document(_read_chunked(monkeypatch, path, 3000), whole)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_chunks_read_on_several_threads_come_back_in_order(tmp_path, workers):
    path = _many_transactions(tmp_path, 40)
    path.write_text(path.read_text().replace("GE*40*101", "GE*41*101"))
    whole = read_x12_batch([path])[0]
    assert [d.code for d in whole.diagnostics] == ["GE_COUNT_MISMATCH"]
    assert_same_document(chunks.read_in_chunks(path, 2500, str(path), workers=workers), whole)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_every_chunk_is_read_and_the_end_comes_with_the_last(tmp_path, bom):
    path = _many_transactions(tmp_path, 30)
    path.write_bytes(bom + path.read_bytes())
    whole = read_x12_batch([path])[0]
    size = path.stat().st_size
    parts = list(iter_x12(path, chunk_bytes=-(-size // 4)))
    # four blocks: the transactions cut by the fourth one travel with it (no fifth, small one)
    assert len(parts) == 4
    assert sum(part.claims for part in parts) == whole.claims > 0
    assert_same_document(chunks.merge(parts, str(path)), whole)


def test_a_chunk_read_before_the_one_in_front_of_it_waits_for_its_turn(tmp_path, monkeypatch):
    path = _many_transactions(tmp_path, 40)
    whole = read_x12_batch([path])[0]
    read_chunk, calls = chunks._read_chunk, itertools.count()

    def first_is_slow(*args, **kwargs):
        if next(calls) == 0:
            time.sleep(0.3)  # the second chunk is done first
        return read_chunk(*args, **kwargs)

    monkeypatch.setattr(chunks, "_read_chunk", first_is_slow)
    assert_same_document(chunks.read_in_chunks(path, 2500, str(path), workers=2), whole)
    assert next(calls) > 2


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("size", [reader.CHUNK_BYTES + 1, 5 * reader.CHUNK_BYTES,
                                  100_063_624, 3_000_000_000])
def test_chunk_size_covers_the_file_in_equal_chunks_for_every_worker(size, workers):
    chunk = reader.chunk_size(size, workers)
    count = -(-size // chunk)
    assert count % workers == 0  # every worker busy to the end
    assert chunk <= 2 * reader.CHUNK_BYTES
    assert (count - 1) * chunk < size <= count * chunk  # no chunk only past the end


def test_iter_x12_on_two_threads_yields_the_same_chunks_in_file_order(tmp_path):
    path = _many_transactions(tmp_path, 30)
    one_at_a_time = list(iter_x12(path, chunk_bytes=2000))
    two_at_a_time = list(iter_x12(path, chunk_bytes=2000, workers=2))
    assert len(one_at_a_time) > 3
    assert len(two_at_a_time) == len(one_at_a_time)
    for alone, paired in zip(one_at_a_time, two_at_a_time, strict=True):
        assert_same_document(paired, alone)
