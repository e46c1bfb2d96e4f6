"""The detection knowledge, loaded from ``rules/evidence.toml``: the catalog, signals and how they combine.

Signals name libraries, file patterns and phrases; each one, when seen, raises a *tag* at a location. An evidence
kind is ``strong`` (or ``weak``) when every tag of one of its ``strong`` (or ``weak``) sets was raised. Nothing here
reads a scanned repository.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_check import tomlread
from portfolio_check.engine import hyper
from portfolio_check.engine.anchors import head_literals, head_starts_many, line_bound, required_literals
from portfolio_check.engine.budget import check as check_budget
from portfolio_check.engine.globs import GlobSet

if TYPE_CHECKING:
    from portfolio_check.engine.readers.views import Views

from portfolio_check.resources import rules_dir

ROLES = ("code", "test", "notebook", "doc", "output", "config", "ci", "executed")


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
    view: str = "text"  # which view of the file the regexes see (see readers/views.py)
    near: tuple[str, ...] = ()  # a match counts only with one of these within ``window`` lines
    not_near: tuple[str, ...] = ()  # ... and none of these
    window: int = 3


@dataclass(frozen=True)
class PathSignal:
    tag: str
    reason: str
    globs: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    """One accepted match: its tag, the offset where it starts, and the view it was found in."""

    tag: str
    offset: int
    reason: str = ""


@dataclass(frozen=True)
class _Entry:
    tag: str
    reason: str
    source: str
    multi: bool  # may span lines: searched over the whole view, not only the lines holding an anchor
    view: str
    near: re.Pattern[str] | None
    not_near: re.Pattern[str] | None
    window: int

    @property
    def ascii(self) -> bool:  # a pattern that spells only ASCII: its anchors can be found in a stand-in text
        return self.source.isascii()


class RoleMatcher:
    """The patterns of one file role. ``find`` returns the first accepted match of each tag in a file's views.

    A one-pass prefilter over the raw text (see anchors.py) picks the patterns that can match; each of those runs
    alone, on its own view, only on the lines holding its anchors (from the start for patterns that may span
    lines). A pattern with context (``near``/``not_near``) keeps looking until a match has the context it needs.
    """

    def __init__(self, patterns: list[Pattern]) -> None:
        from portfolio_check.engine.anchors import Prefilter

        self.entries: list[_Entry] = []
        for pat in patterns:
            near = _context(pat.near, pat.ignore_case)
            not_near = _context(pat.not_near, pat.ignore_case)
            for rx in pat.regexes:
                multi = "\\n" in rx.replace("[^\\n]", "") or "(?s" in rx or "\\s*\\n" in rx or "\\A" in rx
                self.entries.append(_Entry(pat.tag, pat.reason, _scoped(rx, pat.ignore_case), multi, pat.view, near,
                                           not_near, pat.window))
        self.prefilter = Prefilter(e.source for e in self.entries)
        self.spelled = [i for i, e in enumerate(self.entries) if not e.ascii]
        self.views_used = sorted({e.view for e in self.entries})
        #: the patterns on the raw text, with their literals, when they are few and all have ASCII literals
        raw_few = [(i, self.prefilter.literals[i]) for i, e in enumerate(self.entries) if e.view == "raw"]
        self._raw_few: list[tuple[int, frozenset[str]]] | None = [(i, lits) for i, lits in raw_few if lits] \
            if 0 < len(raw_few) < 3 and all(lits and all(lit.isascii() for lit in lits) for _, lits in raw_few) \
            else None
        self._ids: dict[str, frozenset[int]] = {}
        self._gate_of: list[int] = []
        self._ids_for: hyper.Gate | None = None

    def _gate_ids(self, gate: hyper.Gate) -> dict[str, frozenset[int]]:
        """Per view, the gate's ids of this role's patterns (computed once per gate)."""
        if self._ids_for is not gate:
            known = gate.index
            self._ids = {view: frozenset(known.get(e.source, hyper.UNKNOWN) for e in self.entries if e.view == view)
                         for view in self.views_used}
            self._gate_of = [known.get(e.source, hyper.UNKNOWN) for e in self.entries]
            self._ids_for = gate
        return self._ids

    def _anchorable(self, i: int, plain: bool, aligned: bool) -> bool:
        """Whether pattern ``i`` is searched only on the lines holding its anchors: a pattern that cannot see past
        a line, in an ASCII text; in a non-ASCII one (whose ASCII stand-in is ``aligned``, on a big scan where
        reading each pattern's parse tree pays) only if nothing but its anchors' lines can hold a match."""
        entry = self.entries[i]
        return not entry.multi and (plain or (aligned and entry.ascii and line_bound(entry.source)))

    def _allowed(self, i: int, possible: dict[str, frozenset[int] | None]) -> bool:
        """Whether the native gate (when one is active) lets pattern ``i`` through for its view's text."""
        gate = hyper.ACTIVE
        if gate is None:
            return True
        allowed = possible[self.entries[i].view]
        return allowed is None or gate.index.get(self.entries[i].source, hyper.UNKNOWN) in allowed

    def find(self, views: Views, skip: set[str] | frozenset[str] = frozenset()) -> list[Match]:
        """The first accepted match of every tag found, in rule order."""
        raw = views.raw
        if not self.entries or not raw:
            return []
        gate = hyper.ACTIVE
        possible: dict[str, frozenset[int] | None] = {}  # view -> regexes the native gate lets through
        lowered: str | None = None
        lowered_done = False
        if gate is not None:
            ids = self._gate_ids(gate)
            seen: dict[int, frozenset[int] | None] = {}
            for view in self.views_used:
                text = views.get(view)
                if id(text) in seen:
                    possible[view] = seen[id(text)]
                elif view == "raw" and self._raw_few is not None and all(
                        views.get(v) is not text for v in self.views_used if v != "raw"):
                    # one or two patterns read the raw text alone: their literals are a cheaper look than a gate
                    # pass (the lower-cased text is needed below anyway)
                    lowered, lowered_done = _lowered(raw), True
                    possible[view] = None if lowered is None else frozenset(
                        self._gate_of[i] for i, lits in self._raw_few if any(lit in lowered for lit in lits))
                else:
                    possible[view] = seen[id(text)] = gate.scan(text)
            if not any(allowed is None or not ids[view].isdisjoint(allowed) for view, allowed in possible.items()):
                return []  # no pattern of this role can match this file: no further look at it
        plain = raw.isascii()
        if not lowered_done:
            lowered = _lowered(raw)  # lower() keeps offsets only for ASCII text (or its ASCII stand-in)
        aligned = lowered is not None
        searched = lowered if lowered is not None else raw.lower()
        maybe = None if gate is None else [
            i for i, e in enumerate(self.entries)
            if e.tag not in skip and (possible[e.view] is None or self._gate_of[i] in possible[e.view])]  # type: ignore[operator]
        if maybe is not None and len(maybe) <= FEW_PATTERNS:
            cands = self.prefilter.candidates_of(searched, maybe, ANCHOR_CAP, frozenset(
                i for i in maybe if not self._anchorable(i, plain, aligned)))
        else:
            cands = self.prefilter.candidates(searched, ANCHOR_CAP)
        if not plain and aligned:  # a pattern spelling a non-ASCII character has no anchors in the stand-in
            for i in self.spelled:
                cands[i] = []
        # where each pattern that is not looked for on its anchors' lines may start, for all of them in one pass
        heads: dict[int, list[int] | None] = {}
        if lowered is not None:
            wanted = [i for i in sorted(cands) if self.entries[i].tag not in skip and self._allowed(i, possible)
                      and not self._anchorable(i, plain, aligned and gate is not None)]
            if wanted:
                every = head_starts_many(tuple(self.entries[i].source for i in wanted), lowered)
                heads = dict(zip(wanted, every, strict=True))
        found: dict[str, Match] = {}
        for i in sorted(cands):
            check_budget()
            entry = self.entries[i]
            if entry.tag in found or entry.tag in skip:
                continue
            text = views.get(entry.view)
            if not self._allowed(i, possible):
                continue  # this regex cannot match this text
            regex = _compiled(entry.source)
            # a non-ASCII text is searched whole, as it always was, unless (on a big scan, where reading each
            # pattern's parse tree pays) the pattern cannot see past a line: then the lines holding its anchors in
            # the ASCII stand-in are exactly where its matches can be
            anchored = self._anchorable(i, plain, aligned and gate is not None)
            starts = heads.get(i)
            found_at = _matches(regex, text, cands[i] if anchored else None) if starts is None else \
                _matches_at(regex, text, starts)
            for m in found_at:
                if _in_context(entry, text, m.start()):
                    g = m.group()  # a match may begin with the blank lines before it (^\s* in a rule)
                    found[entry.tag] = Match(entry.tag, m.start() + len(g) - len(g.lstrip()), entry.reason)
                    break
        return list(found.values())


ANCHOR_CAP = 64
#: when the native gate leaves this many patterns or fewer, their anchors are looked for one pattern at a time
FEW_PATTERNS = 6
_WEB_EXT = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".astro")
#: matches of one pattern examined in one file before it is judged absent (a bound on work, not on correctness
#: of the common case: real files have few matches of any one pattern)
MAX_TRIES = 50


def _lowered(text: str) -> str | None:
    """The lower-cased text the anchors are found in, offset for offset; None when no such text exists (non-ASCII
    text the stand-in cannot represent)."""
    if text.isascii():
        return text.lower()
    stood = hyper.stand_in(text)
    return None if stood is None else stood.lower()


@lru_cache(maxsize=1024)
def _context(patterns: tuple[str, ...], ignore_case: bool) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(_scoped(p, ignore_case) for p in patterns), re.MULTILINE)


def _in_context(entry: _Entry, text: str, offset: int) -> bool:
    if entry.near is None and entry.not_near is None:
        return True
    start, end = _line_window(text, offset, entry.window)
    window = text[start:end]
    lower = window.lower() if window.isascii() else None
    if entry.near is not None and (not _may_occur(entry.near, lower) or not _occurs(entry.near, text, start, end,
                                                                                 lower)):
        return False
    return entry.not_near is None or not _may_occur(entry.not_near, lower) \
        or not _occurs(entry.not_near, text, start, end, lower)


def _occurs(regex: re.Pattern[str], text: str, start: int, end: int, lower: str | None) -> bool:
    """Whether ``regex`` matches ``text`` between ``start`` and ``end`` (``lower``: that stretch lower-cased, if
    ASCII): tried only where a literal every match starts with occurs, when the pattern has such literals (a regex
    beginning with ``\\b`` or a choice of words is otherwise tried at every offset of the window)."""
    heads = head_literals(regex.pattern, False) if lower is not None else None
    if heads is None or lower is None:
        return regex.search(text, start, end) is not None
    offsets: set[int] = set()
    for head in heads:
        at = lower.find(head)
        while at >= 0:
            offsets.add(at)
            at = lower.find(head, at + 1)
    return any(regex.match(text, start + at, end) is not None for at in sorted(offsets))


def _may_occur(regex: re.Pattern[str], lower: str | None) -> bool:
    """False when none of the literals every match of ``regex`` holds is in ``lower`` (an ASCII text, lower-cased;
    None: cannot tell), so the search can be skipped."""
    if lower is None:
        return True
    lits = required_literals(regex.pattern)
    return lits is None or any(lit in lower for lit in lits)


def _line_window(text: str, offset: int, lines: int) -> tuple[int, int]:
    """Offsets of the ``lines`` lines before and after the line holding ``offset`` (that line included)."""
    start = offset
    for _ in range(lines + 1):
        start = text.rfind("\n", 0, start)
        if start < 0:
            start = 0
            break
    else:
        start += 1
    end = offset
    for _ in range(lines + 1):
        end = text.find("\n", end + 1)
        if end < 0:
            end = len(text)
            break
    return start, end


def _matches_at(regex: re.Pattern[str], text: str, starts: list[int], most: int | None = None
                ) -> Iterator[re.Match[str]]:
    """The matches ``regex.finditer(text)`` finds (the first ``most``, MAX_TRIES unless given), when every match
    starts at one of ``starts`` (sorted): tried only there (a regex that begins with a choice of words tries each
    of them at every offset of the text otherwise)."""
    most = MAX_TRIES if most is None else most
    tries = 0
    done = -1
    for pos in starts:
        if pos < done:
            continue
        m = regex.match(text, pos)
        if m is None:
            continue
        yield m
        tries += 1
        if tries >= most:
            return
        done = max(m.end(), pos + 1)


def _matches(regex: re.Pattern[str], text: str, anchors: list[int] | None) -> Iterator[re.Match[str]]:
    """Matches of ``regex``: on the lines holding an anchor when anchors are given, else over the whole text."""
    tries = 0
    if anchors is None or not anchors:
        for m in regex.finditer(text):
            yield m
            tries += 1
            if tries >= MAX_TRIES:
                return
        return
    checked_to = -1
    for pos in anchors:
        if pos < checked_to:
            continue
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        for m in regex.finditer(text, start, end):
            yield m
            tries += 1
            if tries >= MAX_TRIES:
                return
        checked_to = end
    if len(anchors) >= ANCHOR_CAP:  # more anchors than were kept: look at the rest of the text
        for m in regex.finditer(text, checked_to):
            yield m
            tries += 1
            if tries >= MAX_TRIES:
                return


@cache
def _compiled(source: str) -> re.Pattern[str]:
    """Compile a pattern the first time a file may match it (most never run on a given repository)."""
    return re.compile(source, re.MULTILINE)


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


class TermCounter:
    """Where the terms of several kinds occur in a whole text (rationale words, failure/cause/fix cues).

    A big alternation of words runs at about 1 MB/s in CPython's ``re``; instead one Aho-Corasick pass over the
    text (see anchors.py) finds the lines that can hold a term, and each kind's regex runs on those lines only.
    """

    def __init__(self, kinds: list[tuple[str, list[str], bool]]) -> None:
        from portfolio_check.engine.anchors import Prefilter

        self.kinds = [k for k, ps, _ in kinds if ps]
        self.sources = ["|".join(_scoped(p, ic) for p in ps) for _, ps, ic in kinds if ps]
        self.prefilter = Prefilter(self.sources)

    def offsets(self, text: str) -> dict[str, list[int]]:
        """Kind -> start offsets of its terms, in order."""
        out: dict[str, list[int]] = {k: [] for k in self.kinds}
        gate = hyper.ACTIVE
        allowed = gate.scan(text) if gate is not None else None
        known = gate.index if gate is not None else {}
        possible = [allowed is None or known.get(src, hyper.UNKNOWN) in allowed for src in self.sources]
        if not any(possible):
            return out  # none of the terms can occur in the text: no further look at it
        lowered = _lowered(text)
        aligned = lowered is not None
        # a kind whose terms stay on a line and start with known words is matched where those words occur (every
        # match of it is found that way; see _matches_at); the others look for their anchors' lines
        starts: dict[int, list[int]] = {}
        if lowered is not None:
            headed = [i for i, src in enumerate(self.sources) if possible[i] and src.isascii() and line_bound(src)]
            if headed:
                every = head_starts_many(tuple(self.sources[i] for i in headed), lowered, cut=False)
                starts = {i: found for i, found in zip(headed, every, strict=True) if found is not None}
        ids = [i for i, p in enumerate(possible) if p and i not in starts]
        if lowered is None or not ids:
            cands = {}
        elif len(ids) < len(possible):  # only the anchors of the kinds still to look for
            cands = self.prefilter.candidates_of(lowered, ids, cap=1 << 30)
        else:
            cands = self.prefilter.candidates(lowered, cap=1 << 30)
        if lowered is not None and not text.isascii():  # a pattern spelling non-ASCII: no anchors in the stand-in
            for i, src in enumerate(self.sources):
                if not src.isascii():
                    cands[i] = []
        for i, kind in enumerate(self.kinds):
            if not possible[i]:
                continue  # none of this kind's terms can occur in the text
            regex = _compiled(self.sources[i])
            if i in starts:
                out[kind] = [m.start() for m in _matches_at(regex, text, starts[i], most=1 << 62)]
                continue
            if not aligned or i not in cands or not cands[i]:
                if not aligned or (i in cands and not cands[i]):  # no anchors: the whole text
                    out[kind] = [m.start() for m in regex.finditer(text)]
                continue
            done = -1
            for pos in cands[i]:
                if pos < done:
                    continue
                start = text.rfind("\n", 0, pos) + 1
                end = text.find("\n", pos)
                end = len(text) if end < 0 else end
                out[kind].extend(m.start() for m in regex.finditer(text, start, end))
                done = end
        return out


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
                ml_code=bool(x.get("ml_code", False)), view=str(x.get("view", "text")),
                near=tuple(x.get("near", [])), not_near=tuple(x.get("not_near", [])), window=int(x.get("window", 3)),
            )
            for x in data.get("pattern", [])
        )
        self.path_signals = tuple(
            PathSignal(tag=x["tag"], reason=x["reason"], globs=tuple(x["globs"])) for x in data.get("path", [])
        )
        from portfolio_check.engine.provenance import Provenance, ProvenanceRule

        self.provenance = Provenance([
            ProvenanceRule(cls=x["class"], reason=x["reason"], globs=tuple(x.get("globs", [])),
                           content=tuple(re.compile(_scoped(c, False), re.M) for c in x.get("content", [])))
            for x in data.get("provenance", [])
        ])
        self.memo: dict[str, Any] = dict(data.get("memo", {}))
        self.postmortem: dict[str, Any] = dict(data.get("postmortem", {}))
        self.writeup_terms = TermCounter([("rationale", list(self.memo.get("rationale", [])), True)] + [
            (k, list(self.postmortem.get(k, [])), False) for k in ("failure", "cause", "fix")])
        self.vetoes: tuple[tuple[str, str], ...] = tuple((x["tag"], x["by"]) for x in data.get("veto", []))
        self.experimental_dirs = frozenset(data.get("experimental_dirs", []))
        self._libs: tuple[dict[str, list[int]], dict[str, list[int]], list[tuple[str, int]],
                          dict[str, list[int]]] | None = None
        self._experimental_folders: dict[str, bool] = {}
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
        self._pathed_cache: dict[tuple[str, tuple[int, ...], bool], RoleMatcher] = {}
        # "does any of them apply?" as one regex each: most paths need no closer look
        self._signal_globs, self._signal_of = _owned_globs([sig.globs for sig in self.path_signals])
        self._pathed_globs = {role: _owned_globs([p.paths for p in pats]) for role, pats in self._pathed.items()}
        self._test_globs = GlobSet(self.test_globs, by_name=False, ignore_case=False)

    def regex_sources(self) -> list[str]:
        """Every regex the matchers prefilter by its anchors (for rules/anchors.json)."""
        sources = [_scoped(rx, p.ignore_case) for p in self.patterns for rx in p.regexes]
        return sorted(set(sources + self.writeup_terms.sources))

    @property
    def evidence_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.evidence)

    def matcher(self, role: str, rel: str) -> RoleMatcher:
        """The matcher for a file of ``role`` at ``rel`` (path-limited patterns included when they apply).

        Patterns of ML code (training, metrics, error analysis) read Python and notebooks: in JavaScript or
        TypeScript the same words name UI components and API fields (a ``PerformanceMetrics.tsx`` panel is not
        error analysis)."""
        globs, owner = self._pathed_globs[role]
        extra = tuple(sorted({owner[i] for i in globs.matching(rel)}))
        web = rel.lower().endswith(_WEB_EXT)
        if not extra and not web:
            return self._general[role]
        key = (role, extra, web)
        if key not in self._pathed_cache:
            pats = [p for p in self.patterns if role in p.roles and not p.paths]
            pats += [self._pathed[role][i] for i in extra]
            if web:
                pats = [p for p in pats if not p.ml_code]
            self._pathed_cache[key] = RoleMatcher(pats)
        return self._pathed_cache[key]

    def path_tags(self, rel: str) -> list[PathSignal]:
        return [self.path_signals[i] for i in sorted({self._signal_of[g] for g in self._signal_globs.matching(rel)})]

    def is_test_path(self, rel: str) -> bool:
        return self._test_globs.any(rel)

    def is_experimental(self, rel: str) -> bool:
        folder = rel.rpartition("/")[0]
        found = self._experimental_folders.get(folder)
        if found is None:  # once per folder: a big repository asks for every file
            if len(self._experimental_folders) > 50_000:
                self._experimental_folders.clear()
            found = self._experimental_folders[folder] = any(
                part.lower() in self.experimental_dirs for part in folder.split("/") if part)
        return found

    def _library_index(self) -> tuple[dict[str, list[int]], dict[str, list[int]], list[tuple[str, int]],
                                      dict[str, list[int]]]:
        """Libraries by module, by npm name (and npm prefixes ending in "/"), by distribution: a big repository
        asks for hundreds of modules, each once."""
        if self._libs is None:
            modules: dict[str, list[int]] = {}
            npm: dict[str, list[int]] = {}
            prefixes: list[tuple[str, int]] = []
            dists: dict[str, list[int]] = {}
            for i, lib in enumerate(self.libraries):
                for m in lib.modules:
                    modules.setdefault(m, []).append(i)
                for n in lib.npm:
                    if n.endswith("/"):
                        prefixes.append((n, i))
                    else:
                        npm.setdefault(n, []).append(i)
                for d in lib.dists:
                    dists.setdefault(d, []).append(i)
            self._libs = (modules, npm, prefixes, dists)
        return self._libs

    def _picked(self, found: set[int]) -> list[Library]:
        return [self.libraries[i] for i in sorted(found)]

    def library_for_module(self, module: str) -> list[Library]:
        """Libraries whose modules are ``module`` or a package it is in (``sklearn`` for ``sklearn.metrics``)."""
        modules = self._library_index()[0]
        found: set[int] = set(modules.get(module, ()))
        dot = module.find(".")
        while dot > 0:
            found.update(modules.get(module[:dot], ()))
            dot = module.find(".", dot + 1)
        return self._picked(found)

    def library_for_npm(self, package: str) -> list[Library]:
        _, npm, prefixes, _ = self._library_index()
        found = set(npm.get(package, ()))
        found.update(i for rule, i in prefixes if _npm_match(package, rule))
        return self._picked(found)

    def library_for_dist(self, dist: str) -> list[Library]:
        return self._picked(set(self._library_index()[3].get(_norm(dist), ())))


def _npm_match(package: str, rule: str) -> bool:
    return package == rule or package.startswith(rule) if rule.endswith("/") else package == rule


def _owned_globs(lists: list[tuple[str, ...]]) -> tuple[GlobSet, list[int]]:
    """One glob set for the globs of many rules, and the rule each glob belongs to (matched against a path or a
    name; case is ignored, as on the file systems a portfolio comes from: ``dockerfile``, ``README.MD``)."""
    globs = [g for lst in lists for g in lst]
    owner = [i for i, lst in enumerate(lists) for _ in lst]
    return GlobSet(globs), owner


def load_rules_data(path: Path | None = None) -> dict[str, Any]:
    p = path or rules_dir() / "evidence.toml"
    return tomlread.loads(p.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def bundled_rules() -> Rules:
    return Rules(load_rules_data())
