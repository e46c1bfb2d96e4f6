"""Progress since an earlier JSON report: score deltas per role, items and evidence that moved."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from portfolio_check.judge.verdict import RoleVerdict
from portfolio_check.model import STATUS_RANK, RepoResult

ITEM_RANK = {"gap": 0, "partial": 1, "met": 2, "waived": 2}


class CompareError(Exception):
    """The earlier report cannot be read."""


@dataclass(frozen=True)
class Change:
    what: str  # an item id, or "repo: evidence id"
    title: str
    old: str
    new: str


@dataclass(frozen=True)
class RoleChange:
    role: str
    old_score: float | None
    new_score: float
    improved: tuple[Change, ...]
    regressed: tuple[Change, ...]

    @property
    def delta(self) -> float | None:
        return None if self.old_score is None else round(self.new_score - self.old_score, 1)


@dataclass(frozen=True)
class Comparison:
    source: str
    roles: tuple[RoleChange, ...]
    evidence: tuple[Change, ...]  # evidence that changed level, per repository


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def load_old(path: str) -> dict[str, Any]:
    """An earlier JSON report, read within the size limit and checked field by field (wrong types are errors)."""
    from portfolio_check.safeio import COMPARE_LIMIT, UnsafeFile, read_text_capped

    try:
        data = json.loads(read_text_capped(path, COMPARE_LIMIT), parse_constant=_no_constant)
    except FileNotFoundError:
        raise CompareError(f"{path}: no such file") from None
    except UnsafeFile as exc:
        raise CompareError(f"{path}: refused: {exc}") from None
    except RecursionError:
        raise CompareError(f"{path}: not a portfolio-check JSON report (nested too deeply)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CompareError(f"{path}: not a portfolio-check JSON report ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("repos"), list):
        raise CompareError(f"{path}: not a portfolio-check JSON report (no 'repos' list)")
    problem = _report_problem(data)
    if problem:
        raise CompareError(f"{path}: not a portfolio-check JSON report ({problem})")
    return data


def _field_problem(obj: Any, where: str, key: str, ok: Any, what: str) -> str | None:
    if not isinstance(obj, dict):
        return f"{where}: must be an object"
    return None if ok(obj.get(key)) else f"{where}.{key}: must be {what}"


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_score(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 100  # NaN and inf fail too


def _report_problem(data: dict[str, Any]) -> str | None:
    """The first field the comparison reads that has the wrong type or value, as ``where: must be ...``."""
    statuses, item_statuses = set(STATUS_RANK), set(ITEM_RANK)
    for i, repo in enumerate(data["repos"]):
        where = f"repos[{i}]"
        problem = _field_problem(repo, where, "name", _is_str, "a string") or \
            _field_problem(repo, where, "evidence", lambda v: isinstance(v, list), "a list")
        if problem:
            return problem
        for j, ev in enumerate(repo["evidence"]):
            problem = _field_problem(ev, f"{where}.evidence[{j}]", "id", _is_str, "a string") or \
                _field_problem(ev, f"{where}.evidence[{j}]", "status", lambda v: _is_str(v) and v in statuses,
                               "one of " + ", ".join(STATUS_RANK))
            if problem:
                return problem
    roles = data.get("roles", [])
    if not isinstance(roles, list):
        return "roles: must be a list"
    for i, role in enumerate(roles):
        where = f"roles[{i}]"
        problem = _field_problem(role, where, "id", _is_str, "a string") or \
            _field_problem(role, where, "score", _is_score, "a number from 0 to 100") or \
            _field_problem(role, where, "items", lambda v: isinstance(v, list), "a list")
        if problem:
            return problem
        for j, item in enumerate(role["items"]):
            problem = _field_problem(item, f"{where}.items[{j}]", "id", _is_str, "a string") or \
                _field_problem(item, f"{where}.items[{j}]", "status", lambda v: _is_str(v) and v in item_statuses,
                               "one of " + ", ".join(ITEM_RANK))
            if problem:
                return problem
    return None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def compare(old: dict[str, Any], source: str, repos: list[RepoResult], verdicts: list[RoleVerdict]) -> Comparison:
    old_roles = {r.get("id"): r for r in _list(old.get("roles")) if isinstance(r, dict)}
    roles = []
    for rv in verdicts:
        prev = old_roles.get(rv.checklist.id)
        prev_items = {i.get("id"): i.get("status") for i in _list((prev or {}).get("items")) if isinstance(i, dict)}
        up: list[Change] = []
        down: list[Change] = []
        for v in rv.items:
            before = prev_items.get(v.item.id)
            if before is None or before == v.status:
                continue
            ch = Change(v.item.id, v.item.title, str(before), v.status)
            (up if ITEM_RANK.get(v.status, 0) > ITEM_RANK.get(str(before), 0) else down).append(ch)
        old_score = prev.get("score") if prev else None
        roles.append(RoleChange(rv.checklist.id, float(old_score) if isinstance(old_score, int | float) else None,
                                rv.score, tuple(up), tuple(down)))
    old_ev = {}
    for r in _list(old.get("repos")):
        for e in _list(r.get("evidence")) if isinstance(r, dict) else []:
            if isinstance(e, dict):
                old_ev[(r.get("name"), e.get("id"))] = e.get("status")
    changes = []
    for repo in repos:
        for f in repo.evidence:
            before = old_ev.get((repo.name, f.id))
            if before in STATUS_RANK and before != f.status:
                changes.append(Change(f"{repo.name}: {f.id}", f.id, str(before), f.status))
    return Comparison(source, tuple(roles), tuple(changes))


def comparison_dict(c: Comparison) -> dict[str, Any]:
    def ch(x: Change) -> dict[str, str]:
        return {"id": x.what, "title": x.title, "old": x.old, "new": x.new}

    return {
        "against": c.source,
        "roles": [{"id": r.role, "old_score": r.old_score, "new_score": r.new_score, "delta": r.delta,
                   "improved": [ch(x) for x in r.improved], "regressed": [ch(x) for x in r.regressed]}
                  for r in c.roles],
        "evidence": [ch(x) for x in c.evidence],
    }


def summary_lines(c: Comparison) -> list[str]:
    """One line per role, e.g. ``ml-engineer 60 -> 72 (+12): evals now met; regressed: ux now partial``."""
    out = []
    for r in c.roles:
        if r.old_score is None:
            out.append(f"{r.role}: {r.new_score:g} (new in this report)")
            continue
        sign = "+" if (r.delta or 0) >= 0 else ""
        parts = [f"{r.role} {r.old_score:g} -> {r.new_score:g} ({sign}{r.delta:g})"]
        if r.improved:
            parts.append("improved: " + ", ".join(f"{x.title} now {x.new}" for x in r.improved))
        if r.regressed:
            parts.append("regressed: " + ", ".join(f"{x.title} now {x.new}" for x in r.regressed))
        out.append("; ".join(parts))
    if c.evidence:
        out.append("evidence: " + ", ".join(f"{x.what} now {x.new} (was {x.old})" for x in c.evidence))
    return out


def regressions(c: Comparison) -> list[str]:
    """What moved down since the earlier report, per judged role: a lower score, and each item that lost level
    (``ml-engineer 72 -> 63.5 (-8.5): Drift detection met -> gap``); empty when nothing did."""
    out = []
    for r in c.roles:
        dropped = r.delta is not None and r.delta < 0
        if not dropped and not r.regressed:
            continue
        head = f"{r.role} {r.old_score:g} -> {r.new_score:g} ({r.delta:+g})" if r.delta is not None else r.role
        items = ", ".join(f"{x.title} {x.old} -> {x.new}" for x in r.regressed)
        out.append(head + (f": {items}" if items else ""))
    return out
