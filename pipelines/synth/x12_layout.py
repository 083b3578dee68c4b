"""X12 layouts as real senders use them: separators, line breaks and envelopes.

A ``Style`` fixes the element, component and repetition separators and the segment terminator
(which may include a newline, or be a newline). ``TransactionBuffer`` collects the segments of
one ST/SE transaction and counts them; ``interchange`` wraps transactions in ISA/GS ... GE/IEA
with the fixed-width ISA (106 characters including its terminator).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines.synth.money import fmt


@dataclass(frozen=True, slots=True)
class Style:
    element: str
    component: str
    repetition: str
    terminator: str  # written after every segment


STYLES = {
    "tilde_newline": Style("*", ":", "^", "~\n"),  # one segment per line
    "single_line": Style("*", ">", "^", "~"),  # the whole interchange on one line
    "pipe": Style("|", "^", "{", "\n"),  # pipes, newline as the segment terminator
}


TRANSACTION_SET = {"HC": "837", "HP": "835"}


class TransactionBuffer:
    """Segments of one transaction set, rendered in ``style``."""

    __slots__ = ("style", "segments", "e", "c")

    def __init__(self, style: Style):
        self.style = style
        self.segments: list[str] = []
        self.e = style.element
        self.c = style.component

    def add(self, *elements) -> None:
        """Append a segment; a tuple element is a composite; trailing empties are dropped."""
        parts = []
        for el in elements:
            if isinstance(el, tuple):
                items = list(el)
                while items and items[-1] == "":
                    items.pop()
                parts.append(self.c.join(items))
            else:
                parts.append(el)
        while parts and parts[-1] == "":
            parts.pop()
        self.segments.append(self.e.join(parts))

    def cas(self, adjustments, level_prefix: str = "CAS") -> None:
        """CAS segments: one per group code, up to six (reason, amount) triplets each."""
        groups: dict[str, list] = {}
        for group, carc, amount in adjustments:
            groups.setdefault(group, []).append((carc, amount))
        for group, pairs in groups.items():
            for start in range(0, len(pairs), 6):
                elements = [level_prefix, group]
                for carc, amount in pairs[start:start + 6]:
                    elements.extend((carc, fmt(amount), ""))
                self.add(*elements)


def isa_segment(style: Style, sender: str, receiver: str, when: date, time: str,
                control: int) -> str:
    e = style.element
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{sender:<15.15}", "ZZ",
              f"{receiver:<15.15}", when.strftime("%y%m%d"), time, style.repetition, "00501",
              f"{control:09d}", "0", "P", style.component]
    segment = e.join(fields)
    if len(segment) != 105:  # + the terminator's first character = 106
        raise ValueError(f"ISA would be {len(segment) + 1} characters, not 106")
    return segment


def interchange(style: Style, *, sender: str, receiver: str, functional_id: str,
                version: str, when: date, time: str, control: int,
                transactions: list[TransactionBuffer]) -> str:
    """A complete ISA/GS/ST.../GE/IEA interchange with one functional group."""
    e, t = style.element, style.terminator
    out = [isa_segment(style, sender, receiver, when, time, control),
           e.join(("GS", functional_id, sender, receiver, when.strftime("%Y%m%d"), time,
                   str(control), "X", version))]
    for n, tx in enumerate(transactions, start=1):
        st_control = f"{n:04d}"
        out.append(e.join(("ST", TRANSACTION_SET[functional_id], st_control, version)))
        out.extend(tx.segments)
        out.append(e.join(("SE", str(len(tx.segments) + 2), st_control)))
    out.append(e.join(("GE", str(len(transactions)), str(control))))
    out.append(e.join(("IEA", "1", f"{control:09d}")))
    return t.join(out) + t
