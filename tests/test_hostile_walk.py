"""Hostile plain folders against the walk: .gitignore patterns that backtrack, a folder 1,500 levels deep, huge or
special .gitignore files. Matching is linear by construction (tests below measure growth); the walk has no
recursion; a .gitignore is read only if it is a regular file under the size limit."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from _repos import TRAIN_SCRIPT, write_tree

from portfolio_check.engine import gitignore
from portfolio_check.engine.gitignore import GitIgnore
from portfolio_check.engine.inventory import Skipped, list_files
from portfolio_check.engine.scan import scan_repo
from portfolio_check.targets import remove_tree

BACKTRACKER = "*a" * 40 + "*b"  # exponential for a backtracking regex like [^/]*a[^/]*a...b on 'aaaa...'


def best_time(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def test_a_backtracking_gitignore_pattern_against_a_long_name_is_fast(tmp_path):
    """The reproduction from issue 12, in a real process (a backtracking matcher never ends: the timeout fails it)."""
    root = write_tree(tmp_path / "repo", {".gitignore": BACKTRACKER + "\n" + "**/a*a*a*a*a*a*a*/**/b\n",
                                          "train.py": TRAIN_SCRIPT, "a" * 250: "x = 1\n"})
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", str(root), "--format", "json"],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode in (0, 1) and time.monotonic() - start < 20
    entries, _ = list_files(root, max_file_size=1 << 20)
    assert "a" * 250 in [e.rel for e in entries]


@pytest.mark.parametrize("pattern", ["*a*a*a*b", "**/a/**/a/**/a/**/a/**/b", "a*a*a*a*a*/**/*a*a*a*b/**",
                                     BACKTRACKER])
def test_matching_time_grows_linearly_with_the_path(pattern):
    ignore = GitIgnore()
    ignore.add_file("", "\n".join([pattern] * 20))

    def path(n: int) -> str:
        return "/".join(["a" * 200] * (n // 200))

    short, long_ = path(20_000), path(40_000)
    t1 = best_time(lambda: ignore.ignored(short, False))
    t2 = best_time(lambda: ignore.ignored(long_, False))
    assert t2 < 3 * t1 + 0.002, f"doubling the path took {t2 / t1:.1f}x as long"
    assert t2 < 0.5


@pytest.mark.parametrize(("pattern", "path", "is_dir", "expected"), [
    ("*.py", "src/app.py", False, True),
    ("*.py", "src/app.pyc", False, False),
    ("/dist", "dist", True, True),
    ("/dist", "x/dist", True, False),
    ("build/", "x/build", True, True),
    ("a/**/b", "a/b", False, True),
    ("a/**/b", "a/x/y/b", False, True),
    ("a/**/b", "a/x/y/c", False, False),
    ("**/foo", "x/y/foo", False, True),
    ("foo/**", "foo/x/y", False, True),
    ("foo/**", "foo", True, False),
    ("doc/*.txt", "doc/x/a.txt", False, False),
    ("a?c", "abc", False, True),
    ("a?c", "a/c", False, False),
    ("[!a]x", "bx", False, True),
    ("[!a]x", "ax", False, False),
    ("x*y*z", "xaayaaz", False, True),
    ("x*y*z", "xaay/az", False, False),
    ("a**b", "a/cb", False, False),  # '**' next to other characters is an ordinary '*', as in git
    ("\\#hash", "#hash", False, True),
    ("*a*a*b", "aab", False, True),
    ("*a*a*b", "aba", False, False),
])
def test_patterns_keep_gitignore_semantics(pattern, path, is_dir, expected):
    ignore = GitIgnore()
    ignore.add_file("", pattern)
    assert ignore.ignored(path, is_dir) is expected


def test_a_folder_1500_levels_deep_is_walked_without_recursion(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "train.py").write_text(TRAIN_SCRIPT)
    deep = root
    for _ in range(1500):
        deep = deep / "d"
        deep.mkdir()  # one level at a time: mkdir(parents=True) itself recurses
    (deep / "notes.md").write_text("# notes\n")
    start = time.monotonic()
    entries, is_git = list_files(root, max_file_size=1 << 20)
    assert not is_git and time.monotonic() - start < 10
    assert len(entries) == 2 and entries[0].rel.count("/") == 1500
    assert scan_repo(root).finding("training").status == "strong"
    remove_tree(root)  # pytest's own clean-up (shutil.rmtree) recurses: a tree this deep would break it


def test_a_huge_gitignore_is_not_read(tmp_path):
    root = write_tree(tmp_path / "repo", {"train.py": TRAIN_SCRIPT, "logs/run.log": "x"})
    with (root / ".gitignore").open("wb") as fh:
        fh.truncate(2 * 1024**3)  # sparse: 2 GB that take no disk
    skipped = Skipped()
    start = time.monotonic()
    entries, _ = list_files(root, max_file_size=1 << 20, skipped=skipped)
    assert time.monotonic() - start < 5
    assert skipped.notes == [".gitignore: not read (larger than the 1 MiB limit); its rules were not applied"]
    assert "train.py" in [e.rel for e in entries]


def test_a_gitignore_that_is_a_fifo_never_blocks(tmp_path):
    root = write_tree(tmp_path / "repo", {"train.py": TRAIN_SCRIPT})
    os.mkfifo(root / ".gitignore")
    os.mkfifo(root / "pipe.py")
    start = time.monotonic()
    result = scan_repo(root)
    assert time.monotonic() - start < 5
    assert result.finding("training").status == "strong"


def test_too_many_gitignore_rules_are_cut_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(gitignore, "MAX_IGNORE_RULES", 10)
    rules = "\n".join(f"pattern{i}" for i in range(20)) + "\nignored.py\n"
    root = write_tree(tmp_path / "repo", {".gitignore": rules, "train.py": TRAIN_SCRIPT, "ignored.py": "x"})
    skipped = Skipped()
    entries, _ = list_files(root, max_file_size=1 << 20, skipped=skipped)
    assert skipped.notes == ["more than 10 .gitignore rules: the rest were not applied"]
    assert "ignored.py" in [e.rel for e in entries]  # its rule came after the cut
