"""Outputs for CI: GitHub workflow annotations, a shields.io endpoint badge, the job step summary."""

from __future__ import annotations

import json
import os

from portfolio_check.judge.verdict import RoleVerdict, closest_role
from portfolio_check.model import RepoResult
from portfolio_check.render.sanitize import json_text, terminal

STEP_SUMMARY_LIMIT = 1024 * 1024 - 4096  # GitHub refuses a step summary over 1 MiB; keep a margin


def _data(text: str) -> str:
    """A workflow command's message: controls escaped (GitHub's log renders ANSI sequences), then GitHub's
    escapes, so nothing in it can end the command or start another."""
    return terminal(text, newlines=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _repo_path(repo: RepoResult, rel: str) -> str:
    base = repo.path.rstrip("/")
    if base in ("", ".") or "://" in base or base.startswith(("/", "git@")):
        return rel
    return f"{base.removeprefix('./')}/{rel}"


def github_annotations(repos: list[RepoResult], verdicts: list[RoleVerdict], fail_under: float | None) -> str:
    """``::warning`` for each gap, ``::notice`` at the line of weak evidence for each partial item."""
    by_name = {r.name: r for r in repos}
    lines: list[str] = []
    for rv in verdicts:
        role = rv.checklist.id
        for v in rv.gaps():
            msg = f"{v.item.title} ({v.status}, +{v.gain:g} points): {v.item.advice}"
            title = _prop(f"portfolio-check {role}: {v.item.id}")
            loc = next(((by_name[f.repo], f.finding.locations[0]) for f in v.found
                        if f.finding.locations and f.repo in by_name), None)
            if v.status == "partial" and loc is not None:
                repo, where = loc
                line = f",line={where.line}" if where.line else ""
                lines.append(f"::notice file={_prop(_repo_path(repo, where.path))}{line},title={title}::{_data(msg)}")
            else:
                lines.append(f"::warning title={title}::{_data(msg)}")
        if fail_under is not None and rv.score < fail_under:
            lines.append(f"::error title={_prop('portfolio-check ' + role)}::"
                         f"{_data(f'{rv.checklist.title} scored {rv.score:g}, below --fail-under {fail_under:g}')}")
    return "\n".join(lines) + ("\n" if lines else "")


def badge(verdicts: list[RoleVerdict], role: str | None = None) -> str:
    """A shields.io endpoint JSON for the chosen role (default: the closest one)."""
    chosen = role or closest_role(verdicts)
    rv = next((v for v in verdicts if v.checklist.id == chosen), None)
    if rv is None:
        body = {"schemaVersion": 1, "label": "portfolio", "message": "no role", "color": "lightgrey"}
    else:
        s = rv.score
        color = ("brightgreen" if s >= 80 else "green" if s >= 65 else "yellow" if s >= 50
                 else "orange" if s >= 30 else "red")
        body = {"schemaVersion": 1, "label": f"portfolio: {rv.checklist.id}", "message": f"{s:g}/100", "color": color}
    return json_text(json.dumps(body, sort_keys=True, allow_nan=False)) + "\n"


def write_step_summary(markdown: str, env: dict[str, str] | None = None) -> str | None:
    """Append the report to ``$GITHUB_STEP_SUMMARY`` (kept under GitHub's 1 MiB limit); return the file used."""
    target = (env if env is not None else os.environ).get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    data = markdown.encode("utf-8")
    if len(data) > STEP_SUMMARY_LIMIT:
        cut = data[:STEP_SUMMARY_LIMIT].rsplit(b"\n", 1)[0].decode("utf-8", errors="ignore")
        markdown = cut + "\n\n> The report was cut to fit GitHub's 1 MiB step-summary limit; " \
                         "see the full report in the job's output.\n"
    from portfolio_check.safeio import write_text

    write_text(target, markdown if markdown.endswith("\n") else markdown + "\n", append=True)
    return target
