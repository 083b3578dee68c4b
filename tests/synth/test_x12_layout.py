"""Style.render swaps every separator of the canonical notation at once, in any style."""

import pytest

from pipelines.synth.x12_layout import STYLES, Style

CANONICAL = "CLP*A1*1*10.00\nSVC*HC:97110:GO*10.00\nCAS*CO*45*1.00**59*2.00\nREF*6R*A1-1"


def char_by_char(style: Style, text: str) -> str:
    """The reference: each separator replaced where it stands, nothing rewritten twice."""
    swap = {"*": style.element, ":": style.component, "\n": style.terminator}
    return "".join(swap.get(c, c) for c in text)


@pytest.mark.parametrize("name", sorted(STYLES))
def test_render_matches_char_by_char(name):
    style = STYLES[name]
    assert style.render(CANONICAL) == char_by_char(style, CANONICAL)


@pytest.mark.parametrize("style", [
    Style(":", "*", "^", "~"),  # separators swapped with each other
    Style("*", "~", "^", "\n"),  # the component takes the usual terminator's character
    Style("|", "*", "{", "\n"),  # the component takes the canonical element separator
    Style("|", "^", "{", "~\r\n"),  # a three-character terminator
])
def test_render_never_rewrites_a_separator_twice(style):
    assert style.render(CANONICAL) == char_by_char(style, CANONICAL)
