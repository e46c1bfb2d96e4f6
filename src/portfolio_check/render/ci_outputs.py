"""Outputs for CI: GitHub workflow annotations, a shields.io endpoint badge, the job step summary."""

from __future__ import annotations

import json
import os

from portfolio_check.judge.verdict import RoleVerdict, closest_role
from portfolio_check.model import RepoResult
from portfolio_check.render.sanitize import json_text, terminal
from portfolio_check.render.view import ARTIFACT_TITLE, View, picture

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


#: GitHub shows at most this many annotations of one type per step and drops the rest without a word
ANNOTATIONS_PER_TYPE = 10


def github_annotations(repos: list[RepoResult], verdicts: list[RoleVerdict], view: View | None = None) -> str:
    """The build-next actions as annotations, in priority order, each once: ``::notice`` at the line of weak
    evidence to raise, ``::warning`` for evidence to add; ``::error`` for a role below the threshold. At most
    ten of a type (GitHub's limit); the tenth then says how many more the job summary lists."""
    view = view or View()
    pic = picture(repos, verdicts, view)
    by_name = {r.name: r for r in repos}
    kinds: dict[str, list[str]] = {"error": [], "warning": [], "notice": []}
    ordered: list[str] = []  # the type of each annotation, in priority order
    for rv in pic.verdicts:
        if view.below(rv):
            ordered.append("error")
            kinds["error"].append(f"::error title={_prop('portfolio-check ' + rv.checklist.id)}::" + _data(
                f"{rv.checklist.title} scored {rv.score:g}, below --fail-under {view.fail_under:g}"))
    for a in pic.actions:
        roles = ", ".join(f"{r} +{p:g}" for r, _, p in a.per_role())
        where = a.repo or f"a new {ARTIFACT_TITLE.get(a.artifact or '', 'repository')}"
        title = _prop(f"portfolio-check: {a.evidence} in {where} ({a.current} -> {a.target})")
        items = "; ".join(dict.fromkeys(g.item_title for g in a.gains))
        msg = _data(f"{items}: +{a.gain:g} points ({roles}). {a.advice}")
        repo = by_name.get(a.repo or "")
        loc = repo.finding(a.evidence).locations[0] if repo is not None and repo.finding(a.evidence).locations \
            else None
        if a.current == "weak" and repo is not None and loc is not None:
            line = f",line={loc.line}" if loc.line and loc.cell is None else ""
            ordered.append("notice")
            kinds["notice"].append(f"::notice file={_prop(_repo_path(repo, loc.path))}{line},title={title}::{msg}")
        else:
            ordered.append("warning")
            kinds["warning"].append(f"::warning title={title}::{msg}")
    lines: list[str] = []
    for kind in ("error", "warning", "notice"):  # each type keeps its priority order; the count line comes last
        found = kinds[kind]
        if len(found) > ANNOTATIONS_PER_TYPE:
            more = len(found) - (ANNOTATIONS_PER_TYPE - 1)
            kinds[kind] = [*found[: ANNOTATIONS_PER_TYPE - 1],
                           f"::{kind} title={_prop('portfolio-check')}::"
                           + _data(f"{more} more of these; the job summary (or --format markdown) lists them all")]
    taken = {k: iter(v) for k, v in kinds.items()}
    for k in ordered:
        shown = next(taken[k], None)
        if shown is not None:
            lines.append(shown)
    for k in ("error", "warning", "notice"):
        lines += list(taken[k])
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


def github_outputs(verdicts: list[RoleVerdict], view: View) -> str:
    """Step outputs (``name=value`` lines for ``$GITHUB_OUTPUT``): ``role`` and ``score`` of the role the gate
    decides on (the lowest-scoring gated role; without a gate, the target or the closest role) and ``scores``, every
    judged role's score as one line of JSON."""
    gated = [rv for rv in verdicts if rv.checklist.id in view.gated]
    chosen = min(gated, key=lambda rv: rv.score) if gated else next(
        (rv for rv in verdicts if rv.checklist.id == (view.target or closest_role(verdicts))), None)
    scores = json.dumps({rv.checklist.id: rv.score for rv in verdicts}, separators=(",", ":"), allow_nan=False)
    lines = [f"role={chosen.checklist.id if chosen else ''}", f"score={f'{chosen.score:g}' if chosen else ''}",
             f"scores={scores}"]
    return "".join(terminal(line) + "\n" for line in lines)


def write_github_outputs(text: str, env: dict[str, str] | None = None) -> str | None:
    """Append step outputs to ``$GITHUB_OUTPUT``; return the file used (None outside GitHub Actions)."""
    target = (env if env is not None else os.environ).get("GITHUB_OUTPUT")
    if not target:
        return None
    from portfolio_check.safeio import write_text

    write_text(target, text, append=True)
    return target
