"""Scan a repository: list its files safely, read each candidate once into facts, detect evidence.

This is the library API behind ``portfolio-check scan``: ``scan_repo(path)`` returns a ``RepoResult``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from portfolio_check.engine.detect import artifact_role, detect, notebook_only
from portfolio_check.engine.facts import RepoFacts, local_module_names
from portfolio_check.engine.inventory import FileEntry, Skipped, open_listing
from portfolio_check.engine.readers import FileFacts, Reader, file_kind
from portfolio_check.engine.rules import Rules, bundled_rules
from portfolio_check.model import Finding, Location, RepoResult

if TYPE_CHECKING:
    from portfolio_check.engine import hyper

DEFAULT_MAX_FILE_SIZE = 1024 * 1024


class InputError(Exception):
    """A path or option the user gave cannot be used (exit code 2)."""


@dataclass(frozen=True)
class ScanOptions:
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    excludes: tuple[str, ...] = field(default_factory=tuple)
    #: processes that read one repository's files (0: one per core); scans of many repositories in parallel
    #: read each one in a single process
    read_workers: int = 0


#: below this many files to read, starting processes costs more than it saves
PARALLEL_MIN_FILES = 120
#: from this many paths listed by git, files are read while the rest of the listing is judged (the gate and the
#: processes then sized by the paths listed, not the files to read: far above both thresholds, the same choice)
STREAM_MIN_PATHS = 2000
#: files handed to a reading process at a time: from this many up to MAX_CHUNK (see ``batches``)
CHUNK = 24
MAX_CHUNK = 256
_WORKER: tuple[Path, Rules] | None = None


def _read_batch(items: list[tuple[str, str]]) -> list[FileFacts]:
    assert _WORKER is not None
    root, rules = _WORKER
    reader = Reader(rules)
    return [reader.read(root, rel, kind) for rel, kind in items]


def batches(count: int, workers: int) -> list[tuple[int, int]]:
    """(start, end) of the batches ``count`` files are handed out in: big while much is left (fewer result
    messages for the scanning process), then smaller (the processes finish together, none idles at the end)."""
    out: list[tuple[int, int]] = []
    start = 0
    most = min(MAX_CHUNK, max(CHUNK, count // (workers * 16)))  # (a batch's facts are held whole, twice: keep it small)
    while start < count:
        size = max(CHUNK, min(most, (count - start) // (workers * 4)))
        out.append((start, min(count, start + size)))
        start += size
    return out


def read_files(root: Path, work: Iterable[tuple[str, str]], rules: Rules, workers: int,
               expected: int | None = None) -> Iterator[FileFacts]:
    """Each file's facts, in the order of ``work`` (so reports stay byte-identical), read by several processes
    when the repository is big enough and the platform can fork (each process inherits the loaded rules).

    ``work`` may still be coming (a listing judging its paths one by one, ``expected`` of them at most): each batch
    is handed out as soon as it is complete, so the processes read while the rest is listed. ``work`` is taken in
    whole before the first facts are given back."""
    import multiprocessing

    workers = workers or os.cpu_count() or 1
    if expected is None:
        work = list(work)
        expected = len(work)
    if workers <= 1 or expected < PARALLEL_MIN_FILES or "fork" not in multiprocessing.get_all_start_methods():
        reader = Reader(rules)
        for rel, kind in list(work):
            yield reader.read(root, rel, kind)
        return
    import gc
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    global _WORKER
    _WORKER = (root, rules)
    gc.collect()
    gc.freeze()  # what the processes inherit (the rules, compiled patterns) is never looked at by their collector
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)  # here too: facts arrive by the thousand and hold no cycles
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_quiet_collector) as pool:
            pending = deque(pool.submit(_read_batch, batch) for batch in _batched(work, expected, workers))
            while pending:  # in order; each batch let go once taken in
                yield from pending.popleft().result()
    finally:
        _WORKER = None
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _batched(work: Iterable[tuple[str, str]], expected: int, workers: int) -> Iterator[list[tuple[str, str]]]:
    """``work`` in batches: the first half of what ``batches`` plans for ``expected`` items handed out as the
    listing gives them, then the rest, whose true size is known by then (a listing leaves some paths out), cut to
    shrink towards the end."""
    items = iter(work)
    plan = batches(expected, workers)
    for a, b in plan[: len(plan) // 2]:
        batch = list(islice(items, b - a))
        if not batch:
            return
        yield batch
    rest = list(items)
    for a, b in batches(len(rest), workers):
        yield rest[a:b]


def _quiet_collector() -> None:
    """A reading process makes and drops many small objects (syntax trees, matches) that hold no cycles: collect
    less often."""
    import gc

    gc.set_threshold(20_000, 20, 20)


def check_root(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file or directory")
    if not p.is_dir():
        raise InputError(f"{path}: not a directory (give a repository folder)")
    if not os.access(p, os.R_OK | os.X_OK):
        raise InputError(f"{path}: permission denied")
    return p.resolve()


_WEB = re.compile(r"^(?:https://|ssh://git@|git@)(github\.com|gitlab\.com)[:/]([\w.-]+/[\w.-]+?)(?:\.git)?/?$")


def web_base(root: Path, is_git: bool) -> str | None:
    """The repository's page on GitHub or GitLab, for permalinks: in GitHub Actions scanning its own workspace,
    from ``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``; otherwise from the ``origin`` remote."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    server, repo = os.environ.get("GITHUB_SERVER_URL", ""), os.environ.get("GITHUB_REPOSITORY", "")
    if workspace and server.startswith("https://") and re.fullmatch(r"[\w.-]+/[\w.-]+", repo) \
            and os.path.realpath(workspace) == str(root):
        return f"{server.rstrip('/')}/{repo}"
    if not is_git:
        return None
    from portfolio_check.engine import gitsafe

    where = gitsafe.locate(root)
    url = gitsafe.origin_url(where) if isinstance(where, gitsafe.GitLocation) else None
    m = _WEB.match(url or "")
    return f"https://{m.group(1)}/{m.group(2)}" if m else None


def head_commit(root: Path, is_git: bool) -> str | None:
    """The HEAD commit sha, or None (no git, metadata git must not read, or a repository with no commits yet)."""
    if not is_git:
        return None
    from portfolio_check.engine import gitsafe

    where = gitsafe.locate(root)
    return gitsafe.head_commit(where) if isinstance(where, gitsafe.GitLocation) else None


def scan_repo(path: str | os.PathLike[str], options: ScanOptions | None = None,
              rules: Rules | None = None) -> RepoResult:
    opts = options or ScanOptions()
    rules = rules or bundled_rules()
    root = check_root(path)
    skipped = Skipped()
    listing = open_listing(root, max_file_size=opts.max_file_size, extra_excludes=opts.excludes, skipped=skipped)
    is_git = listing.is_git
    entries: list[FileEntry] = []
    kinds: list[str | None] = []

    def to_read(listed: Iterable[FileEntry]) -> Iterator[tuple[str, str]]:
        """The files to read, as the listing judges them (every entry and its kind kept on the way)."""
        for entry in listed:
            kind = file_kind(entry.rel)
            entries.append(entry)
            kinds.append(kind)
            if kind is not None and not entry.too_large:
                yield entry.rel, kind

    if listing.in_order and (listing.listed or 0) >= STREAM_MIN_PATHS:
        # read while the rest is listed; the gate and the processes sized by the paths listed
        work: Iterable[tuple[str, str]] = to_read(listing.entries)
        expected = listing.listed or 0
    else:
        work = list(to_read(sorted(listing.entries, key=lambda e: e.rel)))
        expected = len(work)
    from portfolio_check.engine import hyper

    hyper.activate(gate_for(rules, expected))  # before the reading processes fork: they inherit it
    try:
        results = read_files(root, work, rules, opts.read_workers, expected)
        first = next(results, None)  # the listing is done and the processes at work: judge the paths meanwhile
        modules, tops = local_module_names([e.rel for e in entries])
        facts = RepoFacts(rules, modules, tops)
        for entry, kind in zip(entries, kinds, strict=True):  # (every path before any file's content, as always)
            facts.add_path(entry.rel, entry.size, kind)
        if first is not None:
            facts.add_file(first)
        for ff in results:
            facts.add_file(ff)
    finally:
        hyper.activate(None)
    facts.finish()
    findings = detect(facts, rules)
    if facts.notebook_cells:
        findings = with_cells(findings, facts.notebook_cells)
    warnings = sorted(set(facts.warnings))
    if facts.binary_named_as_text:
        warnings.append(f"{len(facts.binary_named_as_text)} binary file(s) with text names skipped, e.g. "
                        + ", ".join(facts.binary_named_as_text[:3]))
    large = skipped.counts.get("over the size limit", 0)
    if large:
        warnings.append(f"{large} file(s) over the {opts.max_file_size} byte limit not read, e.g. "
                        + ", ".join(skipped.examples["over the size limit"]) + " (raise --max-file-size to read them)")
    odd = skipped.counts.get("name not UTF-8", 0)
    if odd:
        warnings.append(f"{odd} file(s) whose names are not UTF-8 skipped, e.g. "
                        + ", ".join(skipped.examples["name not UTF-8"]))
    subs = skipped.counts.get("submodule not scanned", 0)
    if subs:
        warnings.append(f"{subs} submodule(s) not scanned (scan each one as a repository of its own), e.g. "
                        + ", ".join(skipped.examples["submodule not scanned"]))
    warnings += skipped.notes
    outside = skipped.counts.get("symlink leaving the repository", 0)
    if outside:
        warnings.append(f"{outside} symlink(s) leaving the repository skipped, e.g. "
                        + ", ".join(skipped.examples["symlink leaving the repository"]))
    if facts.files_read == 0:
        what = "the folder is empty" if facts.files_seen == 0 else \
            f"{facts.files_seen} file(s) listed, none of a kind that is read (code, docs, notebooks, configs)"
        warnings.insert(0, f"0 files read ({what}): nothing here could be judged, so every kind shows as missing")
    stats = {"files_listed": facts.files_seen, "files_read": facts.files_read}
    stats.update({f"skipped_{k.replace(' ', '_')}": v for k, v in sorted(skipped.counts.items())})
    return RepoResult(
        path=str(path), name=root.name, commit=head_commit(root, is_git), web=web_base(root, is_git),
        artifact=artifact_role(findings, facts), notebook_only=notebook_only(facts),
        evidence=findings, warnings=tuple(warnings), stats=stats, stack=facts.stack.items(),
    )


def with_cells(findings: tuple[Finding, ...], cells: dict[str, list[tuple[int, int, int]]]) -> tuple[Finding, ...]:
    """Notebook locations told as the cell a reader can find (and the line within it), not a line of raw JSON."""
    from dataclasses import replace

    from portfolio_check.engine.readers.notebook import cell_of

    def located(loc: Location) -> Location:
        found = cell_of(cells[loc.path], loc.line) if loc.path in cells and loc.line else None
        return loc if found is None else replace(loc, cell=found[0], cell_line=found[1])

    return tuple(replace(f, locations=tuple(located(loc) for loc in f.locations)) for f in findings)


#: from this many files to read, the native regex gate pays for loading (or, once, compiling) its database
GATE_MIN_FILES = 400
_GATES: dict[int, object] = {}


def gate_for(rules: Rules, files: int) -> hyper.Gate | None:
    """The native gate for a scan of ``files`` files: ``PORTFOLIO_CHECK_GATE`` = on, off or auto (the default: on
    for big repositories). Results are the same either way; only the time differs."""
    from portfolio_check.engine import hyper

    mode = os.environ.get("PORTFOLIO_CHECK_GATE", "auto").strip().lower()
    if mode == "off" or (mode != "on" and files < GATE_MIN_FILES):
        return None
    if id(rules) not in _GATES:
        _GATES[id(rules)] = hyper.build_gate(rules.regex_sources())
    return _GATES[id(rules)]  # type: ignore[return-value]


def unique_names(results: list[RepoResult]) -> list[RepoResult]:
    """Repositories in one report need distinct names; equal folder names get their path instead."""
    from dataclasses import replace

    counts: dict[str, int] = {}
    for r in results:
        counts[r.name] = counts.get(r.name, 0) + 1
    return [replace(r, name=r.path.rstrip("/")) if counts[r.name] > 1 else r for r in results]
