"""Scan a repository: list its files safely, read each candidate once into facts, detect evidence.

This is the library API behind ``portfolio-check scan``: ``scan_repo(path)`` returns a ``RepoResult``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from portfolio_check.engine.detect import artifact_role, detect, notebook_only
from portfolio_check.engine.facts import Hit, RepoFacts, local_module_names
from portfolio_check.engine.inventory import Skipped, list_files
from portfolio_check.engine.readers import Reader, file_kind
from portfolio_check.engine.rules import Rules, bundled_rules
from portfolio_check.engine.structure import writeups
from portfolio_check.model import RepoResult

DEFAULT_MAX_FILE_SIZE = 1024 * 1024


class InputError(Exception):
    """A path or option the user gave cannot be used (exit code 2)."""


@dataclass(frozen=True)
class ScanOptions:
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    excludes: tuple[str, ...] = field(default_factory=tuple)


def check_root(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file or directory")
    if not p.is_dir():
        raise InputError(f"{path}: not a directory (give a repository folder)")
    if not os.access(p, os.R_OK | os.X_OK):
        raise InputError(f"{path}: permission denied")
    return p.resolve()


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
    entries, is_git = list_files(root, max_file_size=opts.max_file_size, extra_excludes=opts.excludes,
                                 skipped=skipped)
    modules, tops = local_module_names([e.rel for e in entries])
    facts = RepoFacts(rules, modules, tops)
    reader = Reader(rules)
    for entry in entries:
        facts.add_path(entry.rel, entry.size)
        if entry.too_large:
            continue
        kind = file_kind(entry.rel)
        if kind is None:
            continue
        ff = reader.read(root, entry.rel, kind)
        facts.add_file(ff)
        experimental = rules.is_experimental(entry.rel)
        if ff.provenance != "author":
            continue
        for tag, line, text in writeups.judge(ff, rules):
            facts.add_hit(tag, Hit(entry.rel, line, "doc", experimental, text))
    facts.finish()
    findings = detect(facts, rules)
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
    stats = {"files_listed": facts.files_seen, "files_read": facts.files_read}
    stats.update({f"skipped_{k.replace(' ', '_')}": v for k, v in sorted(skipped.counts.items())})
    return RepoResult(
        path=str(path), name=root.name, commit=head_commit(root, is_git),
        artifact=artifact_role(findings, facts), notebook_only=notebook_only(facts),
        evidence=findings, warnings=tuple(warnings), stats=stats,
    )


def unique_names(results: list[RepoResult]) -> list[RepoResult]:
    """Repositories in one report need distinct names; equal folder names get their path instead."""
    from dataclasses import replace

    counts: dict[str, int] = {}
    for r in results:
        counts[r.name] = counts.get(r.name, 0) + 1
    return [replace(r, name=r.path.rstrip("/")) if counts[r.name] > 1 else r for r in results]
