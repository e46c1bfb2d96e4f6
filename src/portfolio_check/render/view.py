"""What every report shows, computed once from finished results: the view options, the ranked build-next
actions, the evidence matrix, and links that open from where the report is read.

Renderers (markdown, HTML, text, JSON, GitHub annotations) format this; nothing here decides evidence or scores.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from portfolio_check.judge.build_next import Action, build_next
from portfolio_check.judge.verdict import RoleVerdict, closest_role
from portfolio_check.model import Location, RepoResult

#: how reports name the bridge-portfolio artifacts
ARTIFACT_TITLE = {"ai_application": "AI application", "model_project": "model project", "tech_memo": "technical memo",
                  "none": "none"}
#: file kinds GitHub renders (markdown, notebooks): a line anchor needs the plain view there
_RENDERED = (".md", ".markdown", ".mdx", ".ipynb", ".rst", ".adoc", ".qmd")
_FORGE = re.compile(r"^https://(?:www\.)?(github\.com|gitlab\.com)/([^/\s]+/[^/\s]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class View:
    """How a report is shown: which roles, what the candidate aims for, where the report is written."""

    target: str | None = None  # the role build-next works toward (None: every role not yet complete)
    all_roles: bool = True  # no --role: every bundled role was judged
    fail_under: float | None = None
    gated: tuple[str, ...] = ()  # the roles --fail-under gates (selected with --role, --target or the config)
    colour: bool = False
    out_dir: str | None = None  # the folder the report is written to (links are relative to it); None: here
    failures: tuple[Any, ...] = ()  # targets that could not be scanned (each has .source and .reason)
    limit: int = 10  # build-next actions listed in full
    layout: dict[str, Any] | None = None  # a portfolio repository's projects: {"source", "file", "projects"}
    brief: bool = False  # add the interview brief to markdown and HTML reports
    relative_links: bool = True  # False where a report has no folder (the job summary): host permalinks only


    def below(self, rv: RoleVerdict) -> bool:
        """This role is gated and scores under the threshold."""
        return self.fail_under is not None and rv.checklist.id in self.gated and rv.score < self.fail_under


@dataclass(frozen=True)
class Picture:
    """The readiness picture and the actions: what a reader takes in first."""

    verdicts: tuple[RoleVerdict, ...]
    actions: tuple[Action, ...]
    focus: str | None  # the role the actions work toward, or None (every open role)
    closest: str | None
    repos: tuple[RepoResult, ...] = field(default_factory=tuple)


def picture(repos: list[RepoResult], verdicts: list[RoleVerdict], view: View) -> Picture:
    from portfolio_check.engine.rules import bundled_rules

    why = {k.id: k.why for k in bundled_rules().evidence}
    target = view.target if view.target and any(v.checklist.id == view.target for v in verdicts) else None
    actions = build_next(verdicts, repos, target, why)
    return Picture(tuple(verdicts), tuple(actions), target, closest_role(verdicts), tuple(repos))


def bar(score: float, width: int = 10) -> str:
    filled = max(0, min(width, round(score / (100 / width))))
    return "█" * filled + "░" * (width - filled)


def location_label(loc: Location) -> str:
    if loc.cell is not None:
        where = f"cell {loc.cell}" + (f", line {loc.cell_line}" if loc.cell_line else "")
        return f"{loc.path} ({where})"
    return f"{loc.path}:{loc.line}" if loc.line else loc.path


def href(repo: RepoResult, loc: Location, out_dir: str | None = None, relative: bool = True) -> str | None:
    """Where a location opens: a permalink on the repository's host at the scanned commit when the host is known
    (the plain view for rendered files, so the line anchor works), else a path relative to the report's folder;
    None when neither can be opened (a remote that is not GitHub or GitLab)."""
    base = repo.path.rstrip("/")
    anchor = f"#L{loc.line}" if loc.line else ""
    web = repo.web
    if web is None and ("://" in base or base.startswith("git@")):
        forge = _FORGE.match(base)
        if forge is not None:
            web = f"https://{forge.group(1)}/{forge.group(2)}"
    if web is not None and repo.commit is not None:
        forge = _FORGE.match(web)
        if forge is None:
            return None
        sep = "/-/blob/" if forge.group(1) == "gitlab.com" else "/blob/"
        owner_repo = quote(forge.group(2), safe="/-_.~")
        plain = "?plain=1" if anchor and loc.path.lower().endswith(_RENDERED) and forge.group(1) == "github.com" else ""
        return (f"https://{forge.group(1)}/{owner_repo}{sep}{quote(repo.commit, safe='')}/"
                f"{quote(loc.path, safe='/-_.~')}{plain}{anchor}")
    if "://" in base or base.startswith("git@") or not relative:
        return None
    target = str(Path(base or ".") / loc.path)
    start = out_dir if out_dir is not None else "."
    try:
        rel = os.path.relpath(target, start)  # both made absolute from the working directory first
    except ValueError:  # another drive (Windows)
        rel = str(Path(target).absolute())
    return quote(rel.replace(os.sep, "/"), safe="/-_.~") + anchor


def matrix(repos: list[RepoResult] | tuple[RepoResult, ...], order: list[str]) -> list[tuple[str, list[str]]]:
    """Evidence kind -> the status in each repository (rows in ``order``)."""
    return [(kind, [r.finding(kind).status for r in repos]) for kind in order]


def kinds_split(verdicts: list[RoleVerdict] | tuple[RoleVerdict, ...], all_kinds: list[str],
                selected: bool) -> tuple[list[str], list[str]]:
    """(the evidence kinds the judged roles use, the rest), each in catalog order; without selected roles every
    kind counts."""
    if not selected:
        return list(all_kinds), []
    needed = {k for rv in verdicts for v in rv.items for k in v.item.evidence}
    return [k for k in all_kinds if k in needed], [k for k in all_kinds if k not in needed]


def layout_line(view: View) -> str | None:
    """What the report says about a portfolio repository's layout, or None."""
    if not view.layout:
        return None
    names = ", ".join(view.layout["projects"])
    if view.layout["source"] == "config":
        return f"Portfolio repository: the projects listed in {view.layout['file']} ({names})."
    return (f"Portfolio repository: {len(view.layout['projects'])} project folders detected ({names}); list them as "
            "`projects` in [tool.portfolio-check] to choose.")
