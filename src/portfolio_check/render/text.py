"""A compact terminal summary of scan results (colour only when asked, i.e. on a TTY)."""

from __future__ import annotations

from portfolio_check.judge.verdict import RoleVerdict, closest_role
from portfolio_check.model import RepoResult
from portfolio_check.render.sanitize import terminal as t

_MARK = {"strong": "●", "weak": "◐", "missing": "○"}
_COLOUR = {"strong": "green", "weak": "yellow", "missing": "red"}


def _style(text: str, status: str, colour: bool) -> str:
    if not colour:
        return text
    import click

    return click.style(text, fg=_COLOUR[status])


def render_repo(repo: RepoResult, colour: bool = False) -> str:
    lines = [f"{t(repo.name)}  ({t(repo.path)})",
             f"  commit: {t(repo.commit or '-')}   artifact: {repo.artifact}"
             f"   notebook-only: {'yes' if repo.notebook_only else 'no'}"]
    width = max(len(f.id) for f in repo.evidence)
    for f in repo.evidence:
        where = ""
        if f.locations:
            loc = f.locations[0]
            where = t(f"{loc.path}:{loc.line}" if loc.line else loc.path)
            if loc.text:
                where += "  " + t(loc.text if len(loc.text) <= 60 else loc.text[:59].rstrip() + "…")
            if len(f.locations) > 1:
                where += f"  (and {len(f.locations) - 1} more)"
        mark = _style(f"{_MARK[f.status]} {f.status:<7}", f.status, colour)
        lines.append(f"  {f.id:<{width}}  {mark}  {where}")
    for w in repo.warnings:
        lines.append(f"  warning: {t(w)}")
    return "\n".join(lines)


def render_roles(verdicts: list[RoleVerdict], colour: bool = False) -> str:
    if not verdicts:
        return ""
    best = closest_role(verdicts)
    width = max(len(t(v.checklist.id)) for v in verdicts)
    lines = ["Roles (score out of 100)"]
    for v in verdicts:
        filled = round(v.score / 10)
        bar = "█" * filled + "░" * (10 - filled)
        counts = {s: sum(1 for i in v.items if i.status == s) for s in ("met", "partial", "gap", "waived")}
        tag = "  <- closest" if v.checklist.id == best and len(verdicts) > 1 else ""
        status = "strong" if v.score >= 75 else ("weak" if v.score >= 40 else "missing")
        lines.append(f"  {t(v.checklist.id):<{width}}  {_style(f'{v.score:5.1f}', status, colour)} {bar}  "
                     f"met {counts['met']}, partial {counts['partial']}, gap {counts['gap']}"
                     + (f", waived {counts['waived']}" if counts["waived"] else "") + tag)
    top = next(v for v in verdicts if v.checklist.id == best)
    gaps = top.gaps()[:3]
    if gaps:
        lines.append(f"Next for {t(top.checklist.id)}:")
        lines += [f"  +{g.gain:g}  {t(g.item.title)}  (portfolio-check explain {t(g.item.id)})" for g in gaps]
    return "\n".join(lines)


def render(repos: list[RepoResult], verdicts: list[RoleVerdict] | None = None, colour: bool = False) -> str:
    parts = [render_repo(r, colour) for r in repos]
    roles = render_roles(verdicts or [], colour)
    if roles:
        parts.append(roles)
    return "\n\n".join(parts) + "\n"
