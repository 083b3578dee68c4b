"""Which profile and file role an export is, from its header row.

A client's ``pm_profile`` limits the search to that profile; without one every profile is
tried and the one whose file role matches the header best is used (and reported as detected).
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.pm.profiles import FileSpec, Profile
from pipelines.pm.reader import UnreadableFile


@dataclass(frozen=True)
class Match:
    profile: Profile
    file: FileSpec
    detected: bool  # chosen from the header, not from the client's configuration
    missing: tuple[str, ...]  # required headers absent from the file (it cannot load)

    @property
    def kind(self) -> str:
        return f"pm:{self.profile.name}"


def candidates(all_profiles: dict[str, Profile],
               configured: str | None) -> list[tuple[Profile, FileSpec]]:
    chosen = [all_profiles[configured]] if configured else list(all_profiles.values())
    return [(profile, file) for profile in chosen for file in profile.files]


def header_row_index(rows: list[list[str]], options: list[tuple[Profile, FileSpec]]) -> int:
    """The row among the first ones that looks most like a header of one of ``options``."""
    known = [set(file.headers()) for _, file in options]
    best, best_score = None, 0
    for index, row in enumerate(rows):
        cells = {c for c in row if c}
        score = max((len(cells & headers) for headers in known), default=0)
        if score > best_score:
            best, best_score = index, score
    if best is not None:
        return best
    return next(i for i, row in enumerate(rows) if any(row))


def match_header(header: list[str], options: list[tuple[Profile, FileSpec]],
                 configured: str | None) -> Match:
    present = set(header)
    scored = []
    for profile, file in options:
        required = file.required_headers()
        missing = tuple(h for h in required if h not in present)
        overlap = len(present & set(file.headers()))
        scored.append((not missing, overlap, len(required) - len(missing), profile, file,
                       missing))
    complete = sorted((s for s in scored if s[0]), key=lambda s: -s[1])
    if complete:
        top = [s for s in complete if s[1] == complete[0][1]]
        if len({(s[3].name, s[4].role) for s in top}) > 1:
            names = ", ".join(f"{s[3].name}/{s[4].role}" for s in top)
            raise UnreadableFile(f"header fits several PM formats ({names}); set pm_profile "
                                 "in client.yml")
        _, _, _, profile, file, _ = complete[0]
        return Match(profile, file, configured is None, ())
    partial = sorted(scored, key=lambda s: -(s[2] / max(1, s[2] + len(s[5]))))
    if partial and partial[0][2] * 2 >= partial[0][2] + len(partial[0][5]) and partial[0][2]:
        _, _, _, profile, file, missing = partial[0]
        return Match(profile, file, configured is None, missing)
    tried = configured or ", ".join(sorted({p.name for p, _ in options}))
    raise UnreadableFile(f"header row ({len(header)} columns) matches no file of the PM "
                         f"format(s) {tried}")
