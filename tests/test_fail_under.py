"""`scan --fail-under N` as a CI gate: exit 1 when a gated role is below N (stderr says which), 0 when every
gated role is at or above N; only the roles chosen with `--role`/`--target`/config count, and with none chosen the
threshold is refused rather than guessed (exit 2); an unknown role is a usage error (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _portfolio import MODEL_PROJECT, ROLES, build, checklist_data, expected_score
from click.testing import CliRunner

from portfolio_check.cli import main
from portfolio_check.engine.scan import scan_repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> str:
    return str(build(tmp_path_factory.mktemp("gate"), "churn-model", MODEL_PROJECT))


@pytest.fixture(scope="module")
def scores(repo) -> dict[str, float]:
    result = scan_repo(repo)
    return {role: expected_score(checklist_data(role), [result]) for role in ROLES}


def run(*args: str):
    return CliRunner().invoke(main, ["scan", *args])


def below_line(stderr: str) -> str:
    (line,) = [ln for ln in stderr.splitlines() if "below --fail-under" in ln]
    return line


def test_fixture_scores_spread_around_sixty(scores):
    assert scores["ml-engineer"] >= 70 and scores["ai-to-mle"] >= 70
    assert scores["ai-engineer"] < 60 and scores["bridge"] < 60


def every_role() -> list[str]:
    return [a for r in ROLES for a in ("--role", r)]


def test_exit_1_when_a_role_is_below_and_stderr_names_each_one(repo, scores):
    result = run("--format", "json", "--fail-under", "60", *every_role(), repo)
    assert result.exit_code == 1
    line = below_line(result.stderr)
    below = [r for r in ROLES if scores[r] < 60]
    assert line == "portfolio-check: below --fail-under 60: " + ", ".join(f"{r} {scores[r]:g}" for r in below)
    for r in ROLES:
        if scores[r] >= 60:
            assert f"{r} " not in line
    json.loads(result.stdout)  # the report is still written in full


def test_exit_0_when_every_role_is_at_or_above(repo, scores):
    lowest = min(scores.values())
    result = run("--fail-under", f"{lowest:g}", *every_role(), repo)
    assert result.exit_code == 0, result.stderr
    assert "below --fail-under" not in result.stderr
    assert run("--fail-under", "0", "--role", "bridge", repo).exit_code == 0


def test_a_threshold_with_no_role_to_gate_is_refused_not_guessed(repo):
    result = run("--fail-under", "60", repo)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("portfolio-check: error: --fail-under: which role does the threshold gate?")
    assert "--role" in line and "--target" in line


def test_the_target_role_is_gated_when_no_role_is_selected(repo, scores):
    assert scores["bridge"] < 60 <= scores["ml-engineer"]
    ok = run("--target", "ml-engineer", "--fail-under", "60", repo)
    assert ok.exit_code == 0, ok.stderr  # bridge, below 60, is judged but not gated
    failed = run("--target", "bridge", "--fail-under", "60", repo)
    assert failed.exit_code == 1
    assert below_line(failed.stderr).endswith(f": bridge {scores['bridge']:g}")


def test_a_score_equal_to_n_passes_and_just_above_fails(repo, scores):
    mle = scores["ml-engineer"]
    assert run("--role", "ml-engineer", "--fail-under", f"{mle:g}", repo).exit_code == 0
    failed = run("--role", "ml-engineer", "--fail-under", f"{mle + 0.1:g}", repo)
    assert failed.exit_code == 1
    assert f"ml-engineer {mle:g}" in below_line(failed.stderr)


def test_only_the_selected_roles_count(repo, scores):
    assert scores["ai-engineer"] < 60 <= scores["ml-engineer"]
    assert run("--role", "ml-engineer", "--fail-under", "60", repo).exit_code == 0
    failed = run("--role", "ai-engineer", "--fail-under", "60", repo)
    assert failed.exit_code == 1
    assert below_line(failed.stderr).endswith(f": ai-engineer {scores['ai-engineer']:g}")
    both = run("--role", "ml-engineer", "--role", "ai-engineer", "--fail-under", "60", repo)
    assert both.exit_code == 1
    line = below_line(both.stderr)
    assert "ai-engineer" in line and "ml-engineer" not in line


def test_unknown_role_is_a_usage_error(repo):
    result = run("--role", "nosuch", repo)
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "'nosuch'" in line and "--role" in line
    assert all(r in line for r in ROLES)  # says which roles exist
    assert run("--role", "nosuch", "--fail-under", "50", repo).exit_code == 2
    assert "(did you mean" not in line  # nothing close: no suggestion
    near = run("--role", "ml-enginer", repo)
    assert near.exit_code == 2 and "unknown role 'ml-enginer' (did you mean 'ml-engineer'?)" in near.stderr


def test_fail_under_outside_0_to_100_is_a_usage_error(repo):
    result = run("--fail-under", "101", repo)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


def test_exit_code_in_a_real_process(repo):
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", "--fail-under", "99", "--role", "bridge",
                           repo],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "below --fail-under 99" in proc.stderr
    assert "Traceback" not in proc.stderr
