"""Shared helpers for the scanner tests: build a repository in tmp_path, scan it, check the invariants.

Every scan done through ``scan_checked`` (or the ``scan`` fixture) is also checked against the invariants a
user relies on, so they hold over every fixture of the suite, not only the ones in test_scan_invariants.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import pytest

from portfolio_check.engine.rules import bundled_rules
from portfolio_check.engine.scan import ScanOptions, scan_repo
from portfolio_check.model import RepoResult

STATUSES = ("missing", "weak", "strong")


def line_count(path: Path) -> int:
    data = path.read_bytes()
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def line_text(root: Path, path: str, line: int | None) -> str:
    """The text of one reported line (the whole file when line is None)."""
    text = (root / path).read_text(encoding="utf-8", errors="replace")
    if line is None:
        return text
    return text.splitlines()[line - 1]


def assert_invariants(root: Path, result: RepoResult) -> None:
    """What every report must satisfy, whatever the repository."""
    real_root = Path(os.path.realpath(root))
    ids = [f.id for f in result.evidence]
    assert ids == list(bundled_rules().evidence_ids), "every catalog id once, in catalog order"
    for f in result.evidence:
        assert f.status in STATUSES, f
        if f.status == "missing":
            assert f.locations == (), f"{f.id}: missing but points somewhere: {f.locations}"
        else:
            assert len(f.locations) >= 1, f"{f.id} is {f.status} without a location to open"
        for loc in f.locations:
            p = loc.path
            assert isinstance(p, str) and p, loc
            assert "\\" not in p and not p.startswith(("/", "./")), f"not repo-relative POSIX: {p}"
            assert PurePosixPath(p).as_posix() == p and ".." not in PurePosixPath(p).parts, p
            full = real_root / p
            assert full.is_file(), f"{f.id}: location {p} is not a file of the repository"
            inside = Path(os.path.realpath(full)).is_relative_to(real_root)
            assert inside, f"{f.id}: {p} resolves outside the repo"
            if loc.line is not None:
                assert isinstance(loc.line, int)
                assert 1 <= loc.line <= line_count(full), f"{f.id}: {p}:{loc.line} beyond the file's lines"
            assert len(loc.text) <= 160 and not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in loc.text), loc
            if loc.line is not None and loc.text and not p.endswith(".ipynb") and " → " not in loc.text:
                words = re.findall(r"\w{3,}", loc.text)
                line = line_text(root, p, loc.line)
                assert not words or any(w in line for w in words[:5]), f"{f.id}: {loc} is not what {p} says there"


def scan_checked(root: Path, **options: object) -> RepoResult:
    opts = ScanOptions(**options) if options else None  # type: ignore[arg-type]
    result = scan_repo(root, opts)
    assert_invariants(root, result)
    return result


def non_missing(result: RepoResult) -> dict[str, str]:
    return {f.id: f.status for f in result.evidence if f.status != "missing"}


def all_location_paths(result: RepoResult) -> set[str]:
    return {loc.path for f in result.evidence for loc in f.locations}


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """make_repo(files, name="repo") -> path of a folder holding ``files`` (path -> text or bytes)."""
    from _repos import write_tree

    def _make(files: dict[str, str | bytes], name: str = "repo") -> Path:
        return write_tree(tmp_path / name, files)

    return _make


@pytest.fixture
def scan() -> Callable[..., RepoResult]:
    return scan_checked


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch):
    """Tests never append to a real GitHub job summary, even when the suite itself runs in GitHub Actions."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
