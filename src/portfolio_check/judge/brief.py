"""The interview brief: for each signal a role's interview loop tests (data: checklists/interview/<role>.toml), the
proof in the candidate's repositories that answers it, the follow-up questions to expect, and a plain "cannot back
this yet" with what to build or prepare; and per repository a past-project review card built only from text found
in the repositories (numbers are quoted where they stand, never computed or invented).

Nothing here reads a file: it works on scan results and the bundled data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from portfolio_check import tomlread
from portfolio_check.judge.checklists import Source, cite
from portfolio_check.model import STATUS_RANK, Location, RepoResult
from portfolio_check.resources import data_dir

ROLES_WITH_LOOPS = ("ai-engineer", "ml-engineer")
_NUMBER = re.compile(r"\d")


@dataclass(frozen=True)
class Signal:
    id: str
    title: str
    evidence: tuple[str, ...]
    source: Source
    questions: tuple[str, ...]
    prepare: str


@dataclass(frozen=True)
class Loop:
    role: str
    title: str
    description: str
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class Proof:
    repo: str
    evidence: str
    status: str
    locations: tuple[Location, ...]


@dataclass(frozen=True)
class SignalBrief:
    signal: Signal
    status: str  # strong (backed) | weak (partly backed) | missing (cannot back yet)
    proof: tuple[Proof, ...]
    build: str  # what to build when the proof is weak or missing ("" when backed)


@dataclass(frozen=True)
class Quote:
    """Text found in a repository, shown as it stands, with where it stands."""

    repo: str
    location: Location


@dataclass(frozen=True)
class ReviewCard:
    repo: RepoResult
    what: str
    stack: tuple[str, ...]
    headline: tuple[Quote, ...]  # lines with numbers from evals, baselines, latency and cost
    failed: tuple[Quote, ...]  # from a postmortem
    next_time: tuple[Quote, ...]  # from a memo


@dataclass(frozen=True)
class Brief:
    loops: tuple[tuple[Loop, tuple[SignalBrief, ...]], ...]
    cards: tuple[ReviewCard, ...]
    fit: Any = None  # a JobFit when a posting was given


@cache
def load_loop(role: str) -> Loop:
    path = data_dir("checklists") / "interview" / f"{role}.toml"
    data = tomlread.loads(path.read_text(encoding="utf-8"))
    signals = tuple(Signal(s["id"], s["title"], tuple(s["evidence"]), Source(s["source"]["file"], s["source"]["claim"]),
                           tuple(s["questions"]), s["prepare"]) for s in data["signal"])
    return Loop(data["role"], data["title"], data.get("description", ""), signals)


def _advice(kind: str) -> str:
    from portfolio_check.engine.rules import bundled_rules

    k = next((k for k in bundled_rules().evidence if k.id == kind), None)
    return f"{k.title}: {k.strong_looks_like}" if k else kind


def signal_brief(signal: Signal, repos: list[RepoResult]) -> SignalBrief:
    proof = []
    for repo in repos:
        for kind in signal.evidence:
            f = repo.finding(kind)
            if f.status != "missing":
                proof.append(Proof(repo.name, kind, f.status, f.locations[:2]))
    # the signal's first kind is what the interviewer asks about; the others are supporting proof
    proof.sort(key=lambda p: (signal.evidence.index(p.evidence), -STATUS_RANK[p.status], p.repo))
    primary = signal.evidence[0]
    best = max((p.status for p in proof if p.evidence == primary), key=STATUS_RANK.__getitem__, default="missing")
    build = "" if best == "strong" else _advice(primary)
    return SignalBrief(signal, best, tuple(proof[:4]), build)


def _quotes(repo: RepoResult, kinds: tuple[str, ...], numbers: bool, limit: int = 2) -> tuple[Quote, ...]:
    out: list[Quote] = []
    for kind in kinds:
        f = repo.finding(kind)
        for loc in f.locations:
            if not loc.text or (numbers and not _NUMBER.search(loc.text)):
                continue
            if any(q.location.path == loc.path and q.location.line == loc.line for q in out):
                continue
            out.append(Quote(repo.name, loc))
            if len(out) >= limit:
                return tuple(out)
    return tuple(out)


_WHAT = {"ai_application": "an AI application", "model_project": "a model project", "tech_memo": "a technical memo",
         "none": "a project the scan could not place as one of the three bridge artifacts"}


def review_card(repo: RepoResult) -> ReviewCard:
    shown = [f.id for f in repo.evidence if f.status == "strong"]
    what = _WHAT[repo.artifact] + (f", showing {', '.join(shown[:6])} strongly" if shown else "")
    stack = tuple(t.name for t in repo.stack if t.status == "used")
    return ReviewCard(repo, what, stack,
                      headline=_quotes(repo, ("evals", "baselines", "latency_cost"), numbers=True),
                      failed=_quotes(repo, ("postmortem",), numbers=False),
                      next_time=_quotes(repo, ("tech_memo",), numbers=False))


def build_brief(repos: list[RepoResult], roles: tuple[str, ...] = ROLES_WITH_LOOPS, fit: Any = None) -> Brief:
    loops = []
    for role in roles:
        loop = load_loop(role)
        loops.append((loop, tuple(signal_brief(s, repos) for s in loop.signals)))
    return Brief(tuple(loops), tuple(review_card(r) for r in repos), fit)


def source_title(signal: Signal) -> str:
    return cite(signal.source)
