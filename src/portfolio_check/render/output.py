"""Turning finished results into output: one report in any format, or a folder of reports for a batch.

Nothing here scans or judges; the CLI calls these with results and verdicts it already has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio_check.judge.verdict import RoleVerdict, closest_role
from portfolio_check.model import RepoResult


def evidence_titles() -> dict[str, str]:
    from portfolio_check.engine.rules import bundled_rules

    return {k.id: k.title for k in bundled_rules().evidence}


def render(results: list[RepoResult], verdicts: list[RoleVerdict], fmt: str, *, colour: bool = False,
           all_roles: bool = True, fail_under: float | None = None, comparison: Any = None) -> str:
    """One report: text, json, markdown, github (annotations) or badge."""
    if fmt == "json":
        from portfolio_check.render.report import portfolio_dict, report_dict, roles_dict, to_json

        extra: dict[str, Any] = {"roles": roles_dict(verdicts), "portfolio": portfolio_dict(results, verdicts)}
        if comparison is not None:
            from portfolio_check.compare import comparison_dict

            extra["comparison"] = comparison_dict(comparison)
        return to_json(report_dict(results, extra))
    if fmt == "github":
        from portfolio_check.render.ci_outputs import github_annotations
        from portfolio_check.render.sanitize import terminal_report

        return terminal_report(github_annotations(results, verdicts, fail_under))
    if fmt == "badge":
        from portfolio_check.render.ci_outputs import badge

        return badge(verdicts, None if all_roles else verdicts[0].checklist.id if verdicts else None)
    progress = None
    if comparison is not None:
        from portfolio_check.compare import summary_lines

        progress = summary_lines(comparison)
    if fmt == "markdown":
        from portfolio_check.render.markdown import render as render_md

        return render_md(results, verdicts, evidence_titles(), all_roles=all_roles, progress=progress)
    from portfolio_check.render.sanitize import terminal, terminal_report
    from portfolio_check.render.text import render as render_text

    text = render_text(results, verdicts, colour=colour)
    if progress:
        text += "\nSince the earlier report:\n" + "".join(f"  {terminal(line)}\n" for line in progress)
    return terminal_report(text, colour=colour)  # a last guard: each untrusted field was sanitised already


@dataclass(frozen=True)
class CandidateReport:
    name: str
    slug: str
    results: tuple[RepoResult, ...]
    verdicts: tuple[RoleVerdict, ...]

    @property
    def closest(self) -> str | None:
        return closest_role(list(self.verdicts))


def group_by_candidate(pairs: list[tuple[Any, RepoResult]]) -> list[tuple[str, list[RepoResult]]]:
    """A named candidate gathers their repositories; without a name each repository stands alone (two folders both
    called "app" are two candidates, not one). Names that would repeat get their path added."""
    groups: dict[tuple[str, str], list[RepoResult]] = {}
    for target, result in pairs:
        key = ("candidate", target.candidate) if target.candidate else ("source", target.source)
        groups.setdefault(key, []).append(result)
    names = [k[1] if k[0] == "candidate" else v[0].name for k, v in groups.items()]
    names = [n if names.count(n) == 1 else f"{n} ({v[0].path})" for n, v in zip(names, groups.values(), strict=True)]
    return list(zip(names, groups.values(), strict=True))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "candidate"


def write_batch(out: Path, candidates: list[tuple[str, list[RepoResult], list[RoleVerdict]]], failures: list[Any],
                all_roles: bool, roots: list[str] | None = None) -> list[CandidateReport]:
    """``<candidate>.md`` and ``.json`` per candidate, and ``index.md``; OSError when the folder is unwritable,
    safeio.UnsafeFile when a link or a special file stands where a report goes."""
    from portfolio_check.render.markdown import render_index
    from portfolio_check.render.report import portfolio_dict, report_dict, roles_dict, to_json
    from portfolio_check.safeio import check_parents, write_text

    check_parents(out / "index.md", roots or [])
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = {"index"}  # index.md is the overview
    reports = []
    for name, results, verdicts in candidates:
        slug = _slug(name)
        while slug in used:
            slug += "-2"
        used.add(slug)
        md = render(results, verdicts, "markdown", all_roles=all_roles)
        js = to_json(report_dict(results, {"roles": roles_dict(verdicts),
                                           "portfolio": portfolio_dict(results, verdicts)}))
        write_text(out / f"{slug}.md", md, roots=roots or [])
        write_text(out / f"{slug}.json", js, roots=roots or [])
        reports.append(CandidateReport(name, slug, tuple(results), tuple(verdicts)))
    write_text(out / "index.md", render_index(reports, failures), roots=roots or [])
    return reports
