"""The JSON report: a plain, deterministic dict built from scan results (schema: schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any

from portfolio_check import __version__
from portfolio_check.model import RepoResult

SCHEMA_VERSION = 1


def repo_dict(repo: RepoResult) -> dict[str, Any]:
    return {
        "path": repo.path,
        "name": repo.name,
        "commit": repo.commit,
        "artifact": repo.artifact,
        "notebook_only": repo.notebook_only,
        "evidence": [
            {
                "id": f.id,
                "status": f.status,
                "locations": [{"path": loc.path, "line": loc.line} for loc in f.locations],
                "reason": f.reason,
            }
            for f in repo.evidence
        ],
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
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
