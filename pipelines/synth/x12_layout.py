"""X12 layouts as real senders use them: separators, line breaks and envelopes.

Writers build segments as plain strings in one canonical notation (``*`` between elements,
``:`` between components, a newline after each segment but the last of a string, so that one
string may carry several segments); ``interchange`` then wraps the transactions in ISA/GS ...
GE/IEA and renders them in the sender's ``Style`` (separators, terminator, line breaks) with
one ``str.replace`` and one ``str.translate`` pass. Values never contain a newline, ``*``,
``:``, ``~``, ``|``, ``^``, ``>``, ``{`` (names and addresses come from the generator's own
lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Style:
    element: str
    component: str
    repetition: str
    terminator: str  # written after every segment

    @property
    def table(self) -> dict[int, str]:
        return str.maketrans({"*": self.element, ":": self.component})


STYLES = {
    "tilde_newline": Style("*", ":", "^", "~\n"),  # one segment per line
    "single_line": Style("*", ">", "^", "~"),  # the whole interchange on one line
    "pipe": Style("|", "^", "{", "\n"),  # pipes, newline as the segment terminator
}
TRANSACTION_SET = {"HC": "837", "HP": "835"}


_D8: dict[date, str] = {}


def d8(day: date) -> str:
    """CCYYMMDD."""
    text = _D8.get(day)
    if text is None:
        if len(_D8) > 4096:
            _D8.clear()
        text = _D8[day] = f"{day.year:04d}{day.month:02d}{day.day:02d}"
    return text


def amt(value: Decimal) -> str:
    """X12 decimal with two places: ``123.45``, ``-5.00``."""
    return f"{value:.2f}"


def segment(*elements: str) -> str:
    """``*``-joined segment without trailing empty elements."""
    parts = list(elements)
    while parts and parts[-1] == "":
        parts.pop()
    return "*".join(parts)


def cas_segments(adjustments) -> str:
    """CAS segments (one string): one per group code, up to six (reason, amount) triplets
    each. ``adjustments`` must not be empty."""
    if len(adjustments) == 1:
        ((group, carc, amount),) = adjustments
        return f"CAS*{group}*{carc}*{amount:.2f}"
    groups: dict[str, list[str]] = {}
    for group, carc, amount in adjustments:
        pairs = groups.get(group)
        if pairs is None:
            groups[group] = [f"CAS*{group}*{carc}*{amount:.2f}"]
        else:
            pairs.append(f"{carc}*{amount:.2f}")
    segments = []
    for group, pairs in groups.items():
        for start in range(0, len(pairs), 6):
            chunk = "**".join(pairs[start:start + 6])
            segments.append(chunk if start == 0 else f"CAS*{group}*{chunk}")
    return "\n".join(segments)


def isa_segment(style: Style, sender: str, receiver: str, when: date, time: str,
                control: int) -> str:
    e = style.element
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{sender:<15.15}", "ZZ",
              f"{receiver:<15.15}", when.strftime("%y%m%d"), time, style.repetition, "00501",
              f"{control:09d}", "0", "P", style.component]
    isa = e.join(fields)
    if len(isa) != 105:  # + the terminator's first character = 106
        raise ValueError(f"ISA would be {len(isa) + 1} characters, not 106")
    return isa


def interchange(style: Style, *, sender: str, receiver: str, functional_id: str,
                version: str, when: date, time: str, control: int,
                transactions: list[list[str]]) -> str:
    """A complete ISA/GS/ST.../GE/IEA interchange with one functional group.

    Each transaction is a list of strings of one or more newline-separated segments.
    """
    out = [f"GS*{functional_id}*{sender}*{receiver}*{d8(when)}*{time}*{control}*X*{version}"]
    set_id = TRANSACTION_SET[functional_id]
    for n, segments in enumerate(transactions, start=1):
        st_control = f"{n:04d}"
        body = "\n".join(segments)
        count = body.count("\n") + 1 if segments else 0
        out.append(f"ST*{set_id}*{st_control}*{version}")
        if segments:
            out.append(body)
        out.append(f"SE*{count + 2}*{st_control}")
    out.append(f"GE*{len(transactions)}*{control}")
    out.append(f"IEA*1*{control:09d}\n")
    t = style.terminator
    body = "\n".join(out)
    if t != "\n":
        body = body.replace("\n", t)
    if style.element != "*" or style.component != ":":
        body = body.translate(style.table)
    return isa_segment(style, sender, receiver, when, time, control) + t + body
