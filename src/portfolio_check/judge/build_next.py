"""Build next: one ranked list of actions, each one piece of evidence to add or to raise, in one repository.

Every open item (a gap, or a partial) of every role that counts proposes the action that would meet it: for an item
met by any of several kinds, raise the kind that is closest already (weak before missing, then the order the item
lists); for an item that needs all of its kinds, each kind still short of the level, sharing the item's gain. An
action lands in the repository that plays the item's artifact, or where the evidence already is, or the
repository whose kind of project the evidence belongs to. Actions that several items propose are one action:
its gain is summed over every role, so a piece of evidence four roles want outranks a bigger gain in one.

Which roles count: with a target role, that role alone; without one, every selected role that is not complete.
Nothing here reads a file; it works on verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from portfolio_check.judge.verdict import ItemVerdict, RoleVerdict
from portfolio_check.model import STATUS_RANK, RepoResult

#: where evidence belongs when no repository shows it yet: the artifact that needs it
HOME_ARTIFACT = {
    "retrieval": "ai_application", "tool_use": "ai_application", "failure_handling": "ai_application",
    "ux": "ai_application", "evals": "ai_application", "latency_cost": "ai_application",
    "training": "model_project", "data_pipeline": "model_project", "error_analysis": "model_project",
    "drift_checks": "model_project", "baselines": "model_project", "serving": "model_project",
    "monitoring": "model_project", "tech_memo": "tech_memo", "postmortem": "model_project",
    "tests_ci": "ai_application",
}


@dataclass(frozen=True)
class RoleGain:
    role: str
    role_title: str
    item: str
    item_title: str
    gain: float


@dataclass(frozen=True)
class Action:
    evidence: str
    repo: str | None  # None: no repository fits; start one (the artifact says which kind)
    artifact: str | None
    current: str  # missing | weak
    target: str  # weak | strong
    gains: tuple[RoleGain, ...]
    why: str
    advice: str

    @property
    def gain(self) -> float:
        return round(sum(g.gain for g in self.gains), 1)

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g.role for g in self.gains))

    def per_role(self) -> list[tuple[str, str, float]]:
        """(role id, role title, points) for each role the action lifts, items of one role added up."""
        totals: dict[str, float] = {}
        titles: dict[str, str] = {}
        for g in self.gains:
            totals[g.role] = round(totals.get(g.role, 0.0) + g.gain, 1)
            titles[g.role] = g.role_title
        return [(r, titles[r], p) for r, p in totals.items()]


def counted_roles(verdicts: list[RoleVerdict], target: str | None) -> list[RoleVerdict]:
    if target:
        return [rv for rv in verdicts if rv.checklist.id == target]
    return [rv for rv in verdicts if rv.gaps()]


def build_next(verdicts: list[RoleVerdict], repos: list[RepoResult], target: str | None = None,
               why_by_kind: dict[str, str] | None = None) -> list[Action]:
    """The ranked actions (biggest summed gain first; ties in catalog order of the evidence, then by repository)."""
    why_by_kind = why_by_kind or {}
    proposals: dict[tuple[str, str | None], list[tuple[RoleVerdict, ItemVerdict, float, str, str | None]]] = {}
    for rv in counted_roles(verdicts, target):
        for v in rv.gaps():
            for kind, share in _kinds_to_raise(v, repos):
                repo, artifact = _where(v, kind, repos)
                proposals.setdefault((kind, repo), []).append((rv, v, share, v.item.level, artifact))
    order = {k: i for i, k in enumerate(HOME_ARTIFACT)}
    actions = []
    for (kind, repo), items in proposals.items():
        gains = tuple(RoleGain(rv.checklist.id, rv.checklist.title, v.item.id, v.item.title, round(v.gain * share, 1))
                      for rv, v, share, _, _ in items)
        best = max(items, key=lambda x: x[1].gain * x[2])
        target_level = "strong" if any(level == "strong" for *_, level, _ in items) else "weak"
        current = _status(repos, repo, kind)
        actions.append(Action(kind, repo, best[4], current, target_level, gains,
                              best[1].item.source.claim or why_by_kind.get(kind, ""), best[1].item.advice))
    actions.sort(key=lambda a: (-a.gain, order.get(a.evidence, 99), a.repo or ""))
    return [a for a in actions if a.gain > 0]


def _status(repos: list[RepoResult], repo: str | None, kind: str) -> str:
    for r in repos:
        if r.name == repo:
            return r.finding(kind).status
    return "missing"


def _pool(v: ItemVerdict, repos: list[RepoResult]) -> list[RepoResult]:
    return [r for r in repos if not v.item.artifact or r.artifact == v.item.artifact]


def _kinds_to_raise(v: ItemVerdict, repos: list[RepoResult]) -> list[tuple[str, float]]:
    """The evidence kinds whose raising meets the item, with the share of its gain each one earns."""
    need = STATUS_RANK[v.item.level]
    pool = _pool(v, repos)
    best = {k: max((STATUS_RANK[r.finding(k).status] for r in pool), default=0) for k in v.item.evidence}
    short = [k for k in v.item.evidence if best[k] < need]
    if not short:
        return []
    if v.item.match == "all":
        return [(k, 1.0 / len(short)) for k in short]
    closest = max(short, key=lambda k: (best[k], -v.item.evidence.index(k)))
    return [(closest, 1.0)]


def _where(v: ItemVerdict, kind: str, repos: list[RepoResult]) -> tuple[str | None, str | None]:
    """The repository to add the evidence to, and the artifact it should play."""
    artifact = v.item.artifact or HOME_ARTIFACT.get(kind)
    pool = _pool(v, repos)
    if v.item.artifact and not pool:
        return None, v.item.artifact
    shown = [r for r in pool if r.finding(kind).status != "missing"]
    if shown:  # raise it where it already is (the strongest first)
        return max(shown, key=lambda r: STATUS_RANK[r.finding(kind).status]).name, artifact
    fitting = [r for r in pool if r.artifact == artifact]
    if fitting:
        return fitting[0].name, artifact
    playing = [r for r in pool if r.artifact != "none"] or pool
    return (playing[0].name if playing else None), artifact
