"""Reports are never written through a link planted in a scanned folder: ``-o``, ``--output-dir`` and the step
summary refuse links, special files and files with other hard links, and nothing outside is overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from _ci import assert_input_error, make_model_repo, run

VICTIM_TEXT = "precious\n"


@pytest.fixture
def layout(tmp_path, monkeypatch):
    """A scanned folder (the current directory, as when a mentor runs the tool inside it) and a victim outside."""
    repo = make_model_repo(tmp_path / "repo")
    victim_dir = tmp_path / "home"
    victim_dir.mkdir()
    victim = victim_dir / ".bashrc"
    victim.write_text(VICTIM_TEXT)
    monkeypatch.chdir(repo)
    return repo, victim


def untouched(victim: Path) -> bool:
    return victim.read_text() == VICTIM_TEXT and sorted(p.name for p in victim.parent.iterdir()) == [".bashrc"]


def test_o_never_writes_through_a_planted_link(layout):
    repo, victim = layout
    (repo / "REPORT.md").symlink_to(victim)
    assert_input_error(run(".", "--format", "markdown", "-o", "REPORT.md"), "REPORT.md: refused: a symbolic link")
    assert untouched(victim)


def test_o_never_writes_below_a_planted_folder_link(layout):
    repo, victim = layout
    (repo / "reports").symlink_to(victim.parent)
    result = run(".", "--format", "markdown", "-o", "reports/.bashrc")
    assert_input_error(result, "refused:", "is a symbolic link inside a scanned folder")
    assert untouched(victim)


def test_output_dir_never_follows_a_planted_link(layout):
    repo, victim = layout
    (repo / "reports").symlink_to(victim.parent)
    assert_input_error(run(".", "--output-dir", "reports"), "reports: refused:")
    assert untouched(victim)


@pytest.mark.parametrize("name", ["index.md", "repo.md", "repo.json"])
def test_output_dir_never_writes_through_a_planted_report_link(layout, name):
    repo, victim = layout
    (repo / "reports").mkdir()
    (repo / "reports" / name).symlink_to(victim)
    assert_input_error(run(".", "--output-dir", "reports"), "refused: a symbolic link")
    assert untouched(victim)


def test_o_refuses_a_file_with_another_hard_link(layout):
    repo, victim = layout
    os.link(victim, repo / "REPORT.md")
    assert_input_error(run(".", "-o", "REPORT.md"), "refused: a file with other hard links")
    assert untouched(victim)


def test_o_refuses_a_fifo_without_blocking(layout):
    repo, _ = layout
    os.mkfifo(repo / "REPORT.md")
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", ".", "-o", "REPORT.md"], cwd=repo,
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 2 and "REPORT.md: refused: a named pipe (FIFO)" in proc.stderr


def test_the_step_summary_is_never_appended_through_a_link(layout, monkeypatch):
    repo, victim = layout
    (repo / "summary.md").symlink_to(victim)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(repo / "summary.md"))
    result = run(".")
    assert result.exit_code == 0
    assert "cannot write the step summary (a symbolic link" in result.stderr
    assert untouched(victim)


def test_ordinary_outputs_still_work(layout, tmp_path):
    repo, victim = layout
    (repo / "REPORT.md").write_text("old report, longer than the new one " * 1000)
    assert run(".", "--format", "markdown", "-o", "REPORT.md").exit_code == 0
    assert (repo / "REPORT.md").read_text().startswith("# Portfolio report") and "old report" not in \
        (repo / "REPORT.md").read_text()
    mine = tmp_path / "my-reports"
    mine.mkdir()
    (tmp_path / "link-to-mine").symlink_to(mine)  # the user's own link, outside the scanned folder: followed
    assert run(".", "--format", "json", "-o", str(tmp_path / "link-to-mine" / "r.json")).exit_code == 0
    assert (mine / "r.json").exists()
    assert run(".", "--output-dir", str(tmp_path / "link-to-mine" / "batch")).exit_code == 0
    assert (mine / "batch" / "index.md").exists()
    assert untouched(victim)
