"""X12 layouts as real senders use them: separators, line breaks and envelopes.

Writers build segments as plain strings in one canonical notation (``*`` between elements,
``:`` between components, a newline after each segment but the last of a string, so that one
string may carry several segments); ``interchange`` then wraps the transactions in ISA/GS ...
GE/IEA and encodes the whole interchange in the sender's ``Style`` (separators, terminator,
line breaks), a ``bytes.replace`` per changed separator. Values never contain a newline,
``*``, ``:``, ``~``, ``|``, ``^``, ``>``, ``{`` (names and addresses come from the generator's
own lists).

Amounts are written as ``{amount!s}``: the event model's amounts are Decimals quantised to
cents (``money``/``share`` and their sums), whose str is the X12 form ``123.45``, ``-5.00``,
~700 instructions per amount less than ``money.fmt`` (a Python call that checks the form).
tests/synth/test_files_consistent.py checks that every amount element has two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class Style:
    element: str
    component: str
    repetition: str
    terminator: str  # written after every segment
    # how encode does it: (longer terminator | None, byte replaces, translate table | None)
    _steps: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.element) != 1 or len(self.component) != 1 or not self.terminator:
            raise ValueError(f"separators must be single characters: {self}")
        changes = [(old, new) for old, new in (("*", self.element), (":", self.component))
                   if old != new]
        longer = None
        if len(self.terminator) > 1:
            longer = self.terminator.encode("ascii")
        elif self.terminator != "\n":
            changes.append(("\n", self.terminator))
        changes = [(old.encode("ascii"), new.encode("ascii")) for old, new in changes]
        table = None
        if any(new == old for n, (_, new) in enumerate(changes) for old, _ in changes[n + 1:]):
            # a later replace would change what an earlier one wrote: all at once instead
            table = bytes.maketrans(b"".join(old for old, _ in changes),
                                    b"".join(new for _, new in changes))
            changes = []
        object.__setattr__(self, "_steps", (longer, tuple(changes), table))

    def encode(self, text: str) -> bytes:
        """``text`` (canonical notation, ASCII) in this style, as bytes: the newline replaced
        by a longer terminator, then a ``bytes.replace`` per changed separator (each a memchr
        scan; a ``str.translate`` pass over the text cost three times more)."""
        longer, changes, table = self._steps
        data = text.encode("ascii")
        if longer is not None:
            data = data.replace(b"\n", longer)
        if table is not None:
            return data.translate(table)
        for old, new in changes:
            data = data.replace(old, new)
        return data


STYLES = {
    "tilde_newline": Style("*", ":", "^", "~\n"),  # one segment per line
    "single_line": Style("*", ">", "^", "~"),  # the whole interchange on one line
    "pipe": Style("|", "^", "{", "\n"),  # pipes, newline as the segment terminator
}
TRANSACTION_SET = {"HC": "837", "HP": "835"}


class _DateTexts(dict):
    """CCYYMMDD of each date seen (the same dates recur from claim to claim); bounded."""

    def __missing__(self, day: date) -> str:
        if len(self) > 4096:
            self.clear()
        text = self[day] = f"{day.year:04d}{day.month:02d}{day.day:02d}"
        return text


d8 = _DateTexts().__getitem__  # d8(day) -> "CCYYMMDD"


class _ProcedureTexts(dict):
    """``HC:code[:modifier...]`` (SV101, SVD03, SVC01) of each (code, modifiers) seen; bounded.
    A lookup costs about half of joining the text again."""

    def __missing__(self, key: tuple[str, tuple[str, ...]]) -> str:
        if len(self) > 4096:
            self.clear()
        code, modifiers = key
        text = self[key] = ":".join(("HC", code, *modifiers))
        return text


procedure_texts = _ProcedureTexts()  # procedure_texts[code, modifiers] -> "HC:97110:GO"


class _CountTexts(dict):
    """Text of each count seen (units, line numbers): a few small numbers recur."""

    def __missing__(self, n: int) -> str:
        text = self[n] = str(n)
        return text


count_texts = _CountTexts()  # count_texts[3] -> "3"


def segment(*elements: str) -> str:
    """``*``-joined segment without trailing empty elements."""
    parts = list(elements)
    while parts and parts[-1] == "":
        parts.pop()
    return "*".join(parts)


def cas_segments(adjustments) -> str:
    """CAS segments (one string): one per group code, up to six (reason, amount) triplets
    each. ``adjustments`` must not be empty."""
    n = len(adjustments)
    if n == 1:
        ((group, carc, amount),) = adjustments
        return f"CAS*{group}*{carc}*{amount!s}"
    if n == 2:  # the commonest pair (CO, PR) and others, without the dict
        (group, carc, amount), (group2, carc2, amount2) = adjustments
        if group == group2:
            return f"CAS*{group}*{carc}*{amount!s}**{carc2}*{amount2!s}"
        return f"CAS*{group}*{carc}*{amount!s}\nCAS*{group2}*{carc2}*{amount2!s}"
    if n > 6:
        return _long_cas_segments(adjustments)
    segments: dict[str, str] = {}
    for group, carc, amount in adjustments:
        if group in segments:
            segments[group] += f"**{carc}*{amount!s}"
        else:
            segments[group] = f"CAS*{group}*{carc}*{amount!s}"
    return "\n".join(segments.values())


def _long_cas_segments(adjustments) -> str:
    """``cas_segments`` when a group may need more than one segment."""
    groups: dict[str, list[str]] = {}
    for group, carc, amount in adjustments:
        groups.setdefault(group, []).append(f"{carc}*{amount!s}")
    return "\n".join(f"CAS*{group}*" + "**".join(pairs[start:start + 6])
                     for group, pairs in groups.items()
                     for start in range(0, len(pairs), 6))


def isa_segment(repetition: str, sender: str, receiver: str, when: date, time: str,
                control: int) -> str:
    """The ISA in the canonical notation (``*`` elements, ``:`` component separator), to be
    rendered with the rest of the interchange."""
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", f"{sender:<15.15}", "ZZ",
              f"{receiver:<15.15}", d8(when)[2:], time, repetition, "00501",
              f"{control:09d}", "0", "P", ":"]
    isa = "*".join(fields)
    if len(isa) != 105:  # + the terminator's first character = 106
        raise ValueError(f"ISA would be {len(isa) + 1} characters, not 106")
    return isa


def interchange(style: Style, *, sender: str, receiver: str, functional_id: str,
                version: str, when: date, time: str, control: int,
                transactions: list[list[str]]) -> bytes:
    """A complete ISA/GS/ST.../GE/IEA interchange with one functional group, as the file's
    bytes.

    Each transaction is a list of strings of one or more newline-separated segments.
    """
    isa = isa_segment(style.repetition, sender, receiver, when, time, control)
    terminator = style.terminator.encode("ascii")
    grows = len(terminator) - 1  # what each newline adds to the length when rendered
    pieces = []  # rendered; joined by terminators
    text = f"{isa}\nGS*{functional_id}*{sender}*{receiver}*{d8(when)}*{time}*{control}*X*{version}"
    set_id = TRANSACTION_SET[functional_id]
    for n, segments in enumerate(transactions, start=1):
        st_control = f"{n:04d}"
        text += f"\nST*{set_id}*{st_control}*{version}"
        if not segments:
            text += f"\nSE*2*{st_control}"
            continue
        body = "\n".join(segments)
        rendered = style.encode(body)
        # segments = newlines + 1; a longer terminator counts them for free
        newlines = (len(rendered) - len(body)) // grows if grows else body.count("\n")
        pieces += (style.encode(text), rendered)
        text = f"SE*{newlines + 3}*{st_control}"
    pieces.append(style.encode(f"{text}\nGE*{len(transactions)}*{control}\nIEA*1*{control:09d}\n"))
    return terminator.join(pieces)
