"""The JSON report: a plain, deterministic dict built from scan results (schema: schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from portfolio_check import __version__
from portfolio_check.model import Location, RepoResult

SCHEMA_VERSION = 1


def location_dict(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"path": loc.path, "line": loc.line, "text": loc.text}
    if loc.cell is not None:
        out["cell"] = loc.cell
        if loc.cell_line is not None:
            out["cell_line"] = loc.cell_line
    return out


def repo_dict(repo: RepoResult) -> dict[str, Any]:
    return {
        "path": repo.path,
        "name": repo.name,
        "commit": repo.commit,
        "web": repo.web,
        "artifact": repo.artifact,
        "notebook_only": repo.notebook_only,
        "evidence": [
            {
                "id": f.id,
                "status": f.status,
                "locations": [location_dict(loc) for loc in f.locations],
                "reason": f.reason,
            }
            for f in repo.evidence
        ],
        "stack": [{"name": t.name, "group": t.group, "status": t.status, **location_dict(t.location)}
                  for t in repo.stack],
        "warnings": list(repo.warnings),
        "stats": dict(sorted(repo.stats.items())),
    }


def report_dict(repos: list[RepoResult], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "portfolio-check", "version": __version__},
        "repos": [repo_dict(r) for r in repos],
    }
    if extra:
        out.update(extra)
    return out


def to_json(report: dict[str, Any]) -> str:
    """The report as JSON: strict (no NaN or Infinity, which are not JSON), invisible controls as \\uXXXX."""
    from portfolio_check.render.sanitize import json_text

    return json_text(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def roles_dict(verdicts: list[Any]) -> list[dict[str, Any]]:
    """The ``roles`` section: per role, its score and each item's verdict with the evidence behind it."""
    from portfolio_check.judge.checklists import cite

    out = []
    for rv in verdicts:
        items = []
        for v in rv.items:
            items.append({
                "id": v.item.id,
                "title": v.item.title,
                "status": v.status,
                "weight": v.item.weight,
                "evidence": list(v.item.evidence),
                "match": v.item.match,
                "level": v.item.level,
                "artifact": v.item.artifact,
                "found": [
                    {"repo": fd.repo, "evidence": fd.finding.id, "status": fd.finding.status,
                     "locations": [location_dict(loc) for loc in fd.finding.locations]}
                    for fd in v.found
                ],
                "gain": v.gain,
                "waiver": None if v.waiver is None else {
                    "reason": v.waiver.reason, "until": v.waiver.until.isoformat() if v.waiver.until else None},
                "note": v.note,
                "source": {"file": v.item.source.file, "title": cite(v.item.source), "claim": v.item.source.claim},
                "advice": v.item.advice,
            })
        out.append({"id": rv.checklist.id, "title": rv.checklist.title, "description": rv.checklist.description,
                    "score": rv.score, "items": items, "notes": list(rv.notes)})
    return out


def portfolio_dict(repos: list[RepoResult], verdicts: list[Any],
                   layout: dict[str, Any] | None = None) -> dict[str, Any]:
    from portfolio_check.judge.verdict import closest_role

    out: dict[str, Any] = {
        "closest_role": closest_role(verdicts),
        "artifacts": {a: next((r.name for r in repos if r.artifact == a), None)
                      for a in ("ai_application", "model_project", "tech_memo")},
        "notebook_only": [r.name for r in repos if r.notebook_only],
    }
    if layout:
        out["layout"] = dict(layout)
    return out


def actions_list(actions: Any) -> list[dict[str, Any]]:
    """The ``build_next`` section: the ranked actions, each with the points it adds per role and item."""
    return [{"evidence": a.evidence, "repo": a.repo, "artifact": a.artifact, "current": a.current,
             "target": a.target, "gain": a.gain,
             "gains": [{"role": g.role, "item": g.item, "gain": g.gain} for g in a.gains],
             "why": a.why, "advice": a.advice} for a in actions]


def failures_list(failures: Any) -> list[dict[str, str]]:
    return [{"source": str(f.source), "reason": str(f.reason)} for f in failures]
