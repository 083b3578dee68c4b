"""CsvTable writes exactly what csv.writer writes, whatever its cells hold."""

import csv
import io
import random

import pytest

from pipelines.synth.pm_canonical import CsvTable


@pytest.mark.parametrize("buffer_rows", [1, 3, 4096])
def test_csv_table_matches_csv_writer(tmp_path, monkeypatch, buffer_rows):
    monkeypatch.setattr(CsvTable, "BUFFER_ROWS", buffer_rows)
    pieces = ["a", ",", '"', "\n", "\r", " ", "", "7"]
    rng = random.Random(5)
    for trial in range(200):
        width = rng.randint(2, 5)
        rows = [tuple("".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
                      if rng.random() < 0.3 else "v" for _ in range(width))
                for _ in range(rng.randint(0, 12))]
        columns = tuple(f"c{i}" for i in range(width))
        table = CsvTable(tmp_path / "t.csv", columns)
        for row in rows:
            table.row(row)
        table.close()
        expected = io.StringIO(newline="")
        writer = csv.writer(expected, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        assert (tmp_path / "t.csv").read_bytes() == expected.getvalue().encode(), (trial, rows)
