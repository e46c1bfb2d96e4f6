"""The command line as a user runs it: exit codes, error messages, JSON output, --output, size limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from _repos import (
    CHROMA_RAG,
    DESIGN_MEMO,
    DOCKERFILE,
    FASTAPI_APP,
    PROMETHEUS_APP,
    PYTEST_FILE,
    TRAIN_SCRIPT,
    git_repo,
    notebook,
)
from click.testing import CliRunner

from portfolio_check.cli import main
from portfolio_check.engine.rules import bundled_rules
from portfolio_check.engine.scan import scan_repo

IDS = bundled_rules().evidence_ids

PROJECT = {
    "app/main.py": PROMETHEUS_APP,
    "app/rag.py": CHROMA_RAG,
    "Dockerfile": DOCKERFILE,
    "train.py": TRAIN_SCRIPT,
    "tests/test_main.py": PYTEST_FILE,
    "notebooks/eda.ipynb": notebook(
        ("code", "import pandas as pd\ndf = pd.read_csv('data.csv')\ndf.describe()"),
    ),
    "docs/design.md": DESIGN_MEMO,
    "README.md": "# triage\n\nMeasured p95 latency: 420 ms.\n\n## Known issues\n\n- slow cold start\n",
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def project(make_repo):
    root = make_repo(PROJECT)
    git_repo(root).close()
    return root


def _json(result) -> dict:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- bad input ----------------------------------------------------------------------------------------------


def test_missing_path_exits_2_with_one_line_error(runner, tmp_path):
    missing = tmp_path / "no-such-repo"
    result = runner.invoke(main, ["scan", str(missing)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no-such-repo" in lines[0] and "error" in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_path_in_a_real_process_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", str(tmp_path / "gone")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_file_instead_of_folder_exits_2(runner, tmp_path):
    f = tmp_path / "train.py"
    f.write_text("print('hi')\n")
    result = runner.invoke(main, ["scan", str(f)])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "train.py" in result.stderr
    assert "Traceback" not in result.stderr


def test_one_bad_path_among_good_ones_exits_2_and_reports_the_rest(runner, project, tmp_path):
    # a batch goes on past one broken repository (issue 4), but the run still fails with exit 2
    result = runner.invoke(main, ["scan", "--format", "json", str(project), str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "missing" in result.stderr and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert [r["path"] for r in report["repos"]] == [str(project)]


@pytest.mark.parametrize("size", ["abc", "0", "-5"])
def test_bad_max_file_size_exits_2(runner, project, size):
    result = runner.invoke(main, ["scan", "--max-file-size", size, str(project)])
    assert result.exit_code == 2
    assert "max-file-size" in result.stderr
    assert "Traceback" not in result.stderr


# --- JSON report --------------------------------------------------------------------------------------------


def test_json_output_is_valid_and_matches_the_library(runner, project):
    report = _json(runner.invoke(main, ["scan", "--format", "json", str(project)]))
    (repo,) = report["repos"]
    assert [e["id"] for e in repo["evidence"]] == list(IDS)
    lib = scan_repo(project)
    assert {e["id"]: e["status"] for e in repo["evidence"]} == {f.id: f.status for f in lib.evidence}
    assert repo["commit"] == lib.commit is not None
    status = {e["id"]: e["status"] for e in repo["evidence"]}
    assert status["serving"] == status["monitoring"] == status["retrieval"] == status["training"] == "strong"
    for e in repo["evidence"]:
        for loc in e["locations"]:
            assert {"path", "line", "text"} <= set(loc) <= {"path", "line", "text", "cell", "cell_line"}
            assert (project / loc["path"]).is_file()
            if loc["line"] is not None and e["status"] != "missing":  # the text shown is the text at that line
                lines = (project / loc["path"]).read_text().splitlines()
                if not loc["path"].endswith(".ipynb"):
                    assert " ".join(loc["text"].rstrip("…").split()) in " ".join(lines[loc["line"] - 1].split())


def test_json_for_several_repositories(runner, project, make_repo):
    other = make_repo({"app/main.py": FASTAPI_APP}, "other")
    report = _json(runner.invoke(main, ["scan", "--format", "json", str(project), str(other)]))
    assert len(report["repos"]) == 2
    serving = [next(e["status"] for e in r["evidence"] if e["id"] == "serving") for r in report["repos"]]
    assert serving == ["strong", "weak"]
    assert report["repos"][1]["commit"] is None


def test_output_file_is_written(runner, project, tmp_path):
    out = tmp_path / "report.json"
    result = runner.invoke(main, ["scan", "--format", "json", "--output", str(out), str(project)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = out.read_text(encoding="utf-8")
    stdout_run = runner.invoke(main, ["scan", "--format", "json", str(project)])
    assert written == stdout_run.stdout
    assert json.loads(written)["repos"][0]["name"] == project.name


def test_output_to_unwritable_place_exits_2(runner, project, tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["scan", "--output", str(tmp_path / "a-file" / "dir" / "r.txt"), str(project)])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_text_output_lists_every_kind_and_its_status(runner, project):
    result = runner.invoke(main, ["scan", str(project)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    for f in scan_repo(project).evidence:
        assert any(f.id in ln and f.status in ln for ln in lines), f.id


def test_max_file_size_makes_files_be_skipped(runner, project):
    small = _json(runner.invoke(main, ["scan", "--format", "json", "--max-file-size", "10", str(project)]))
    (repo,) = small["repos"]
    # only path signals (file names) can still count; no file content was read
    assert repo["stats"]["files_read"] == 0
    assert repo["stats"]["skipped_over_the_size_limit"] == repo["stats"]["files_listed"]
    status = {e["id"]: e["status"] for e in repo["evidence"]}
    assert status["monitoring"] == status["retrieval"] == status["training"] == "missing"
    assert any("10 byte limit" in w for w in repo["warnings"])
    default = _json(runner.invoke(main, ["scan", "--format", "json", str(project)]))
    assert default["repos"][0]["stats"]["files_read"] == len(PROJECT)


def test_max_file_size_accepts_units(runner, project):
    report = _json(runner.invoke(main, ["scan", "--format", "json", "--max-file-size", "1k", str(project)]))
    stats = report["repos"][0]["stats"]
    big = [rel for rel in PROJECT if (project / rel).stat().st_size > 1024 and not rel.endswith(".ipynb")]
    assert big, "fixture should hold a file over 1 KiB"
    assert stats["skipped_over_the_size_limit"] == len(big)


def test_exclude_glob_skips_paths(runner, project):
    report = _json(runner.invoke(main, ["scan", "--format", "json", "--exclude", "app/*", str(project)]))
    status = {e["id"]: e["status"] for e in report["repos"][0]["evidence"]}
    assert status["monitoring"] == "missing"
    assert status["retrieval"] != "strong"
    assert all(not loc["path"].startswith("app/")
               for e in report["repos"][0]["evidence"] for loc in e["locations"])


# --- determinism --------------------------------------------------------------------------------------------


def test_two_scans_give_byte_identical_json(runner, project):
    first = runner.invoke(main, ["scan", "--format", "json", str(project)])
    second = runner.invoke(main, ["scan", "--format", "json", str(project)])
    assert first.exit_code == second.exit_code == 0
    assert first.stdout_bytes == second.stdout_bytes


def test_json_is_identical_across_processes_with_different_hash_seeds(project):
    outs = []
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "portfolio_check", "scan", "--format", "json", str(project)]
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1]


# --- the catalog --------------------------------------------------------------------------------------------


def test_evidence_command_lists_all_16_ids(runner):
    result = runner.invoke(main, ["evidence"])
    assert result.exit_code == 0
    listed = [ln.split(" ", 1)[0] for ln in result.stdout.splitlines() if ln and not ln.startswith(" ")]
    assert listed == list(IDS)
    assert len(listed) == 16
