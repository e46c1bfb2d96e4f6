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
from portfolio_check.render.view import View, picture


def evidence_titles() -> dict[str, str]:
    from portfolio_check.engine.rules import bundled_rules

    return {k.id: k.title for k in bundled_rules().evidence}


def render(results: list[RepoResult], verdicts: list[RoleVerdict], fmt: str, view: View | None = None,
           comparison: Any = None) -> str:
    """One report: text, json, markdown, html, github (annotations) or badge."""
    view = view or View()
    if fmt == "json":
        return to_json_report(results, verdicts, view, comparison)
    if fmt == "github":
        from portfolio_check.render.ci_outputs import github_annotations
        from portfolio_check.render.sanitize import terminal_report

        return terminal_report(github_annotations(results, verdicts, view))
    if fmt == "badge":
        from portfolio_check.render.ci_outputs import badge

        return badge(verdicts, view.target or (None if view.all_roles else verdicts[0].checklist.id
                                               if verdicts else None))
    progress = None
    if comparison is not None:
        from portfolio_check.compare import summary_lines

        progress = summary_lines(comparison)
    if fmt == "markdown":
        from portfolio_check.render.markdown import render as render_md

        md = render_md(results, verdicts, evidence_titles(), view, progress=progress)
        if view.brief:
            from portfolio_check.render.brief import markdown as brief_md

            # inside the report every heading of the brief goes one level down
            inner = brief_md(_brief_of(results, view), results, view)
            md += "\n" + "\n".join("#" + ln if ln.startswith("#") else ln for ln in inner.split("\n"))
        return md
    if fmt == "html":
        from portfolio_check.render.html import render as render_html

        page = render_html(results, verdicts, evidence_titles(), view, progress=progress)
        if view.brief:
            from portfolio_check.render.brief import html_body

            section = "\n".join(html_body(_brief_of(results, view), results, view, top=2))
            page = page.replace('<p class="muted">portfolio-check', section + '\n<p class="muted">portfolio-check', 1)
        return page
    from portfolio_check.render.sanitize import terminal_report
    from portfolio_check.render.text import render as render_text

    text = render_text(results, verdicts, evidence_titles(), view, progress=progress)
    return terminal_report(text, colour=view.colour)  # a last guard: each untrusted field was sanitised already


def _brief_of(results: list[RepoResult], view: View) -> Any:
    from portfolio_check.judge.brief import ROLES_WITH_LOOPS, build_brief

    roles = (view.target,) if view.target in ROLES_WITH_LOOPS else ROLES_WITH_LOOPS
    return build_brief(results, roles)


def to_json_report(results: list[RepoResult], verdicts: list[RoleVerdict], view: View,
                   comparison: Any = None) -> str:
    from portfolio_check.render.report import (
        actions_list,
        failures_list,
        portfolio_dict,
        report_dict,
        roles_dict,
        to_json,
    )

    pic = picture(results, verdicts, view)
    extra: dict[str, Any] = {"roles": roles_dict(verdicts), "portfolio": portfolio_dict(results, verdicts, view.layout),
                             "target_role": pic.focus, "build_next": actions_list(pic.actions)}
    if view.failures:
        extra["failures"] = failures_list(view.failures)
    if comparison is not None:
        from portfolio_check.compare import comparison_dict

        extra["comparison"] = comparison_dict(comparison)
    return to_json(report_dict(results, extra))


@dataclass(frozen=True)
class CandidateReport:
    name: str
    slug: str
    results: tuple[RepoResult, ...]
    verdicts: tuple[RoleVerdict, ...]
    top: tuple[Any, ...] = ()  # the first build-next action

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
                view: View, roots: list[str] | None = None) -> list[CandidateReport]:
    """Per candidate ``<slug>.md``, ``.html`` and ``.json``; the cohort's ``index.md``, ``index.html`` and
    ``index.csv``. Links in each page are relative to ``out``. OSError when the folder is unwritable,
    safeio.UnsafeFile when a link or a special file stands where a report goes."""
    from dataclasses import replace

    from portfolio_check.render.html import render_index as index_html
    from portfolio_check.render.markdown import render_index as index_md
    from portfolio_check.safeio import check_parents, write_text

    check_parents(out / "index.md", roots or [])
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = {"index"}  # index.* is the overview
    reports = []
    where = str(out)
    for name, results, verdicts in candidates:
        slug = _slug(name)
        while slug in used:
            slug += "-2"
        used.add(slug)
        own = tuple(f for f in failures if getattr(f, "candidate", None) == name)
        page = replace(view, out_dir=where, failures=own)
        for ext, fmt in (("md", "markdown"), ("html", "html"), ("json", "json")):
            write_text(out / f"{slug}.{ext}", render(results, verdicts, fmt, page), roots=roots or [])
        reports.append(CandidateReport(name, slug, tuple(results), tuple(verdicts),
                                       picture(results, verdicts, page).actions[:1]))
    write_text(out / "index.md", index_md(reports, failures), roots=roots or [])
    write_text(out / "index.html", index_html(reports, failures), roots=roots or [])
    write_text(out / "index.csv", index_csv(reports, failures), roots=roots or [])
    return reports


def index_csv(reports: list[CandidateReport], failures: list[Any]) -> str:
    """The cohort for a spreadsheet: one row per candidate (role scores as columns), then one per failed target."""
    import csv
    import io

    from portfolio_check.render.sanitize import terminal

    role_ids = [v.checklist.id for v in reports[0].verdicts] if reports else []
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["candidate", "report", "repositories", *role_ids, "closest_role", "build_next", "status"])

    def cell(text: str) -> str:  # a spreadsheet must not run a formula a repository's name planted
        text = terminal(text)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    for r in reports:
        top = r.top[0] if r.top else None
        nxt = f"{top.evidence} in {top.repo or 'a new repository'} (+{top.gain:g})" if top else ""
        w.writerow([cell(r.name), f"{r.slug}.html", cell("; ".join(x.name for x in r.results)),
                    *[f"{v.score:g}" for v in r.verdicts], r.closest or "", cell(nxt), "scanned"])
    for f in failures:
        w.writerow([cell(str(getattr(f, "candidate", None) or "")), "", cell(str(f.source)),
                    *["" for _ in role_ids], "", "", cell("not scanned: " + str(f.reason))])
    return buf.getvalue()
