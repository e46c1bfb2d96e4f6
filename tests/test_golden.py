"""Golden-file tests of the reports for the bundled examples: markdown, HTML and text, and a batch's index.

The scans run from the repository root (so the report's paths and links are relative, as a user would run
``portfolio-check scan examples/portfolio/* --format markdown``). Two things change with every commit or release and are
normalised before comparing: the 12-character commit shas (``commit `0123456789ab` ``) and the tool version in the
first paragraph.

After an intended change to the report, regenerate the golden files with this one command and review the diff:

    PORTFOLIO_CHECK_REGEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from portfolio_check import __version__

REPO_ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
EXAMPLES = sorted(p.name for p in (REPO_ROOT / "examples" / "portfolio").iterdir() if p.is_dir())
REGEN = os.environ.get("PORTFOLIO_CHECK_REGEN") == "1"

pytestmark = pytest.mark.skipif(not (REPO_ROOT / ".git").exists(),
                                reason="the examples carry commit shas only in a git checkout")

_SHA = re.compile(r"commit(:? | <code>| `)[0-9a-f]{12}\b")
_VERSION = re.compile(r"portfolio-check " + re.escape(__version__) + r"\b")


def normalise(report: str) -> str:
    out = _SHA.sub(lambda m: f"commit{m.group(1)}<sha>", report)
    return _VERSION.sub("portfolio-check <version>", out)


@cache
def scan_markdown(*extra: str, fmt: str = "markdown") -> str:
    """Run the CLI in a real process from the repository root, as `portfolio-check scan examples/portfolio/* ...`."""
    cmd = [sys.executable, "-m", "portfolio_check", "scan", *(f"examples/portfolio/{e}" for e in EXAMPLES),
           "--format", fmt, *extra]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stderr == b""
    return proc.stdout.decode("utf-8")


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.is_file(), f"{path} is missing; run: PORTFOLIO_CHECK_REGEN=1 python -m pytest tests/test_golden.py"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"{name} differs from the golden file; if the change is intended, run: "
                                "PORTFOLIO_CHECK_REGEN=1 python -m pytest tests/test_golden.py")


def test_normalisation_removes_everything_that_changes_per_commit():
    raw = scan_markdown()
    assert _SHA.search(raw), "the examples should show their commit"
    assert f"portfolio-check {__version__} read 4 repositories" in raw
    out = normalise(raw)
    assert "commit `<sha>`" in out
    assert not re.search(r"commit `(?!<sha>`)", out)
    assert not re.search(r"\b[0-9a-f]{40}\b", out)
    assert __version__ not in out.split("\n", 3)[2]
    for fmt in ("text", "html"):
        other = normalise(scan_markdown(fmt=fmt))
        assert "<sha>" in other and not re.search(r"\b[0-9a-f]{12,40}\b", other)
    assert str(REPO_ROOT) not in out  # run from the root: every path is relative


def test_examples_markdown_matches_golden():
    check_golden("examples.md", normalise(scan_markdown()))


def test_examples_markdown_for_ml_engineer_matches_golden():
    check_golden("examples-ml-engineer.md", normalise(scan_markdown("--role", "ml-engineer")))


def test_examples_html_matches_golden():
    check_golden("examples.html", normalise(scan_markdown(fmt="html")))


def test_examples_text_matches_golden():
    check_golden("examples.txt", normalise(scan_markdown(fmt="text")))


def test_examples_batch_index_matches_golden(tmp_path):
    out = tmp_path / "cohort"
    cmd = [sys.executable, "-m", "portfolio_check", "scan", *(f"examples/portfolio/{e}" for e in EXAMPLES),
           "--output-dir", str(out)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    for name in ("index.md", "index.html", "index.csv"):
        check_golden(f"examples-{name}", (out / name).read_text(encoding="utf-8"))


def test_golden_files_hold_what_a_reader_needs():
    """A cheap sanity check on the stored files themselves, so a bad regeneration is noticed in review."""
    full = (GOLDEN / "examples.md").read_text(encoding="utf-8")
    for heading in ("# Portfolio report", "## Readiness", "## Build next", "## Roles", "## Repositories"):
        assert f"\n{heading}\n" in f"\n{full}"
    for example in EXAMPLES:
        assert f"<summary>{example} — " in full
        assert f"`examples/portfolio/{example}` · commit `<sha>`" in full
        assert f"| {example} " in full.split("## Build next", 1)[0] or f" {example} |" in full  # in the matrix
    assert full.count("| Role | Score | | Met | Partial | Gaps |") == 1
    one = (GOLDEN / "examples-ml-engineer.md").read_text(encoding="utf-8")
    assert "| Machine learning engineer |" in one
    assert "| AI engineer |" not in one and "(closest)" not in one
    html = (GOLDEN / "examples.html").read_text(encoding="utf-8")
    assert "<h2>Build next</h2>" in html and "<svg" in html
    text = (GOLDEN / "examples.txt").read_text(encoding="utf-8")
    assert "Build next (" in text and "Roles (score out of 100)" in text


def test_every_link_in_the_examples_report_opens_an_existing_line():
    from urllib.parse import unquote

    outside_code = re.sub(r"(`+)[^`].*?\1", "", scan_markdown())  # matched text shown as code is not a link
    targets = re.findall(r"\]\(([^)\s]+)\)", outside_code)
    assert len(targets) > 50
    for target in targets:
        path, _, anchor = unquote(target).partition("#L")
        full = REPO_ROOT / path
        assert full.is_file(), target
        if anchor:
            assert 1 <= int(anchor) <= len(full.read_text(encoding="utf-8").splitlines()), target
