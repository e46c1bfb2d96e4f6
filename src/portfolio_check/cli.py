"""The command line: a thin shell over the library (parsing arguments, choosing output, exit codes).

Exit codes: 0 ok; 1 a score is below --fail-under; 2 usage or input error.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from portfolio_check import __version__

EXIT_OK, EXIT_BELOW, EXIT_INPUT = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"portfolio-check: error: {message}", err=True)
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
    your repositories (never running them), shows where each piece of evidence is, and what is missing.
    """


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to FILE instead of standard output.")
@click.option("--max-file-size", default="1M", show_default=True, metavar="SIZE",
              help="Skip files larger than this (bytes, or with k/M/G).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also skip paths matching GLOB (repeatable).")
def scan(paths: tuple[str, ...], fmt: str, output: str | None, max_file_size: str, exclude: tuple[str, ...]) -> None:
    """Scan repositories (default: the current directory) and report the evidence found."""
    from portfolio_check.scan import InputError, ScanOptions, check_root, scan_repo

    try:
        size = _size(max_file_size)
    except click.BadParameter as exc:
        _fail(f"--max-file-size: {exc.message}")
    targets = list(paths) or ["."]
    try:
        for t in targets:
            check_root(t)
        opts = ScanOptions(max_file_size=size, excludes=exclude)
        results = [scan_repo(t, opts) for t in targets]
    except InputError as exc:
        _fail(str(exc))
    text = _render(results, fmt, colour=output is None and sys.stdout.isatty())
    _emit(text, output)


def _render(results: list[Any], fmt: str, colour: bool) -> str:
    if fmt == "json":
        from portfolio_check.report import report_dict, to_json

        return to_json(report_dict(results))
    from portfolio_check.render_text import render

    return render(results, colour=colour)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
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
