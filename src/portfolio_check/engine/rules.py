"""The detection knowledge, loaded from ``rules/evidence.toml``: the catalog, signals and how they combine.

Signals name libraries, file patterns and phrases; each one, when seen, raises a *tag* at a location. An evidence
kind is ``strong`` (or ``weak``) when every tag of one of its ``strong`` (or ``weak``) sets was raised. Nothing here
reads a scanned repository.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from portfolio_check import tomlread
from portfolio_check.resources import rules_dir

ROLES = ("code", "test", "notebook", "doc", "output", "config", "ci")


@dataclass(frozen=True)
class EvidenceKind:
    id: str
    title: str
    what: str
    strong_looks_like: str
    weak_looks_like: str
    why: str
    strong: tuple[tuple[str, ...], ...]
    weak: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Library:
    tag: str
    reason: str
    modules: tuple[str, ...]
    dists: tuple[str, ...]
    npm: tuple[str, ...]
    roles: tuple[str, ...]
    ml_code: bool


@dataclass(frozen=True)
class Pattern:
    tag: str
    reason: str
    roles: tuple[str, ...]
    regexes: tuple[str, ...]
    ignore_case: bool
    paths: tuple[str, ...]
    ml_code: bool


@dataclass(frozen=True)
class PathSignal:
    tag: str
    reason: str
    globs: tuple[str, ...]


class RoleMatcher:
    """The patterns of one file role. ``find`` returns the first match of each tag in a text.

    A one-pass prefilter (see anchors.py) picks the patterns that can match; each of those runs alone, from the
    line of its first anchor (from the start for patterns that may span lines).
    """

    def __init__(self, patterns: list[Pattern]) -> None:
        from portfolio_check.engine.anchors import Prefilter

        self.entries: list[tuple[str, str, bool]] = []  # (tag, regex source, may span lines)
        for pat in patterns:
            for rx in pat.regexes:
                multi = "\\n" in rx.replace("[^\\n]", "") or "(?s" in rx or "\\s*\\n" in rx
                self.entries.append((pat.tag, _scoped(rx, pat.ignore_case), multi))
        self.prefilter = Prefilter(src for _, src, _ in self.entries)

    def find(self, text: str, skip: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, int]]:
        """(tag, offset of its first match) for every tag found in ``text``, in rule order."""
        if not self.entries or not text:
            return []
        aligned = text.isascii()  # lower() keeps offsets only for ASCII text
        cands = self.prefilter.candidates(text.lower(), ANCHOR_CAP)
        found: dict[str, int] = {}
        for i in sorted(cands):
            tag, source, multi = self.entries[i]
            if tag in found or tag in skip:
                continue
            regex = _compiled(source)
            m = search_near(regex, text, cands[i]) if aligned and not multi and cands[i] else regex.search(text)
            if m is not None:
                found[tag] = m.start()
        return list(found.items())


ANCHOR_CAP = 64


@cache
def _compiled(source: str) -> re.Pattern[str]:
    """Compile a pattern the first time a file may match it (most never run on a given repository)."""
    return re.compile(source, re.MULTILINE)


def search_near(regex: re.Pattern[str], text: str, anchors: list[int]) -> re.Match[str] | None:
    """Search only the lines holding an anchor (a line-local match must contain one)."""
    checked_to = -1
    for pos in anchors:
        if pos < checked_to:
            continue
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        m = regex.search(text, start, end)
        if m is not None:
            return m
        checked_to = end
    if len(anchors) >= ANCHOR_CAP:  # more anchors than were kept: look at the rest of the text
        return regex.search(text, checked_to)
    return None


_GLOBAL_FLAGS = re.compile(r"^\(\?([aimsx]+)\)")


def _scoped(rx: str, ignore_case: bool) -> str:
    """One pattern as a group of the role's alternation: multi-line is global, other flags become scoped."""
    rx = rx.replace("(?m)", "")
    m = _GLOBAL_FLAGS.match(rx)
    flags = "i" if ignore_case else ""
    if m:
        flags += m.group(1).replace("m", "")
        rx = rx[m.end() :]
    flags = "".join(sorted(set(flags)))
    return f"(?{flags}:{rx})" if flags else f"(?:{rx})"


def _norm(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(".", "_")


class Rules:
    def __init__(self, data: dict[str, Any]) -> None:
        self.version = int(data["version"])
        self.evidence: tuple[EvidenceKind, ...] = tuple(
            EvidenceKind(
                id=e["id"], title=e["title"], what=e["what"], strong_looks_like=e["strong_looks_like"],
                weak_looks_like=e["weak_looks_like"], why=e["why"],
                strong=tuple(tuple(s) for s in e.get("strong", [])),
                weak=tuple(tuple(s) for s in e.get("weak", [])),
            )
            for e in data["evidence"]
        )
        self.libraries = tuple(
            Library(
                tag=x["tag"], reason=x["reason"], modules=tuple(x.get("modules", [])),
                dists=tuple(_norm(d) for d in x.get("dists", [])), npm=tuple(x.get("npm", [])),
                roles=tuple(x.get("in", ["code", "notebook"])), ml_code=bool(x.get("ml_code", False)),
            )
            for x in data.get("library", [])
        )
        self.patterns = tuple(
            Pattern(
                tag=x["tag"], reason=x["reason"], roles=tuple(x["in"]), regexes=tuple(x["regex"]),
                ignore_case=bool(x.get("ignore_case", False)), paths=tuple(x.get("paths", [])),
                ml_code=bool(x.get("ml_code", False)),
            )
            for x in data.get("pattern", [])
        )
        self.path_signals = tuple(
            PathSignal(tag=x["tag"], reason=x["reason"], globs=tuple(x["globs"])) for x in data.get("path", [])
        )
        self.memo: dict[str, Any] = dict(data.get("memo", {}))
        self.postmortem: dict[str, Any] = dict(data.get("postmortem", {}))
        rationale = self.memo.get("rationale", [])
        self.rationale = re.compile("|".join(f"(?:{r})" for r in rationale), re.I) if rationale else None
        self.experimental_dirs = frozenset(data.get("experimental_dirs", []))
        self.test_globs = tuple(data.get("test_globs", []))
        self.reasons: dict[str, str] = {}
        signals: list[Library | Pattern | PathSignal] = [*self.libraries, *self.patterns, *self.path_signals]
        for item in signals:
            self.reasons.setdefault(item.tag, item.reason)
        for lib in self.libraries:
            self.reasons.setdefault(f"{lib.tag}@listed", f"{lib.reason} (listed as a dependency, never imported)")
        self.reasons.update(data.get("derived_reasons", {}))
        self.ml_code_tags = frozenset(
            [lib.tag for lib in self.libraries if lib.ml_code] + [p.tag for p in self.patterns if p.ml_code]
        )
        # per role: patterns that apply to every file of the role, and those limited to some paths
        self._general: dict[str, RoleMatcher] = {}
        self._pathed: dict[str, list[Pattern]] = {}
        for role in ROLES:
            pats = [p for p in self.patterns if role in p.roles]
            self._general[role] = RoleMatcher([p for p in pats if not p.paths])
            self._pathed[role] = [p for p in pats if p.paths]
        self._pathed_cache: dict[tuple[str, tuple[int, ...]], RoleMatcher] = {}
        self._path_globs = [(re.compile(fnmatch.translate(g)), s) for s in self.path_signals for g in s.globs]
        self._test_globs = [re.compile(fnmatch.translate(g)) for g in self.test_globs]

    @property
    def evidence_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.evidence)

    def matcher(self, role: str, rel: str) -> RoleMatcher:
        """The matcher for a file of ``role`` at ``rel`` (path-limited patterns included when they apply)."""
        extra = tuple(i for i, p in enumerate(self._pathed[role]) if _path_matches(rel, p.paths))
        if not extra:
            return self._general[role]
        key = (role, extra)
        if key not in self._pathed_cache:
            pats = [p for p in self.patterns if role in p.roles and not p.paths]
            pats += [self._pathed[role][i] for i in extra]
            self._pathed_cache[key] = RoleMatcher(pats)
        return self._pathed_cache[key]

    def path_tags(self, rel: str) -> list[PathSignal]:
        seen: list[PathSignal] = []
        for rx, sig in self._path_globs:
            if sig not in seen and (rx.match(rel) or rx.match(rel.rsplit("/", 1)[-1])):
                seen.append(sig)
        return seen

    def is_test_path(self, rel: str) -> bool:
        return any(rx.match(rel) for rx in self._test_globs)

    def is_experimental(self, rel: str) -> bool:
        return any(part.lower() in self.experimental_dirs for part in rel.split("/")[:-1])

    def library_for_module(self, module: str) -> list[Library]:
        return [lib for lib in self.libraries if any(module == m or module.startswith(m + ".") for m in lib.modules)]

    def library_for_npm(self, package: str) -> list[Library]:
        return [lib for lib in self.libraries if any(_npm_match(package, n) for n in lib.npm)]

    def library_for_dist(self, dist: str) -> list[Library]:
        d = _norm(dist)
        return [lib for lib in self.libraries if d in lib.dists]


def _npm_match(package: str, rule: str) -> bool:
    return package == rule or package.startswith(rule) if rule.endswith("/") else package == rule


def _path_matches(rel: str, globs: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(rel, g) or fnmatch.fnmatchcase(name, g) for g in globs)


def load_rules_data(path: Path | None = None) -> dict[str, Any]:
    p = path or rules_dir() / "evidence.toml"
    return tomlread.loads(p.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def bundled_rules() -> Rules:
    return Rules(load_rules_data())
