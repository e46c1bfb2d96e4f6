"""The terminal report: the readiness picture and what to build next first, then each repository's evidence.

Colour only when the view asks for it (a terminal, --color, FORCE_COLOR; never with NO_COLOR).
"""

from __future__ import annotations

from portfolio_check import __version__
from portfolio_check.judge.verdict import RoleVerdict
from portfolio_check.model import Location, RepoResult
from portfolio_check.render.sanitize import terminal as t
from portfolio_check.render.view import (
    ARTIFACT_TITLE,
    Picture,
    View,
    bar,
    kinds_split,
    layout_line,
    location_label,
    picture,
)

_MARK = {"strong": "●", "weak": "◐", "missing": "○"}
_COLOUR = {"strong": "green", "weak": "yellow", "missing": "red"}
#: build-next actions a terminal shows (the markdown and HTML reports list more)
SHOWN_ACTIONS = 5


def _style(text: str, status: str, colour: bool, bold: bool = False) -> str:
    if not colour:
        return text
    import click

    return click.style(text, fg=_COLOUR.get(status), bold=bold)


def _where(loc: Location, more: int) -> str:
    where = t(location_label(loc))
    if loc.text:
        where += "  " + t(loc.text if len(loc.text) <= 60 else loc.text[:59].rstrip() + "…")
    if more:
        where += f"  (and {more} more place{'s' if more > 1 else ''})"
    return where


def render_repo(repo: RepoResult, order: tuple[list[str], list[str]], colour: bool = False) -> str:
    head = t(repo.name) if repo.path.rstrip("/").rsplit("/", 1)[-1] == repo.name else \
        f"{t(repo.name)}  ({t(repo.path)})"
    lines = [_style(head, "", colour, bold=True),
             f"  artifact: {ARTIFACT_TITLE[repo.artifact]}   commit: {t((repo.commit or '-')[:12])}"
             + ("   notebook-only" if repo.notebook_only else "")]
    used = [s.name for s in repo.stack if s.status == "used"]
    listed = [s.name for s in repo.stack if s.status == "listed"]
    if used or listed:
        lines.append("  stack: " + (t(", ".join(used)) if used else "-")
                     + (f"   (listed, never imported: {t(', '.join(listed))})" if listed else ""))
    needed, others = order
    width = max((len(k) for k in needed), default=0)
    by_id = {f.id: f for f in repo.evidence}
    for kind in needed:
        f = by_id[kind]
        where = _where(f.locations[0], len(f.locations) - 1) if f.locations else ""
        mark = _style(f"{_MARK[f.status]} {f.status:<7}", f.status, colour)
        lines.append(f"  {f.id:<{width}}  {mark}  {where}".rstrip())
    if others:
        lines.append("  not used by the selected roles: "
                     + ", ".join(f"{k} {_MARK[by_id[k].status]}" for k in others))
    for w in repo.warnings:
        lines.append(f"  warning: {t(w)}")
    return "\n".join(lines)


def render_roles(pic: Picture, view: View) -> list[str]:
    if not pic.verdicts:
        return []
    width = max(len(t(v.checklist.id)) for v in pic.verdicts)
    lines = ["Roles (score out of 100)"]
    for v in pic.verdicts:
        counts = {s: sum(1 for i in v.items if i.status == s) for s in ("met", "partial", "gap", "waived")}
        tag = "  <- target" if v.checklist.id == pic.focus else (
            "  <- closest" if v.checklist.id == pic.closest and len(pic.verdicts) > 1 and not pic.focus else "")
        if view.below(v):
            tag += f"  below {view.fail_under:g}"
        status = "strong" if v.score >= 75 else ("weak" if v.score >= 40 else "missing")
        lines.append(f"  {t(v.checklist.id):<{width}}  {_style(f'{v.score:5.1f}', status, view.colour)} "
                     f"{bar(v.score)}  met {counts['met']}, partial {counts['partial']}, gap {counts['gap']}"
                     + (f", waived {counts['waived']}" if counts["waived"] else "") + tag)
    return lines


def render_next(pic: Picture, view: View) -> list[str]:
    if not pic.verdicts:
        return []
    focus = f"toward {t(pic.focus)}" if pic.focus else "summed over every role not yet complete"
    if not pic.actions:
        return [f"Build next ({focus}): nothing; " + ("the target role is complete." if pic.focus
                                                       else "every role is complete.")]
    lines = [f"Build next ({focus}; points added per role):"]
    for n, a in enumerate(pic.actions[:SHOWN_ACTIONS], start=1):
        where = f"in {t(a.repo)}" if a.repo else f"in a new {ARTIFACT_TITLE.get(a.artifact or '', 'repository')}"
        roles = ", ".join(f"{t(r)} +{p:g}" for r, _, p in a.per_role())
        lines.append(f"  {n}. {_style(f'+{a.gain:g}', 'strong', view.colour)}  {a.evidence} {where} "
                     f"({a.current} -> {a.target}): {roles}")
        lines.append(f"     {t(a.advice)}")
    more = len(pic.actions) - SHOWN_ACTIONS
    if more > 0:
        lines.append(f"  ... and {more} more action{'s' if more > 1 else ''} (--format markdown or html lists them)")
    return lines


def render(repos: list[RepoResult], verdicts: list[RoleVerdict], titles: dict[str, str], view: View | None = None,
           progress: list[str] | None = None) -> str:
    view = view or View()
    pic = picture(repos, verdicts, view)
    total = len(repos) + len(view.failures)
    head = f"portfolio-check {__version__}: {len(repos)} of {total} repositories scanned" if view.failures else \
        f"portfolio-check {__version__}: {len(repos)} repositor{'y' if len(repos) == 1 else 'ies'} scanned"
    layout = layout_line(view)
    parts = [head + " (read, never run)" + (f"\n{t(layout)}" if layout else "")]
    roles = render_roles(pic, view)
    if roles:
        parts.append("\n".join(roles))
    nxt = render_next(pic, view)
    if nxt:
        parts.append("\n".join(nxt))
    if progress:
        parts.append("Since the earlier report:\n" + "\n".join(f"  {t(line)}" for line in progress))
    order = kinds_split(verdicts, list(titles), selected=not view.all_roles)
    parts += [render_repo(r, order, view.colour) for r in repos]
    if view.failures:
        parts.append("Not scanned:\n" + "\n".join(f"  {t(str(f.source))}: {t(str(f.reason))}"
                                                  for f in view.failures))
    return "\n\n".join(parts) + "\n"
