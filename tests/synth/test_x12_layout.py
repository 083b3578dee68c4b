"""X12 layout: Style.encode swaps every separator of the canonical notation at once, in any
style; cas_segments groups CAS triplets as the 835 guide asks."""

import random
from decimal import Decimal

import pytest

from pipelines.synth.x12_layout import STYLES, Style, cas_segments

CANONICAL = "CLP*A1*1*10.00\nSVC*HC:97110:GO*10.00\nCAS*CO*45*1.00**59*2.00\nREF*6R*A1-1"


def char_by_char(style: Style, text: str) -> str:
    """The reference: each separator replaced where it stands, nothing rewritten twice."""
    swap = {"*": style.element, ":": style.component, "\n": style.terminator}
    return "".join(swap.get(c, c) for c in text)


@pytest.mark.parametrize("name", sorted(STYLES))
def test_encode_matches_char_by_char(name):
    style = STYLES[name]
    assert style.encode(CANONICAL) == char_by_char(style, CANONICAL).encode("ascii")


@pytest.mark.parametrize("style", [
    Style(":", "*", "^", "~"),  # separators swapped with each other
    Style("*", "~", "^", "\n"),  # the component takes the usual terminator's character
    Style("|", "*", "{", "\n"),  # the component takes the canonical element separator
    Style("|", "^", "{", "~\r\n"),  # a three-character terminator
])
def test_encode_never_rewrites_a_separator_twice(style):
    assert style.encode(CANONICAL) == char_by_char(style, CANONICAL).encode("ascii")


def cas_reference(adjustments) -> str:
    """One CAS per group, in order of first appearance, at most six triplets per segment."""
    groups: dict[str, list[str]] = {}
    for group, carc, amount in adjustments:
        groups.setdefault(group, []).append(f"{carc}*{amount:.2f}")
    return "\n".join(f"CAS*{group}*" + "**".join(pairs[i:i + 6])
                     for group, pairs in groups.items() for i in range(0, len(pairs), 6))


def test_cas_segments_group_triplets_in_order_of_first_appearance():
    rng = random.Random(11)
    for _ in range(500):
        adjustments = [(rng.choice(("CO", "PR", "OA")), str(rng.choice((45, 59, 2, 3, 253))),
                        Decimal(rng.randint(-500, 50000)).scaleb(-2))  # cents, as events hold
                       for _ in range(rng.randint(1, 14))]
        assert cas_segments(adjustments) == cas_reference(adjustments)
