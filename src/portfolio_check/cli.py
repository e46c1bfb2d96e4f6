"""The command line: a thin shell over the library (parsing arguments, choosing output, exit codes).

Exit codes: 0 ok; 1 a role's score is below --fail-under; 2 usage or input error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from portfolio_check import __version__

if TYPE_CHECKING:
    from portfolio_check.checklists import Checklist

EXIT_OK, EXIT_BELOW, EXIT_INPUT = 0, 1, 2
FORMATS = ["text", "json", "markdown"]


def _fail(message: str) -> NoReturn:
    for i, line in enumerate(message.splitlines() or [message]):
        click.echo(f"portfolio-check: error: {line}" if i == 0 else f"  {line}", err=True)
    sys.exit(EXIT_INPUT)


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    v = value.strip().lower().removesuffix("b").removesuffix("i")
    mult = units.get(v[-1:], 1)
    num = v[:-1] if v[-1:] in units else v
    try:
        n = int(float(num) * mult)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a size (e.g. 1048576, 512k, 2M)") from None
    if n <= 0:
        raise click.BadParameter("must be positive")
    return n


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portfolio-check")
def main() -> None:
    """Scan AI/ML project repositories for the proof hiring managers look for.

    Evals, latency and cost numbers, monitoring, baselines, a served model, a postmortem: portfolio-check reads
    your repositories (never running them), shows where each piece of evidence is, scores the portfolio per role
    and says what to add next.

    Exit codes: 0 ok, 1 a score is below --fail-under, 2 usage or input error.
    """


def _checklists(extra: tuple[str, ...]) -> tuple[Checklist, ...]:
    from portfolio_check.checklists import ChecklistError, bundled_checklists, load_checklist
    from portfolio_check.rules import bundled_rules

    lists = list(bundled_checklists())
    known = bundled_rules().evidence_ids
    for path in extra:
        try:
            cl = load_checklist(path, known)
        except ChecklistError as exc:
            _fail(str(exc))
        lists = [c for c in lists if c.id != cl.id] + [cl]
    return tuple(lists)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text: a terminal summary; json: the full report; markdown: the gap report.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Write the report to FILE instead of standard output.")
@click.option("--role", "roles", multiple=True, metavar="ROLE",
              help="Judge only this role (repeatable; default: every role). See `portfolio-check roles`.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="N",
              help="Exit 1 when the score of a selected role is below N (0-100).")
@click.option("--checklist", "checklist_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Add a custom checklist (TOML); one with a bundled role's id replaces it.")
@click.option("--max-file-size", default="1M", show_default=True, metavar="SIZE",
              help="Skip files larger than this (bytes, or with k/M/G); notebooks get 8x.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also skip paths matching GLOB (repeatable).")
def scan(paths: tuple[str, ...], fmt: str, output: str | None, roles: tuple[str, ...], fail_under: float | None,
         checklist_files: tuple[str, ...], max_file_size: str, exclude: tuple[str, ...]) -> None:
    """Scan repositories (default: the current directory), report the evidence and the gaps per role."""
    from portfolio_check.scan import InputError, ScanOptions, check_root, scan_repo, unique_names
    from portfolio_check.verdict import judge

    try:
        size = _size(max_file_size)
    except click.BadParameter as exc:
        _fail(f"--max-file-size: {exc.message}")
    checklists = _checklists(checklist_files)
    known_roles = [c.id for c in checklists]
    for r in roles:
        if r not in known_roles:
            _fail(f"--role: unknown role {r!r} (known: {', '.join(known_roles)})")
    targets = list(paths) or ["."]
    try:
        for t in targets:
            check_root(t)
        opts = ScanOptions(max_file_size=size, excludes=exclude)
        results = unique_names([scan_repo(t, opts) for t in targets])
    except InputError as exc:
        _fail(str(exc))
    verdicts = judge(checklists, results, roles=tuple(dict.fromkeys(roles)))
    text = _render(results, verdicts, fmt, colour=output is None and sys.stdout.isatty(), all_roles=not roles)
    _emit(text, output)
    if fail_under is not None and any(v.score < fail_under for v in verdicts):
        below = ", ".join(f"{v.checklist.id} {v.score:g}" for v in verdicts if v.score < fail_under)
        click.echo(f"portfolio-check: below --fail-under {fail_under:g}: {below}", err=True)
        sys.exit(EXIT_BELOW)


def _render(results: list[Any], verdicts: list[Any], fmt: str, colour: bool, all_roles: bool) -> str:
    if fmt == "json":
        from portfolio_check.report import portfolio_dict, report_dict, roles_dict, to_json

        return to_json(report_dict(results, {"roles": roles_dict(verdicts),
                                             "portfolio": portfolio_dict(results, verdicts)}))
    titles = _titles()
    if fmt == "markdown":
        from portfolio_check.render_markdown import render as render_md

        return render_md(results, verdicts, titles, all_roles=all_roles)
    from portfolio_check.render_text import render

    return render(results, verdicts, colour=colour)


def _titles() -> dict[str, str]:
    from portfolio_check.rules import bundled_rules

    return {k.id: k.title for k in bundled_rules().evidence}


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with Path(output).open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror or exc})")


@main.command()
def evidence() -> None:
    """Print the evidence catalog: each kind, what strong and weak look like, and why it matters."""
    from portfolio_check.rules import bundled_rules

    for kind in bundled_rules().evidence:
        click.echo(f"{kind.id} — {kind.title}")
        click.echo(f"  strong: {kind.strong_looks_like}")
        click.echo(f"  weak:   {kind.weak_looks_like}")
        click.echo(f"  why:    {kind.why}")
        click.echo("")


@main.command()
@click.option("--checklist", "checklist_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Include a custom checklist.")
def roles(checklist_files: tuple[str, ...]) -> None:
    """List the roles (checklists) with a one-line description."""
    lists = _checklists(checklist_files)
    width = max(len(c.id) for c in lists)
    for c in lists:
        click.echo(f"{c.id:<{width}}  {c.title}: {c.description}")


@main.command()
@click.argument("item_id", metavar="ID")
@click.option("--checklist", "checklist_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Include a custom checklist.")
def explain(item_id: str, checklist_files: tuple[str, ...]) -> None:
    """Explain a checklist item, an evidence kind or a role: what it asks, why, and how to close the gap."""
    from portfolio_check.checklists import find_item
    from portfolio_check.rules import bundled_rules

    lists = _checklists(checklist_files)
    hit = find_item(item_id, lists)
    if hit is not None:
        cl, item = hit
        click.echo(f"{item.id} — {item.title}  (role: {cl.id}, weight {item.weight:g})")
        need = f"{item.match} of {', '.join(item.evidence)} at level {item.level}"
        click.echo(f"  needs:  {need}" + (f", judged on the {item.artifact} repository" if item.artifact else ""))
        click.echo(f"  why:    {item.source.claim}  [{item.source.file}]")
        click.echo(f"  advice: {item.advice}")
        return
    for kind in bundled_rules().evidence:
        if kind.id == item_id:
            click.echo(f"{kind.id} — {kind.title}: {kind.what}")
            click.echo(f"  strong: {kind.strong_looks_like}")
            click.echo(f"  weak:   {kind.weak_looks_like}")
            click.echo(f"  why:    {kind.why}")
            users = [i.id for c in lists for i in c.items if kind.id in i.evidence]
            click.echo(f"  used by: {', '.join(users) if users else '(no checklist item)'}")
            return
    for cl in lists:
        if cl.id == item_id:
            click.echo(f"{cl.id} — {cl.title}: {cl.description}")
            for item in cl.items:
                click.echo(f"  {item.id}  (weight {item.weight:g}): {item.title}")
            return
    _fail(f"{item_id!r} is not a checklist item, evidence kind or role (try `portfolio-check roles`)")


@main.command("validate-checklist")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_checklist(files: tuple[str, ...]) -> None:
    """Check custom checklist files against the schema and the evidence catalog."""
    from portfolio_check.checklists import ChecklistError, load_checklist
    from portfolio_check.rules import bundled_rules

    known = bundled_rules().evidence_ids
    problems = []
    for f in files:
        try:
            cl = load_checklist(f, known)
            click.echo(f"{f}: ok ({cl.id}, {len(cl.items)} items)")
        except ChecklistError as exc:
            problems.append(str(exc))
    if problems:
        _fail("\n".join(problems))
