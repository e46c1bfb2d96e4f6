"""Reports with roles are deterministic: the same portfolio gives byte-identical markdown and JSON, in one process
and across processes with different hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT, NOTEBOOK_ONLY, build
from _repos import git_repo
from click.testing import CliRunner

from portfolio_check.cli import main


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory) -> list[str]:
    base = tmp_path_factory.mktemp("det")
    ai = build(base, "rag-assistant", AI_APP)
    git_repo(ai).close()
    return [str(ai), str(build(base, "churn-model", MODEL_PROJECT)), str(build(base, "design-memo", MEMO_REPO)),
            str(build(base, "nb-churn", NOTEBOOK_ONLY))]


@pytest.mark.parametrize("fmt", ["markdown", "json", "text"])
def test_two_runs_are_byte_identical(portfolio, fmt):
    first = CliRunner().invoke(main, ["scan", "--format", fmt, *portfolio])
    second = CliRunner().invoke(main, ["scan", "--format", fmt, *portfolio])
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes
    assert b"Machine learning engineer" in first.stdout_bytes or b"ml-engineer" in first.stdout_bytes


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_runs_in_processes_with_different_hash_seeds_are_byte_identical(portfolio, fmt):
    outs = []
    for seed in ("0", "1", "987654"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", "--format", fmt, *portfolio],
                              capture_output=True, env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1] == outs[2]


def test_markdown_file_output_equals_stdout(portfolio, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a report written where it is read links the same way as one printed there
    out = tmp_path / "report.md"
    to_file = CliRunner().invoke(main, ["scan", "--format", "markdown", "--output", str(out), *portfolio])
    to_stdout = CliRunner().invoke(main, ["scan", "--format", "markdown", *portfolio])
    assert to_file.exit_code == to_stdout.exit_code == 0
    assert out.read_bytes() == to_stdout.stdout_bytes


def test_a_big_repository_read_by_several_processes_gives_the_same_report(tmp_path):
    """Files of a big repository are read by several processes; the facts are added in the files' own order, so
    the report is the same as when one process reads them all."""
    from _portfolio import AI_APP
    from _repos import write_tree

    from portfolio_check.engine.scan import PARALLEL_MIN_FILES, ScanOptions, scan_repo
    from portfolio_check.render.report import report_dict, to_json

    files = dict(AI_APP)
    for i in range(PARALLEL_MIN_FILES + 10):
        files[f"pkg/module_{i:03d}.py"] = f"import logging\n\nlogger = logging.getLogger(__name__)\nVALUE = {i}\n"
        files[f"docs/note_{i:03d}.md"] = f"# Note {i}\n\nWe chose option {i} because it was faster than the rest.\n"
    root = write_tree(tmp_path / "big", files)
    one = to_json(report_dict([scan_repo(root, ScanOptions(read_workers=1))]))
    many = to_json(report_dict([scan_repo(root, ScanOptions(read_workers=2))]))
    assert one == many
    assert '"status": "strong"' in one


def test_reading_while_the_listing_goes_on_gives_the_report_of_reading_after_it(tmp_path, monkeypatch):
    """A big git repository is read while its listing still judges the later paths (git lists them sorted): the
    report, its counts of files listed, read and skipped included, is the one a scan that lists first gives."""
    from _portfolio import AI_APP
    from _repos import git_repo, write_tree

    from portfolio_check.engine import scan
    from portfolio_check.engine.scan import ScanOptions, scan_repo
    from portfolio_check.render.report import report_dict, to_json

    files: dict[str, str | bytes] = dict(AI_APP)
    for i in range(130):
        files[f"pkg/module_{i:03d}.py"] = f"import logging\n\nlogger = logging.getLogger(__name__)\nVALUE = {i}\n"
        files[f"docs/note_{i:03d}.md"] = f"# Note {i}\n\nWe chose option {i} because it was faster than the rest.\n"
        files[f"assets/plot_{i:03d}.png"] = b"\x89PNG\r\n\x1a\n" + bytes(40)
    files["node_modules/lib/index.js"] = "export const x = 1\n"  # an excluded folder
    files["data/huge.json"] = "[" + "1," * 600_000 + "1]"  # over the size limit
    files[".gitignore"] = "ignored/\n"
    files["ignored/secret.py"] = "import openai\n"
    root = write_tree(tmp_path / "big", files)
    git_repo(root)
    (root / "zz_untracked_notes.md").write_text("# Later\n\nAn untracked note read too.\n", encoding="utf-8")

    def report(stream_from: int, workers: int) -> str:
        monkeypatch.setattr(scan, "STREAM_MIN_PATHS", stream_from)
        return to_json(report_dict([scan_repo(root, ScanOptions(read_workers=workers))]))

    listed_first = report(10**9, 1)
    assert report(0, 2) == listed_first
    assert report(0, 1) == listed_first
    assert '"files_read"' in listed_first and "skipped_over_the_size_limit" in listed_first
