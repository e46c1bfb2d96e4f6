"""A small ``.gitignore`` matcher for folders that are not git work trees (in a work tree, git itself decides).

Patterns become regular expressions that cannot backtrack catastrophically, by construction:

* a ``*`` never crosses a ``/``, and within one path component every literal run that follows a ``*`` is found
  at its earliest place and kept there (an atomic group, written as a look-ahead plus a back-reference so it also
  runs on Python 3.10): committing to the earliest match is always right when a ``*`` may stand for anything;
* ``**/`` (any folders) is matched the same way, a whole run of components at a time: the earliest place where the
  components after it match, ending at a component boundary, is kept;

so matching costs at most (path length × pattern length), and a file name twice as long takes about twice as long
(tests/test_hostile_repos.py measures it). ``**`` next to other characters is an ordinary ``*``, as in git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: rules kept from all .gitignore files of one walk; more are not applied (add_file returns False)
MAX_IGNORE_RULES = 2000
_ANY_DIRS = object()  # a ``**`` component before another component: zero or more whole folders


@dataclass(frozen=True)
class _Rule:
    base: str  # the folder holding the .gitignore, repo-relative ("" for the root)
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


@dataclass
class _Names:
    n: int = 0
    used: list[str] = field(default_factory=list)

    def atomic(self, body: str) -> str:
        """``body`` matched at its first possible place and never retried (an atomic group)."""
        self.n += 1
        return f"(?=(?P<g{self.n}>{body}))(?P=g{self.n})"


def _class(pattern: str, i: int) -> tuple[str, int] | None:
    """The regex for the bracket expression starting at ``pattern[i] == '['`` and the index after it."""
    j = i + 1
    negate = j < len(pattern) and pattern[j] in "!^"
    j += negate
    items: list[str] = []
    first = True
    while j < len(pattern) and (pattern[j] != "]" or first):
        c = pattern[j]
        if c == "\\" and j + 1 < len(pattern):
            j += 1
            c = pattern[j]
        if j + 2 < len(pattern) and pattern[j + 1] == "-" and pattern[j + 2] != "]":
            items.append(f"{re.escape(c)}-{re.escape(pattern[j + 2])}")
            j += 3
        else:
            items.append(re.escape(c))
            j += 1
        first = False
    if j >= len(pattern):
        return None  # no closing bracket: the '[' is literal
    return f"(?!/)[{'^' if negate else ''}{''.join(items)}]", j + 1


def _component(glob: str, names: _Names) -> str:
    """The regex for one path component's glob: ``*`` within the component, atomic literal runs after each ``*``."""
    chunks: list[list[str]] = [[]]
    i = 0
    while i < len(glob):
        c = glob[i]
        if c == "*":
            while i < len(glob) and glob[i] == "*":
                i += 1
            chunks.append([])
            continue
        if c == "?":
            chunks[-1].append("[^/]")
        elif c == "[" and (cls := _class(glob, i)) is not None:
            chunks[-1].append(cls[0])
            i = cls[1]
            continue
        elif c == "\\" and i + 1 < len(glob):
            i += 1
            chunks[-1].append(re.escape(glob[i]))
        else:
            chunks[-1].append(re.escape(c))
        i += 1
    out = "".join(chunks[0])
    if len(chunks) == 1:
        return out
    for middle in chunks[1:-1]:
        out += names.atomic("[^/]*?" + "".join(middle))
    return out + "[^/]*" + "".join(chunks[-1])


def _translate(pattern: str, anchored: bool) -> str:
    """The whole regex for a pattern (leading and trailing '/' already removed), to use with ``re.match``."""
    comps = [c for c in pattern.split("/") if c]
    trail_any = len(comps) > 1 and comps[-1] == "**"  # 'abc/**': everything inside abc
    if trail_any:
        comps.pop()
    tokens: list[object] = [] if anchored else [_ANY_DIRS]
    for i, c in enumerate(comps):
        if c == "**" and i < len(comps) - 1:
            if not tokens or tokens[-1] is not _ANY_DIRS:
                tokens.append(_ANY_DIRS)
        else:
            tokens.append(c)
    names = _Names()
    out, after_dirs = "^", False
    segment: list[str] = []
    end = "/" if trail_any else r"(?=/|\Z)"

    def flush(last: bool) -> str:
        body = "/".join(_component(c, names) for c in segment) + (end if last else "/")
        return names.atomic(f"(?:.*?/)??{body}") if after_dirs else body

    for tok in tokens:
        if tok is _ANY_DIRS:
            if segment:
                out += flush(False)
                segment = []
            after_dirs = True
        else:
            segment.append(str(tok))
    if segment:
        out += flush(True)
    elif after_dirs:  # nothing after '**/': any path
        out += ".*"
    return out


class GitIgnore:
    """Rules gathered from every ``.gitignore`` met while walking down a folder; the last match wins."""

    def __init__(self) -> None:
        self._rules: list[_Rule] = []

    def add_file(self, base: str, text: str) -> bool:
        """Add a file's rules; False when the total reached MAX_IGNORE_RULES and some were left out."""
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            if len(self._rules) >= MAX_IGNORE_RULES:
                return False
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            anchored = "/" in line
            try:
                compiled = re.compile(_translate(line.lstrip("/"), anchored), re.DOTALL)
            except (re.error, RecursionError, OverflowError):
                continue
            self._rules.append(_Rule(base, compiled, negate, dir_only))
        return True

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for rule in self._rules:
            if rule.base:
                if not rel.startswith(rule.base + "/"):
                    continue
                sub = rel[len(rule.base) + 1 :]
            else:
                sub = rel
            if rule.dir_only and not is_dir and "/" not in sub:
                continue
            if rule.regex.match(sub):
                result = not rule.negate
        return result
