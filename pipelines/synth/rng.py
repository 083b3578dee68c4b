"""The generator's random stream: ``random.Random`` with faster small-integer draws.

``randint``/``randrange``/``choice`` are derived from one ``random()`` call each (uniform up to
float resolution, plenty for simulation), which is several times faster than the standard
rejection-sampling versions. The hottest call sites write the formula out
(``a + floor(rng.random() * (b - a + 1))`` for ``randint(a, b)``): the same draw without a
Python method call (~500 instructions). Seeded from a string, so the stream is the same on
every run and platform (``PYTHONHASHSEED`` plays no part).
"""

from __future__ import annotations

import random
from math import floor  # = int() of the non-negative products below, and cheaper to call


class SimRandom(random.Random):
    def randint(self, a: int, b: int) -> int:
        return a + floor(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + floor(self.random() * (stop - start))

    def choice(self, seq):
        return seq[floor(self.random() * len(seq))]
