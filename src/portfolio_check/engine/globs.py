"""Sets of path globs matched in one pass: which of many globs match a path.

Rules name files by glob (``*/evals/*.jsonl``, ``*.pkl``, ``CHANGELOG*``), with ``fnmatch`` meaning: ``*`` crosses
``/``. A big repository has tens of thousands of paths and the rules hundreds of globs; a regex per glob per path,
or one union of them all (CPython's ``re`` tries every branch at every ``.*``), costs tens of microseconds a path.
Here each glob's longest literal run (``/evals/``, ``.pkl``) goes into one Aho-Corasick automaton; a path's one pass
over it names the few globs that can match, and only those are tried, with the glob's own regex — so the answer is
exactly ``fnmatch``'s. Globs with no literal run of two characters are always tried.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence

from portfolio_check.engine.anchors import automaton

_WILD = re.compile(r"\*|\?|\[[^\]]*\]?")


def literal_run(glob: str) -> str:
    """The glob's longest stretch of plain characters (lower-cased), the part every matching path contains."""
    runs = _WILD.split(glob)
    return max(runs, key=len).lower() if runs else ""


class GlobSet:
    """Globs matched against a path (and, for the globs marked so, against the file's name alone).

    ``ignore_case`` as on the file systems a portfolio comes from (``Dockerfile``, ``README.MD``); a path that is not
    ASCII tries every glob (case folding outside ASCII can match letters a lower-cased literal would not show).
    """

    def __init__(self, globs: Sequence[str], by_name: Sequence[bool] | bool = True, ignore_case: bool = True) -> None:
        self.globs = tuple(globs)
        names = [by_name] * len(self.globs) if isinstance(by_name, bool) else list(by_name)
        if len(names) != len(self.globs):
            raise ValueError("one by_name flag per glob")
        self._flags = re.IGNORECASE if ignore_case else 0
        self._by_name = names
        #: each glob's regex, compiled the first time the glob is tried (most globs never are in one repository)
        self._regexes: list[re.Pattern[str] | None] = [None] * len(self.globs)
        self._ignore_case = ignore_case
        self._always: list[int] = []
        table: dict[str, list[int]] = {}
        for i, g in enumerate(self.globs):
            lit = literal_run(g)
            if len(lit) >= 2:
                table.setdefault(lit, []).append(i)
            else:
                self._always.append(i)
        self._auto = automaton((lit, tuple(ids)) for lit, ids in table.items())

    def _candidates(self, rel: str) -> list[int] | range:
        if self._auto is None or (self._ignore_case and not rel.isascii()):
            return range(len(self.globs))
        found = set(self._always)
        for _end, ids in self._auto.iter(rel.lower()):
            found.update(ids)
        return sorted(found)

    def _matches(self, i: int, rel: str, name: str) -> bool:
        rx = self._regexes[i]
        if rx is None:
            rx = self._regexes[i] = re.compile(fnmatch.translate(self.globs[i]), self._flags)
        return rx.match(rel) is not None or (self._by_name[i] and rx.match(name) is not None)

    def matching(self, rel: str) -> list[int]:
        """Indices of the globs that match ``rel``, in order."""
        name = rel.rsplit("/", 1)[-1]
        return [i for i in self._candidates(rel) if self._matches(i, rel, name)]

    def first(self, rel: str) -> int | None:
        """The index of the first glob that matches ``rel``, or None."""
        name = rel.rsplit("/", 1)[-1]
        return next((i for i in self._candidates(rel) if self._matches(i, rel, name)), None)

    def any(self, rel: str) -> bool:
        return self.first(rel) is not None
