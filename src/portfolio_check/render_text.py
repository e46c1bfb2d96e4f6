"""A compact terminal summary of scan results (colour only when asked, i.e. on a TTY)."""

from __future__ import annotations

from portfolio_check.model import RepoResult

_MARK = {"strong": "●", "weak": "◐", "missing": "○"}
_COLOUR = {"strong": "green", "weak": "yellow", "missing": "red"}


def _style(text: str, status: str, colour: bool) -> str:
    if not colour:
        return text
    import click

    return click.style(text, fg=_COLOUR[status])


def render_repo(repo: RepoResult, colour: bool = False) -> str:
    lines = [f"{repo.name}  ({repo.path})",
             f"  commit: {repo.commit or '-'}   artifact: {repo.artifact}"
             f"   notebook-only: {'yes' if repo.notebook_only else 'no'}"]
    width = max(len(f.id) for f in repo.evidence)
    for f in repo.evidence:
        where = ""
        if f.locations:
            loc = f.locations[0]
            where = f"{loc.path}:{loc.line}" if loc.line else loc.path
            if len(f.locations) > 1:
                where += f" (+{len(f.locations) - 1})"
        mark = _style(f"{_MARK[f.status]} {f.status:<7}", f.status, colour)
        lines.append(f"  {f.id:<{width}}  {mark}  {where}")
    for w in repo.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)


def render(repos: list[RepoResult], colour: bool = False) -> str:
    return "\n\n".join(render_repo(r, colour) for r in repos) + "\n"
