"""Sequential ids: the same texts as zero-padding each number."""

import pytest

from pipelines.synth.ids import sequential_ids


@pytest.mark.parametrize(("prefix", "width"), [("S", 8), ("PP", 7), ("", 7), ("V", 3), ("X", 4)])
def test_ids_equal_zero_padded_numbers(prefix, width):
    # past 10**width for the narrow widths: the ids grow a digit, as zfill's do
    next_id = sequential_ids(prefix, width)
    assert [next_id() for _ in range(12_345)] == [
        prefix + str(n).zfill(width) for n in range(1, 12_346)]


def test_width_below_three_is_refused():
    with pytest.raises(ValueError, match="width 2"):
        sequential_ids("S", 2)
