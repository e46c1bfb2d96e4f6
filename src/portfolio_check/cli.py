"""The command line: a thin shell over the library (parsing arguments, choosing output, exit codes).

Exit codes: 0 ok; 1 a role's score is below --fail-under; 2 usage or input error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from portfolio_check import __version__
from portfolio_check.render.sanitize import terminal

if TYPE_CHECKING:
    from portfolio_check.config import Config
    from portfolio_check.judge.checklists import Checklist
    from portfolio_check.layout import Home

EXIT_OK, EXIT_BELOW, EXIT_INPUT = 0, 1, 2
FORMATS = ["text", "json", "markdown", "html", "github", "badge"]


def _line(text: str, err: bool = False) -> None:
    """Print one line; whatever it quotes (paths, names, git's or a server's words) cannot act on the terminal."""
    click.echo(terminal(text), err=err)


def _fail(message: str) -> NoReturn:
    for i, line in enumerate(message.splitlines() or [message]):
        _line(f"portfolio-check: error: {line}" if i == 0 else f"  {line}", err=True)
    sys.exit(EXIT_INPUT)


def _notice(message: str) -> None:
    _line(f"portfolio-check: notice: {message}", err=True)


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    v = value.strip().lower().removesuffix("b").removesuffix("i")
    mult = units.get(v[-1:], 1)
    num = v[:-1] if v[-1:] in units else v
    try:
        n = int(float(num) * mult)
    except (ValueError, OverflowError):
        raise click.BadParameter(f"{value!r} is not a size (e.g. 1048576, 512k, 2M)") from None
    if n <= 0:
        raise click.BadParameter("must be positive")
    return n


def run() -> None:
    """The console script: ``main`` with a last resort that keeps the documented exit codes."""
    try:
        main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("portfolio-check: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, most likely met on unusual input: one line, not a traceback
        _line(f"portfolio-check: error: unexpected {type(exc).__name__}: {exc} "
                   "(please report this with the command you ran)", err=True)
        sys.exit(EXIT_INPUT)


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
    from portfolio_check.engine.rules import bundled_rules
    from portfolio_check.judge.checklists import ChecklistError, bundled_checklists, load_checklist

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
              help="text: terminal summary; json: full report; markdown: gap report; html: one self-contained "
                   "page; github: workflow annotations; badge: shields.io endpoint JSON.")
@click.option("--output", "-o", "outputs", multiple=True, metavar="[FORMAT=]FILE",
              help="Write the report to FILE instead of standard output. FORMAT=FILE (repeatable) writes that "
                   "format as well, from the same scan: -o json=report.json -o html=report.html.")
@click.option("--role", "roles", multiple=True, metavar="ROLE",
              help="Judge only this role (repeatable; default: every role). See `portfolio-check roles`.")
@click.option("--target", default=None, metavar="ROLE",
              help="The role you aim for: build-next works toward it (default: every role not yet complete).")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="N",
              help="Exit 1 when the score of a gated role (--role, --target or the config's role) is below N.")
@click.option("--checklist", "checklist_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Add a custom checklist (TOML); one with a bundled role's id replaces it.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Read settings from FILE (default: the first repository's .portfolio-check.toml or "
                   "[tool.portfolio-check] in its pyproject.toml).")
@click.option("--compare", "compare_file", type=click.Path(dir_okay=False), default=None, metavar="OLD.json",
              help="Show score changes and items that moved since an earlier JSON report.")
@click.option("--fail-on-regression", is_flag=True,
              help="With --compare: exit 1 when a judged role's score drops or one of its items moves down "
                   "(met to partial or gap, partial to gap).")
@click.option("--max-file-size", default=None, metavar="SIZE",
              help="Skip files larger than this (bytes, or with k/M/G; default 1M; notebooks get 8x).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also skip paths matching GLOB (repeatable).")
@click.option("--ref", default=None, metavar="REF", help="Branch or tag to clone for URL targets.")
@click.option("--manifest", "manifest_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="TOML list of [[repo]] (source, candidate, artifact, ref) to scan in one batch.")
@click.option("--jobs", "-j", type=click.IntRange(1, 256), default=None, metavar="N",
              help="Scan this many repositories in parallel (default: the CPU count).")
@click.option("--output-dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Write one markdown and one JSON report per candidate (or per repository) and an index.")
@click.option("--color", "--colour", "color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in the terminal report (auto: on a terminal, unless NO_COLOR is set; "
                                      "FORCE_COLOR turns it on).")
@click.option("--brief", "with_brief", is_flag=True,
              help="Add the interview brief (the --target role's loop, or both loops) to markdown and HTML reports.")
@click.option("--self", "own_repo", is_flag=True,
              help="This is my own repository: apply its own checklists, waivers and max-file-size. Without it "
                   "they are shown in a notice but not applied (reviewer mode), except in GitHub Actions run on "
                   "the scanned repository itself.")
def scan(paths: tuple[str, ...], fmt: str, outputs: tuple[str, ...], roles: tuple[str, ...], target: str | None,
         fail_under: float | None, checklist_files: tuple[str, ...], config_file: str | None,
         compare_file: str | None, fail_on_regression: bool, max_file_size: str | None, exclude: tuple[str, ...],
         ref: str | None, manifest_file: str | None, jobs: int | None, output_dir: str | None, color: str,
         with_brief: bool, own_repo: bool) -> None:
    """Scan repositories (default: the current directory), report the evidence and the gaps per role.

    PATH may be a local folder or a git URL (https://, ssh://, git@host:path, file://), cloned shallow.
    """
    import os

    from portfolio_check.engine.scan import InputError, ScanOptions
    from portfolio_check.judge.checklists import did_you_mean
    from portfolio_check.targets import Failure, Target, load_manifest, looks_remote, scan_targets

    output, also = _outputs(outputs)
    if output_dir and outputs:
        _fail("--output and --output-dir: choose one (--output-dir writes every format per candidate)")
    if fail_on_regression and not compare_file:
        _fail("--fail-on-regression needs --compare OLD.json (the report to compare with)")
    try:
        targets = [Target(p, ref=ref) for p in paths]
        if manifest_file:
            targets += [t if t.ref or not ref else Target(t.source, t.candidate, t.artifact, ref)
                        for t in load_manifest(manifest_file)]
    except InputError as exc:
        _fail(str(exc))
    if not targets:
        targets = [Target(".")]
    named = {t.candidate for t in targets if t.candidate}
    if manifest_file and not output_dir and len(named) > 1:
        _fail(f"{manifest_file}: names {len(named)} candidates; give --output-dir DIR to write one report per "
              "candidate (one report would merge them into one portfolio)")
    # a repository's own settings (waivers included) apply only when one local repository (or folders of one) is
    # scanned: in a batch or for a URL, the reviewer's --config decides, never a scanned repository
    from portfolio_check.layout import home_of

    local = not manifest_file and not output_dir and not any(looks_remote(t.source) for t in targets)
    home = home_of([t.source for t in targets]) if local else None
    own = home is not None
    if own_repo and not own:
        _fail("--self: only for one local repository, your own (not with URLs, folders of several repositories, "
              "--manifest or "
              "--output-dir)")
    # reviewer mode, the default: a repository's own checklists and waivers do not apply unless its owner says so
    # (--self) or this is the repository's own CI
    reviewer = own and not config_file and not (own_repo or _own_ci(home))
    cfg = _config(config_file, home, lenient=reviewer)
    unapplied = _unapplied(config_file, home, targets, local and not own)
    if unapplied:
        _notice(unapplied)
    if reviewer:
        cfg = _reviewer_view(cfg)
    for note in cfg.notices:
        _notice(note)
    # a bad value is blamed on where it came from: the flag, or the configuration file and key
    roles_from = "--role" if roles else f"{cfg.source}: roles"
    roles = roles or cfg.roles
    under_from = "--fail-under" if fail_under is not None else f"{cfg.source}: fail-under"
    fail_under = fail_under if fail_under is not None else cfg.fail_under
    size_from = "--max-file-size" if max_file_size else f"{cfg.source}: max-file-size"
    size_text = max_file_size or cfg.max_file_size or "1M"
    try:
        size = _size(size_text)
    except click.BadParameter as exc:
        _fail(f"{size_from}: {exc.message}")
    checklists = _checklists(cfg.checklists + checklist_files)
    known_roles = [c.id for c in checklists]
    for r in roles:
        if r not in known_roles:
            _fail(f"{roles_from}: unknown role {r!r}{did_you_mean(r, known_roles)} (known: {', '.join(known_roles)})")
    target_from = "--target" if target else f"{cfg.source}: target"
    target = target or cfg.target
    if target is not None:
        if target not in known_roles:
            _fail(f"{target_from}: unknown role {target!r}{did_you_mean(target, known_roles)} "
                  f"(known: {', '.join(known_roles)})")
        if roles and target not in roles:
            roles = (*roles, target)
    # the gate checks the roles the user chose, never a guess: with none chosen, a threshold is refused
    gated = tuple(dict.fromkeys(roles)) if roles else ((target,) if target else ())
    if fail_under and not gated:  # (a threshold of 0 gates nothing: it cannot fail)
        if reviewer and under_from != "--fail-under":
            _notice(f"{under_from} gates no role (the repository names none); not applied")
            fail_under = None
        else:
            _fail(f"{under_from}: which role does the threshold gate? Give --role ROLE (repeatable) or "
                  "--target ROLE, or set `role` in the configuration")
    known_items = sorted({i.id for c in checklists for i in c.items})
    for w in cfg.waivers:
        if w.item not in known_items:
            _fail(f"{cfg.source}: waivers: unknown item {w.item!r}{did_you_mean(w.item, known_items)} "
                  "(see `portfolio-check explain ROLE`)")
    old = None
    if compare_file:
        from portfolio_check.compare import CompareError, load_old

        try:
            old = load_old(compare_file)
        except CompareError as exc:
            _fail(str(exc))
    opts = ScanOptions(max_file_size=size, excludes=tuple(cfg.exclude) + exclude)
    targets, layout = _portfolio_layout(targets, home, cfg, opts, chosen_config=bool(config_file) and not paths)
    from portfolio_check.engine.gitsafe import git_executable

    git_executable()  # resolved once, before any scan (parallel workers inherit it)
    results = _run_scans(targets, opts, jobs or os.cpu_count() or 1, scan_targets)
    failures = [r for r in results if isinstance(r, Failure)]
    for f in failures:
        _line(f"portfolio-check: error: {f.reason}", err=True)
    pairs = [(t, r) for t, r in zip(targets, results, strict=True) if not isinstance(r, Failure)]
    if not pairs:
        if len(targets) > 1:
            _line(f"portfolio-check: 0 of {len(targets)} targets could be scanned", err=True)
        sys.exit(EXIT_INPUT)
    waivers = {w.item: w for w in cfg.waivers}
    # reports are never written below a link planted inside a scanned folder
    local_roots = [t.source for t in targets if not looks_remote(t.source)]
    from portfolio_check.render.view import View

    view = View(target=target, all_roles=not roles, fail_under=fail_under, gated=gated, failures=tuple(failures),
                layout=layout, brief=with_brief,
                colour=_colour(color, output is None and fmt == "text"))
    roles = tuple(dict.fromkeys(roles))
    moved: list[str] = []
    if output_dir:
        below = _write_batch(output_dir, pairs, failures, checklists, roles, waivers, view, local_roots)
    else:
        below, comparison = _report_one(pairs, checklists, roles, waivers, fmt, output, also, view, old,
                                        compare_file, local_roots)
        if fail_on_regression and comparison is not None:
            from portfolio_check.compare import regressions

            moved = regressions(comparison)
    if below:
        _line(f"portfolio-check: below --fail-under {fail_under:g}: {', '.join(below)}", err=True)
    if moved:
        _line(f"portfolio-check: regressed since {compare_file}: {'; '.join(moved)}", err=True)
    if failures:
        sys.exit(EXIT_INPUT)
    if below or moved:
        sys.exit(EXIT_BELOW)


def _outputs(values: tuple[str, ...]) -> tuple[str | None, list[tuple[str, str]]]:
    """``-o FILE`` (the --format report; at most one) and ``-o FORMAT=FILE`` (more formats from the same scan)."""
    plain: list[str] = []
    also: list[tuple[str, str]] = []
    for v in values:
        fmt, sep, path = v.partition("=")
        if sep and fmt in FORMATS:
            if not path:
                _fail(f"--output {v}: no file after '='")
            also.append((fmt, path))
        else:
            plain.append(v)
    if len(plain) > 1:
        _fail(f"--output: {len(plain)} files for one --format; write the others as FORMAT=FILE "
              "(e.g. -o json=report.json)")
    files = plain + [p for _, p in also]
    dupes = sorted({f for f in files if files.count(f) > 1})
    if dupes:
        _fail(f"--output: {dupes[0]} is given twice")
    return (plain[0] if plain else None), also


def _colour(choice: str, terminal_out: bool) -> bool:
    """--color, then FORCE_COLOR, then NO_COLOR (https://no-color.org), then whether standard output is a
    terminal."""
    import os

    if choice != "auto":
        return choice == "always"
    if os.environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    if os.environ.get("NO_COLOR", ""):
        return False
    return terminal_out and sys.stdout.isatty()


def _config(config_file: str | None, home: Home | None, lenient: bool = False) -> Config:
    """``--config FILE``, or the settings found from the scanned folders up to their repository's top; ``lenient``
    (reviewer mode): a repository's unusable settings are a notice, not an error (the candidate's file cannot stop
    a reviewer's scan)."""
    from portfolio_check.config import Config, ConfigError, discover_config, load_config_file

    try:
        if config_file:
            return load_config_file(config_file)
        if home is not None:
            return discover_config(home)
    except ConfigError as exc:
        if not lenient or config_file:
            _fail(str(exc))
        lines = str(exc).splitlines()
        more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
        return Config(notices=(f"{lines[0]}{more}; the repository's settings were not used",))
    return Config()


def _own_ci(home: Home | None) -> bool:
    """GitHub Actions running in the scanned repository itself (its workspace is the scanned repository)."""
    import os

    workspace = os.environ.get("GITHUB_WORKSPACE")
    if home is None or os.environ.get("GITHUB_ACTIONS") != "true" or not workspace:
        return False
    return Path(os.path.realpath(workspace)) in (home.start, home.top)


def _unapplied(config_file: str | None, home: Home | None, targets: list[Any], several: bool) -> str | None:
    """A one-line notice naming settings files that exist but are not used by this scan, or None."""
    from portfolio_check.config import ConfigError, discover_config
    from portfolio_check.layout import home_of

    homes = [home] if home is not None and config_file else []
    if several:  # folders of different repositories: no repository's settings decide for the others
        homes = [h for h in (home_of([t.source]) for t in targets) if h is not None]
    found = []
    for h in homes:
        try:
            cfg = discover_config(h)
        except ConfigError:
            continue
        if cfg.source:
            found.append(cfg.source)
    if not found:
        return None
    why = f"--config {config_file} is used" if config_file else \
        "the folders belong to different repositories; give --config FILE to apply one"
    more = f" (and {len(found) - 2} more)" if len(found) > 2 else ""
    return f"{', '.join(found[:2])}{more}: not applied ({why})"


def _portfolio_layout(targets: list[Any], home: Home | None, cfg: Config, opts: Any,
                      chosen_config: bool = False) -> tuple[list[Any], dict[str, Any] | None]:
    """The projects a scan of a portfolio repository judges: its configured ``projects`` (when the folder holding
    the settings is scanned, or ``--config`` is given with no PATH), else the detected layout (several top-level
    project folders); scanned folders that are configured projects get their artifact and name. Returns the
    targets and what the report says about the layout (None: not a portfolio repository)."""
    from dataclasses import replace

    from portfolio_check.layout import detect_projects, may_hold_projects
    from portfolio_check.targets import Target

    if home is None:
        return targets, None
    root = Path(cfg.source).parent.resolve() if cfg.source else None
    if len(targets) == 1 and root is not None and (home.start == root or chosen_config) and cfg.projects:
        chosen = [Target(p.source, None, p.artifact, p.ref, p.name) for p in cfg.projects]
        return chosen, {"source": "config", "file": cfg.source, "projects": [_project_name(p) for p in cfg.projects]}
    if len(targets) == 1 and not cfg.projects and may_hold_projects(home.start):
        from portfolio_check.engine.inventory import list_files

        try:
            entries, _ = list_files(home.start, max_file_size=opts.max_file_size, extra_excludes=opts.excludes)
        except OSError:
            return targets, None
        found = detect_projects(home.start, [e.rel for e in entries])
        if found:
            base = targets[0].source.rstrip("/")
            shown = ", ".join(found)
            _notice(f"{len(found)} project folders found ({shown}); judged as one portfolio "
                    "(list them as `projects` in [tool.portfolio-check] to choose)")
            return [Target(f"{base}/{d}" if base not in ("", ".") else d) for d in found], \
                {"source": "detected", "file": None, "projects": found}
        return targets, None
    by_folder = {Path(p.source).resolve(): p for p in cfg.projects if p.local}
    out = []
    for t in targets:
        p = by_folder.get(Path(t.source).resolve())
        out.append(replace(t, artifact=t.artifact or p.artifact, name=p.name) if p else t)
    return out, None


def _project_name(p: Any) -> str:
    from portfolio_check.targets import redact, repo_name

    return str(p.name or (Path(p.source).name if p.local else redact(repo_name(p.source))))


def _reviewer_view(cfg: Config) -> Config:
    """The repository's settings without what would let it judge itself: its own checklists and waivers, and its
    max-file-size (a resource limit is the reviewer's); what was left out is named in a notice."""
    from dataclasses import replace

    left = []
    if cfg.checklists:
        left.append("checklists " + ", ".join(Path(c).name for c in cfg.checklists[:3]))
    if cfg.waivers:
        left.append("waivers for " + ", ".join(w.item for w in cfg.waivers[:3]))
    if cfg.max_file_size:
        left.append(f"max-file-size {cfg.max_file_size}")
    if not left:
        return cfg
    note = (f"{cfg.source}: its {'; '.join(left)} are shown here but not applied (reviewer mode: this is not the "
            "repository's own CI; its owner scans with --self)")
    return replace(cfg, checklists=(), waivers=(), max_file_size=None, notices=(*cfg.notices, note))


def _shown(source: str) -> str:
    from portfolio_check.targets import redact

    return redact(source)


def _run_scans(targets: list[Any], opts: Any, jobs: int, scan_targets: Any) -> list[Any]:
    if len(targets) > 1 and sys.stderr.isatty():
        bar: Any
        with click.progressbar(length=len(targets), label="Scanning", file=sys.stderr,
                               item_show_func=lambda t: terminal(_shown(t.source)[-40:]) if t else None) as bar:
            return list(scan_targets(targets, opts, jobs, progress=lambda t: bar.update(1, t)))
    return list(scan_targets(targets, opts, jobs))


def _report_one(pairs: list[Any], checklists: Any, roles: tuple[str, ...], waivers: dict[str, Any], fmt: str,
                output: str | None, also: list[tuple[str, str]], view: Any, old: Any, compare_file: str | None,
                roots: list[str]) -> tuple[list[str], Any]:
    """One portfolio: every repository judged together, every requested format rendered from the one scan.
    Returns the gated roles below the threshold and the comparison (None without --compare)."""
    import os
    from dataclasses import replace

    from portfolio_check.engine.scan import unique_names
    from portfolio_check.judge.verdict import judge
    from portfolio_check.render.ci_outputs import write_step_summary
    from portfolio_check.render.output import render

    results = unique_names([r for _, r in pairs])
    verdicts = judge(checklists, results, roles=roles, waivers=waivers)
    comparison = None
    if old is not None and compare_file is not None:
        from portfolio_check.compare import compare

        comparison = compare(old, compare_file, results, verdicts)

    def page(path: str | None) -> Any:  # links open from the folder the report is written to (here, if printed)
        return replace(view, out_dir=str(Path(path).absolute().parent) if path else None)

    _emit(render(results, verdicts, fmt, page(output), comparison), output, roots, colour=view.colour)
    for extra_fmt, path in also:
        _emit(render(results, verdicts, extra_fmt, replace(page(path), colour=False), comparison), path, roots)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        # the job summary has no folder: links only to the host, at the scanned commit
        md = render(results, verdicts, "markdown", replace(view, relative_links=False, colour=False), comparison)
        from portfolio_check.safeio import UnsafeFile

        try:
            write_step_summary(md)
        except (OSError, UnsafeFile) as exc:
            _line(f"portfolio-check: warning: cannot write the step summary ({exc})", err=True)
    if os.environ.get("GITHUB_OUTPUT"):
        from portfolio_check.render.ci_outputs import github_outputs, write_github_outputs
        from portfolio_check.safeio import UnsafeFile

        try:
            write_github_outputs(github_outputs(verdicts, view))
        except (OSError, UnsafeFile) as exc:
            _line(f"portfolio-check: warning: cannot write the step outputs ({exc})", err=True)
    return [f"{v.checklist.id} {v.score:g}" for v in verdicts if view.below(v)], comparison


def _write_batch(output_dir: str, pairs: list[Any], failures: list[Any], checklists: Any, roles: tuple[str, ...],
                 waivers: dict[str, Any], view: Any, roots: list[str]) -> list[str]:
    """One report per candidate plus the index; returns the candidates' roles below the threshold."""
    from portfolio_check.engine.scan import unique_names
    from portfolio_check.judge.verdict import judge
    from portfolio_check.render.output import group_by_candidate, write_batch
    from portfolio_check.safeio import UnsafeFile

    candidates = []
    for name, results in group_by_candidate(pairs):
        results = unique_names(results)
        candidates.append((name, results, judge(checklists, results, roles=roles, waivers=waivers)))
    try:
        reports = write_batch(Path(output_dir), candidates, failures, view, roots=roots)
    except UnsafeFile as exc:
        _fail(f"{output_dir}: refused: {exc}")
    except OSError as exc:
        _fail(f"{output_dir}: cannot write the reports ({exc.strerror or exc})")
    scanned = sum(len(r.results) for r in reports)
    _line(f"wrote {len(reports)} report(s) and {Path(output_dir) / 'index.html'} "
          f"({scanned} of {scanned + len(failures)} repositories scanned)", err=True)
    return [f"{r.name}: {v.checklist.id} {v.score:g}" for r in reports for v in r.verdicts if view.below(v)]


def _emit(text: str, output: str | None, roots: list[str], colour: bool = False) -> None:
    """Print the report, or write it to ``output``: never through a link, into a special file, or below a link
    planted inside a scanned folder (``roots``)."""
    from portfolio_check.safeio import UnsafeFile, write_text

    if output is None:
        click.echo(text, nl=False, color=colour)  # click would strip colour a pipe was asked to get
        return
    from portfolio_check.safeio import check_parents

    try:
        check_parents(output, roots)
        Path(output).parent.mkdir(parents=True, exist_ok=True)  # -o reports/today/report.md just works
        write_text(output, text, roots=roots)
    except UnsafeFile as exc:
        _fail(f"{output}: refused: {exc}")
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror or exc})")


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--role", "roles", multiple=True, type=click.Choice(["ai-engineer", "ml-engineer"]), metavar="ROLE",
              help="The interview loop: ai-engineer or ml-engineer (repeatable; default: the loop a --job posting "
                   "looks like, else both).")
@click.option("--job", "job_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A job posting (plain text or markdown, saved by you): its loop, each requirement against the "
                   "portfolio, and what is unmapped.")
@click.option("--format", "fmt", type=click.Choice(["markdown", "text", "json", "html"]), default="markdown",
              show_default=True)
@click.option("--output", "-o", default=None, metavar="FILE", help="Write the brief to FILE.")
def brief(paths: tuple[str, ...], roles: tuple[str, ...], job_file: str | None, fmt: str, output: str | None) -> None:
    """The interview brief: for each signal of the role's interview loop, the proof in your repositories, the
    questions to expect, and what you cannot back yet; a review card per repository; the fit to a job posting."""
    import os

    from portfolio_check.engine.scan import InputError, ScanOptions, unique_names
    from portfolio_check.judge.brief import build_brief
    from portfolio_check.render import brief as render_brief
    from portfolio_check.render.view import View
    from portfolio_check.targets import Failure, Target, looks_remote, scan_targets

    posting = None
    if job_file:
        from portfolio_check.judge.jobfit import PostingError, read_posting

        try:
            posting = read_posting(job_file)
        except PostingError as exc:
            _fail(str(exc))
    targets = [Target(p) for p in paths] or [Target(".")]
    try:
        results = _run_scans(targets, ScanOptions(), os.cpu_count() or 1, scan_targets)
    except InputError as exc:
        _fail(str(exc))
    failures = [r for r in results if isinstance(r, Failure)]
    for f in failures:
        _line(f"portfolio-check: error: {f.reason}", err=True)
    repos = unique_names([r for r in results if not isinstance(r, Failure)])
    if not repos:
        sys.exit(EXIT_INPUT)
    fit = None
    if posting is not None and job_file is not None:
        from portfolio_check.judge.jobfit import fit as job_fit

        fit = job_fit(job_file, posting, repos)
    chosen = tuple(dict.fromkeys(roles)) or (fit.roles if fit is not None else ("ai-engineer", "ml-engineer"))
    the_brief = build_brief(repos, chosen, fit)
    view = View(out_dir=str(Path(output).absolute().parent) if output else None)
    if fmt == "json":
        text = render_brief.to_json(the_brief, repos)
    elif fmt == "text":
        text = render_brief.text(the_brief, repos)
    elif fmt == "html":
        text = render_brief.html(the_brief, repos, view)
    else:
        text = render_brief.markdown(the_brief, repos, view)
    _emit(text, output, [t.source for t in targets if not looks_remote(t.source)])
    if failures:
        sys.exit(EXIT_INPUT)


@main.command()
def evidence() -> None:
    """Print the evidence catalog: each kind, what strong and weak look like, and why it matters."""
    from portfolio_check.engine.rules import bundled_rules

    for kind in bundled_rules().evidence:
        _line(f"{kind.id} — {kind.title}")
        _line(f"  strong: {kind.strong_looks_like}")
        _line(f"  weak:   {kind.weak_looks_like}")
        _line(f"  why:    {kind.why}")
        click.echo("")


@main.command()
@click.option("--checklist", "checklist_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Include a custom checklist.")
def roles(checklist_files: tuple[str, ...]) -> None:
    """List the roles (checklists) with a one-line description."""
    lists = _checklists(checklist_files)
    width = max(len(c.id) for c in lists)
    for c in lists:
        _line(f"{c.id:<{width}}  {c.title}: {c.description}")


@main.command()
@click.argument("item_id", metavar="ID")
@click.option("--checklist", "checklist_files", multiple=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Include a custom checklist.")
def explain(item_id: str, checklist_files: tuple[str, ...]) -> None:
    """Explain a checklist item, an evidence kind or a role: what it asks, why, and how to close the gap."""
    from portfolio_check.engine.rules import bundled_rules
    from portfolio_check.judge.checklists import cite, did_you_mean, find_item

    lists = _checklists(checklist_files)
    hit = find_item(item_id, lists)
    if hit is not None:
        cl, item = hit
        _line(f"{item.id} — {item.title}  (role: {cl.id}, weight {item.weight:g})")
        need = f"{item.match} of {', '.join(item.evidence)} at level {item.level}"
        _line(f"  needs:  {need}" + (f", judged on the {item.artifact} repository" if item.artifact else ""))
        _line(f"  why:    {item.source.claim}  (source: {cite(item.source)})")
        _line(f"  advice: {item.advice}")
        return
    for kind in bundled_rules().evidence:
        if kind.id == item_id:
            _line(f"{kind.id} — {kind.title}: {kind.what}")
            _line(f"  strong: {kind.strong_looks_like}")
            _line(f"  weak:   {kind.weak_looks_like}")
            _line(f"  why:    {kind.why}")
            users = [i.id for c in lists for i in c.items if kind.id in i.evidence]
            _line(f"  used by: {', '.join(users) if users else '(no checklist item)'}")
            return
    for cl in lists:
        if cl.id == item_id:
            _line(f"{cl.id} — {cl.title}: {cl.description}")
            for item in cl.items:
                _line(f"  {item.id}  (weight {item.weight:g}): {item.title}")
            return
    known = [i.id for c in lists for i in c.items] + [k.id for k in bundled_rules().evidence] + [c.id for c in lists]
    _fail(f"{item_id!r} is not a checklist item, evidence kind or role{did_you_mean(item_id, known)} "
          "(try `portfolio-check roles`)")


@main.command("validate-checklist")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate_checklist(files: tuple[str, ...]) -> None:
    """Check custom checklist files against the schema and the evidence catalog."""
    from portfolio_check.engine.rules import bundled_rules
    from portfolio_check.judge.checklists import ChecklistError, load_checklist

    known = bundled_rules().evidence_ids
    problems = []
    for f in files:
        try:
            cl = load_checklist(f, known)
            _line(f"{f}: ok ({cl.id}, {len(cl.items)} items)")
        except ChecklistError as exc:
            problems.append(str(exc))
    if problems:
        _fail("\n".join(problems))
