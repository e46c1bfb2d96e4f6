"""Verdicts: a portfolio (every repository of one scan) judged against role checklists.

The score, defined here and only here (the README documents it):

* an item is ``met`` when its evidence reaches the item's level (``any``: the best listed kind; ``all``: every
  listed kind), ``partial`` when some of it is present but not at that level, ``gap`` otherwise; evidence is the
  best found in any repository, or only in repositories playing the item's ``artifact`` when it names one;
* credit: met 1, partial 0.5, gap 0; a waived item leaves both sums (a role with every item waived scores 0);
* score = 100 × Σ(weight × credit) / Σ(weight), minus the checklist's ``notebook_only_penalty`` when the
  portfolio's training code lives only in notebooks; clamped to 0..100, rounded to one decimal;
* an item's ``gain`` is the score it would add if met, so gaps are ordered by what closes the most score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portfolio_check.judge.checklists import Checklist, Item
from portfolio_check.model import STATUS_RANK, Finding, RepoResult

CREDIT = {"met": 1.0, "partial": 0.5, "gap": 0.0}


@dataclass(frozen=True)
class Waiver:
    item: str
    reason: str
    until: date | None = None


@dataclass(frozen=True)
class Found:
    repo: str
    finding: Finding


@dataclass(frozen=True)
class ItemVerdict:
    item: Item
    status: str  # met | partial | gap | waived
    found: tuple[Found, ...]
    gain: float
    note: str | None = None
    waiver: Waiver | None = None


@dataclass(frozen=True)
class RoleVerdict:
    checklist: Checklist
    score: float
    items: tuple[ItemVerdict, ...]
    notes: tuple[str, ...]

    def gaps(self) -> list[ItemVerdict]:
        """Items not met, the ones that close the most score first."""
        todo = [v for v in self.items if v.status in ("gap", "partial")]
        order = {v.item.id: i for i, v in enumerate(self.items)}
        return sorted(todo, key=lambda v: (-v.gain, order[v.item.id]))


def _best(repos: list[RepoResult], evidence_id: str) -> Found | None:
    best: Found | None = None
    for repo in repos:
        f = repo.finding(evidence_id)
        if f.status == "missing":
            continue
        if best is None or STATUS_RANK[f.status] > STATUS_RANK[best.finding.status]:
            best = Found(repo.name, f)
    return best


def judge_item(item: Item, repos: list[RepoResult]) -> tuple[str, tuple[Found, ...], str | None]:
    note = None
    pool = repos
    if item.artifact:
        pool = [r for r in repos if r.artifact == item.artifact]
        if not pool:
            return "gap", (), f"no repository plays the {item.artifact.replace('_', ' ')} artifact"
    found = [f for f in (_best(pool, ev) for ev in item.evidence) if f is not None]
    need = STATUS_RANK[item.level]
    ranks = [STATUS_RANK[f.finding.status] for f in found]
    if item.match == "all":
        all_there = len(found) == len(item.evidence) and min(ranks) >= need
        status = "met" if all_there else ("partial" if found else "gap")
    else:
        top = max(ranks, default=0)
        status = "met" if top >= need else ("partial" if top else "gap")
    if item.match == "any" and found:  # show the best one first
        found.sort(key=lambda f: -STATUS_RANK[f.finding.status])
    return status, tuple(found), note


def _notebook_only_portfolio(repos: list[RepoResult]) -> bool:
    """Training is shown, and only by notebook-only repositories."""
    trains = [r for r in repos if r.finding("training").status == "strong"]
    return bool(trains) and all(r.notebook_only for r in trains)


def judge_role(checklist: Checklist, repos: list[RepoResult], waivers: dict[str, Waiver] | None = None,
               today: date | None = None) -> RoleVerdict:
    waivers = waivers or {}
    today = today or date.today()
    raw: list[tuple[Item, str, tuple[Found, ...], str | None, Waiver | None]] = []
    notes: list[str] = []
    for item in checklist.items:
        status, found, note = judge_item(item, repos)
        waiver = waivers.get(item.id)
        if waiver is not None:
            if waiver.until is not None and waiver.until < today:
                note = f"waiver expired on {waiver.until.isoformat()} ({waiver.reason}); counted again"
                waiver = None
            elif status != "met":
                status = "waived"
        raw.append((item, status, found, note, waiver))
    total = sum(i.weight for i, s, *_ in raw if s != "waived")
    earned = sum(i.weight * CREDIT[s] for i, s, *_ in raw if s != "waived")
    score = 100.0 * earned / total if total else 0.0
    if not total:
        notes.append("every item is waived: nothing is left to score")
    if checklist.notebook_only_penalty and _notebook_only_portfolio(repos):
        score -= checklist.notebook_only_penalty
        notes.append(f"-{checklist.notebook_only_penalty:g}: the training code is only in notebooks; "
                     "hiring managers want a pipeline, not only a notebook")
    score = round(min(100.0, max(0.0, score)), 1)
    verdicts = tuple(
        ItemVerdict(item, status, found,
                    round(100.0 * item.weight * (1 - CREDIT[status]) / total, 1)
                    if total and status in ("gap", "partial") else 0.0,
                    note, waiver)
        for item, status, found, note, waiver in raw
    )
    return RoleVerdict(checklist, score, verdicts, tuple(notes))


def judge(checklists: tuple[Checklist, ...], repos: list[RepoResult], roles: tuple[str, ...] = (),
          waivers: dict[str, Waiver] | None = None, today: date | None = None) -> list[RoleVerdict]:
    chosen = [c for c in checklists if not roles or c.id in roles]
    return [judge_role(c, repos, waivers, today) for c in chosen]


def closest_role(verdicts: list[RoleVerdict]) -> str | None:
    if not verdicts:
        return None
    return max(verdicts, key=lambda v: v.score).checklist.id  # max keeps the first of equal scores
