"""Reading repository content takes time linear in its size: no rule pattern and no reader backtracks, and a
file over its time budget becomes a warning, not a hang.

Growth tests double an input and check the time does not much more than double (timings are compared with each
other, never with a fixed speed, so they hold on a slow machine).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from portfolio_check.engine import budget
from portfolio_check.engine.anchors import required_literals
from portfolio_check.engine.readers import Reader, file_kind
from portfolio_check.engine.rules import _compiled, _scoped, bundled_rules
from portfolio_check.engine.scan import scan_repo


def _seconds(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _grows_linearly(small: float, big: float) -> bool:
    return big <= 3 * small + 0.05


ADVERSARIAL: dict[str, Callable[[str, int], str]] = {
    "repeated": lambda lit, n: (lit + " ") * n,
    "table row": lambda lit, n: ("|" + lit) * n + "|",
    "blank lines": lambda lit, n: lit + ":" + "\n" * (4 * n) + "x",
    "spaces": lambda lit, n: lit + " " * (4 * n) + "x",
    "numbers": lambda lit, n: (lit + " 0.") * n,
    "heading": lambda lit, n: "#" + " " * (4 * n) + lit,
}


def test_every_rule_pattern_runs_in_linear_time():
    rules = bundled_rules()
    slow = []
    for pat in rules.patterns:
        for rx in pat.regexes:
            source = _scoped(rx, pat.ignore_case)
            regex = _compiled(source)
            lit = sorted(required_literals(source) or {"a"})[0]
            for name, make in ADVERSARIAL.items():
                small_text, big_text = make(lit, 600), make(lit, 1200)
                small = _seconds(lambda t=small_text, r=regex: sum(1 for _ in r.finditer(t)))
                big = _seconds(lambda t=big_text, r=regex: sum(1 for _ in r.finditer(t)))
                if not _grows_linearly(small, big):
                    slow.append(f"{pat.tag} on {name}: {small:.3f} s -> {big:.3f} s ({rx[:60]})")
    assert not slow, "\n".join(slow)


READER_CASES: dict[str, Callable[[int], str]] = {
    # issue 12's reproductions, scaled by n
    ".github/workflows/nightly.yml": lambda n: "on:\n  schedule:\n    - cron: nightly" + "\n" * n + "x: 1\n",
    "README.md": lambda n: "#" + " " * n + "\n" + "| model | acc |\n|---|---|\n|" + "baseline|" * (n // 4) + "\n",
    "web/app.js": lambda n: "import " * n,
    "src/cont.py": lambda n: "import a\\\n" * (n // 4) + "x = (\n",
    "requirements.txt": lambda n: "\n".join(f"pkg{i}" for i in range(n // 4)),
    "analysis.ipynb": lambda n: json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": f"## Step {i}\n\nWe chose it because.\n"}
        for i in range(n // 8)] + [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": "import os\n"}
        for _ in range(n // 8)]}),
    "docs/results.md": lambda n: "\n".join(f"| row {i} | 0.{i % 10} | baseline |" for i in range(n // 4)),
}


@pytest.mark.parametrize("rel", list(READER_CASES))
def test_each_reader_is_linear_in_its_input(tmp_path: Path, rel: str):
    reader = Reader(bundled_rules())
    times = []
    for n in (8_000, 16_000):
        root = tmp_path / str(n)
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(READER_CASES[rel](n), encoding="utf-8")
        kind = file_kind(rel)
        assert kind is not None
        times.append(_seconds(lambda root=root, kind=kind: reader.read(root, rel, kind)))
    assert _grows_linearly(*times), f"{rel}: {times[0]:.3f} s -> {times[1]:.3f} s"
    assert times[1] < 5


def test_a_file_over_its_read_budget_is_a_warning_and_the_scan_goes_on(tmp_path: Path, monkeypatch):
    (tmp_path / "slow.md").write_text("# Results\n\n" + "We chose it because it was faster.\n" * 2000)
    (tmp_path / "app.py").write_text("import fastapi\n")
    monkeypatch.setattr(budget, "READ_BUDGET", -1.0)
    monkeypatch.setattr(budget.start, "__defaults__", (-1.0,))
    result = scan_repo(tmp_path)
    assert any("took more than" in w and "slow.md" in w for w in result.warnings)
    assert result.stats["files_read"] == 2
