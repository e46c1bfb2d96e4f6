"""Fit to a job posting: which loop it looks like, each stated requirement against the portfolio, and what to
build for it. The posting is read with the detectors' own knowledge — the prose patterns of the rules (the same
that read a README), the technology catalog (engine/rules/stack.toml) and its words for each evidence kind — so
one vocabulary serves both. Phrases that map to nothing are listed, never dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portfolio_check.model import STATUS_RANK, Location, RepoResult

MAX_POSTING = 256 * 1024
_BULLET = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,2}[.)])\s+(.+?)\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s|^\s*[A-Z][A-Za-z /&'-]{2,60}:\s*$")
#: the loop a posting leans to wins when its side counts this many times the other's
LEAN = 1.5


class PostingError(Exception):
    """A posting that cannot be read; the message is one line."""


@dataclass(frozen=True)
class Requirement:
    line: int
    text: str
    kinds: tuple[str, ...]
    techs: tuple[str, ...]
    words: tuple[str, ...]  # what in the text mapped it (for "the phrases that decided")


@dataclass(frozen=True)
class Backing:
    what: str  # an evidence kind or a technology
    is_tech: bool
    status: str  # strong | weak | missing (kinds); used | listed | missing (technologies)
    repo: str | None
    location: Location | None


@dataclass(frozen=True)
class RequirementFit:
    requirement: Requirement
    status: str  # met | weak | missing
    backing: tuple[Backing, ...]


@dataclass(frozen=True)
class JobFit:
    source: str
    loop: str  # ai-engineer | ml-engineer | mix
    ai: int
    ml: int
    deciding: tuple[str, ...]
    requirements: tuple[RequirementFit, ...]
    unmapped: tuple[Requirement, ...]
    missing_techs: tuple[str, ...]

    @property
    def mapped_share(self) -> float:
        total = len(self.requirements) + len(self.unmapped)
        return len(self.requirements) / total if total else 0.0

    @property
    def roles(self) -> tuple[str, ...]:
        return ("ai-engineer", "ml-engineer") if self.loop == "mix" else (self.loop,)


def read_posting(path: str) -> str:
    p = Path(path)
    try:
        if not p.is_file():
            raise PostingError(f"{path}: no such file" if not p.exists() else f"{path}: not a regular file")
        if p.stat().st_size > MAX_POSTING:
            raise PostingError(f"{path}: {p.stat().st_size} bytes; a job posting is at most {MAX_POSTING // 1024} KB "
                               "(save the posting's text, not the page)")
        data = p.read_bytes()
    except OSError as exc:
        raise PostingError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"\0" in data:
        raise PostingError(f"{path}: a binary file; give the posting as plain text or markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PostingError(f"{path}: not UTF-8 text; save the posting as UTF-8 plain text or markdown") from None
    if not text.strip():
        raise PostingError(f"{path}: empty; paste the posting's text into it")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def stated_requirements(text: str) -> list[tuple[int, str]]:
    """The posting's stated requirements: its bullet points; a posting without any gives its sentences."""
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        m = _BULLET.match(line)
        if m and len(m.group(1).split()) >= 2:
            out.append((n, m.group(1).strip("*_ ")))
    if out:
        return out
    for n, line in enumerate(text.split("\n"), start=1):
        if _HEADING.match(line):
            continue
        for sentence in re.split(r"(?<=[.;])\s+", line.strip()):
            if len(sentence.split()) >= 4:
                out.append((n, sentence))
    return out


def _word(w: str) -> re.Pattern[str]:
    """A word or phrase, whole, in any case, plural too ("postmortem" finds "postmortems")."""
    return re.compile(r"(?<![\w])" + re.escape(w.lower()) + r"(?:s|es)?(?![\w])")


@cache
def _vocabulary() -> tuple[list[tuple[re.Pattern[str], str, str]], list[tuple[re.Pattern[str], str, str]]]:
    """(word pattern, evidence kind, word) and (word pattern, technology, word), longest words first."""
    from portfolio_check.engine.structure.stack import catalog

    cat = catalog()
    kinds = sorted(((w, k) for k, words in cat.phrases for w in words), key=lambda x: -len(x[0]))
    techs = sorted(((w, t.name) for t in cat.techs for w in {t.name.lower(), *t.aliases}), key=lambda x: -len(x[0]))
    return [(_word(w), k, w) for w, k in kinds], [(_word(w), t, w) for w, t in techs]


@cache
def _tag_kinds() -> dict[str, tuple[str, ...]]:
    """Rule tag -> the evidence kinds it supports (from the kinds' strong and weak sets)."""
    from portfolio_check.engine.rules import bundled_rules

    out: dict[str, list[str]] = {}
    for kind in bundled_rules().evidence:
        for combo in (*kind.strong, *kind.weak):
            for tag in combo:
                out.setdefault(tag.split("@")[0], [])
                if kind.id not in out[tag.split("@")[0]]:
                    out[tag.split("@")[0]].append(kind.id)
    return {k: tuple(v) for k, v in out.items()}


def map_requirement(line: int, text: str) -> Requirement:
    from portfolio_check.engine.readers.views import markdown_views
    from portfolio_check.engine.rules import bundled_rules

    kinds: list[str] = []
    words: list[str] = []
    for match in bundled_rules().matcher("doc", "posting.md").find(markdown_views(text)):
        for kind in _tag_kinds().get(match.tag, ()):
            if kind not in kinds:
                kinds.append(kind)
                words.append(text[match.offset:match.offset + 40].split(".")[0].strip())
    low = text.lower()
    kind_words, tech_words = _vocabulary()
    for rx, kind, w in kind_words:
        if kind not in kinds and rx.search(low):
            kinds.append(kind)
            words.append(w)
    techs: list[str] = []
    for rx, tech, w in tech_words:
        if tech not in techs and rx.search(low):
            techs.append(tech)
            words.append(w)
    return Requirement(line, text, tuple(kinds), tuple(techs), tuple(dict.fromkeys(words)))


@cache
def _kind_sides() -> dict[str, str]:
    """Evidence kind -> ai | ml | both, from the weight each role's checklist gives it."""
    from portfolio_check.judge.checklists import bundled_checklists

    weights: dict[str, dict[str, float]] = {"ai-engineer": {}, "ml-engineer": {}}
    totals = {}
    for cl in bundled_checklists():
        if cl.id in weights:
            totals[cl.id] = sum(i.weight for i in cl.items) or 1.0
            for item in cl.items:
                for kind in item.evidence:
                    weights[cl.id][kind] = weights[cl.id].get(kind, 0.0) + item.weight
    out = {}
    for kind in set(weights["ai-engineer"]) | set(weights["ml-engineer"]):
        ai = weights["ai-engineer"].get(kind, 0.0) / totals["ai-engineer"]
        ml = weights["ml-engineer"].get(kind, 0.0) / totals["ml-engineer"]
        out[kind] = "ai" if ai > 1.25 * ml else "ml" if ml > 1.25 * ai else "both"
    return out


def _best_kind(kind: str, repos: list[RepoResult]) -> Backing:
    best: Backing = Backing(kind, False, "missing", None, None)
    for r in repos:
        f = r.finding(kind)
        if STATUS_RANK[f.status] > STATUS_RANK[best.status]:
            best = Backing(kind, False, f.status, r.name, f.locations[0] if f.locations else None)
    return best


def _best_tech(tech: str, repos: list[RepoResult]) -> Backing:
    best = Backing(tech, True, "missing", None, None)
    for r in repos:
        for t in r.stack:
            if t.name == tech and (t.status == "used" or best.status == "missing"):
                best = Backing(tech, True, t.status, r.name, t.location)
    return best


def fit(source: str, text: str, repos: list[RepoResult]) -> JobFit:
    from portfolio_check.engine.structure.stack import catalog

    cat = catalog()
    tech_side = {t.name: cat.group(t.group).side for t in cat.techs}
    sides = _kind_sides()
    mapped: list[RequirementFit] = []
    unmapped: list[Requirement] = []
    ai = ml = 0
    deciding: dict[str, list[str]] = {"ai": [], "ml": []}
    asked_techs: list[str] = []
    for line, sentence in stated_requirements(text):
        req = map_requirement(line, sentence)
        if not req.kinds and not req.techs:
            unmapped.append(req)
            continue
        leans = {sides.get(k, "both") for k in req.kinds} | {tech_side.get(t, "both") for t in req.techs}
        for side in ("ai", "ml"):
            if side in leans:
                deciding[side].extend(w for w in req.words[:2])
        ai += "ai" in leans
        ml += "ml" in leans
        backing = tuple([_best_kind(k, repos) for k in req.kinds] + [_best_tech(t, repos) for t in req.techs])
        asked_techs += [t for t in req.techs if t not in asked_techs]
        # every kind asked for must be shown; technologies of one group are alternatives ("pgvector, Qdrant or
        # Pinecone"): one of them used is enough
        groups: dict[str, bool] = {}
        for b in backing:
            if b.is_tech:
                g = next(t.group for t in cat.techs if t.name == b.what)
                groups[g] = groups.get(g, False) or b.status == "used"
        full = all(b.status == "strong" for b in backing if not b.is_tech) and all(groups.values())
        some = any(b.status != "missing" for b in backing)
        mapped.append(RequirementFit(req, "met" if full else "weak" if some else "missing", backing))
    loop = "ai-engineer" if ai >= LEAN * max(ml, 1) and ai > 0 else \
        "ml-engineer" if ml >= LEAN * max(ai, 1) and ml > 0 else "mix"
    lean = {"ai-engineer": "ai", "ml-engineer": "ml"}.get(loop)
    words = deciding[lean] if lean else deciding["ai"][:3] + deciding["ml"][:3]
    used = {t.name for r in repos for t in r.stack if t.status == "used"}
    return JobFit(source, loop, ai, ml, tuple(dict.fromkeys(words))[:8], tuple(mapped), tuple(unmapped),
                  tuple(t for t in asked_techs if t not in used))
