"""The GitHub Action's scan step run as a runner runs it (bash, the GITHUB_* variables, the inputs as env): one
scan writes the log, the JSON report, the job summary and the outputs; the gate means what it says; errors are
the CLI's one line and exit 2. Also the CLI pieces it relies on: several formats from one scan, and the
regression gate against an earlier report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _action import run_action
from _ci import make_model_repo, run
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT
from _repos import git_repo, write_tree

ANNOTATION = re.compile(r"^::(warning|notice|error) ")


def portfolio_repo(tmp_path: Path) -> Path:
    files = {f"rag-app/{k}": v for k, v in AI_APP.items()}
    files |= {f"churn-model/{k}": v for k, v in MODEL_PROJECT.items()}
    files |= {f"design-memo/{k}": v for k, v in MEMO_REPO.items()}
    files["README.md"] = "# Portfolio\n"
    root = write_tree(tmp_path / "workspace", files)
    git_repo(root).close()
    return root


@pytest.fixture
def workspace(tmp_path) -> Path:
    return portfolio_repo(tmp_path)


def kinds(stdout: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in stdout.splitlines():
        m = ANNOTATION.match(line)
        assert m, f"not an annotation: {line!r}"
        out[m.group(1)] = out.get(m.group(1), 0) + 1
    return out


def test_one_scan_writes_annotations_report_summary_and_outputs(workspace, tmp_path):
    ran = run_action(workspace, tmp_path / "runner", PC_ROLE="ml-engineer", PC_FAIL_UNDER="10")
    assert ran.returncode == 0, ran.stderr
    assert ran.scans == 1
    report = json.loads(Path(ran.outputs["report"]).read_text(encoding="utf-8"))
    (role,) = report["roles"]
    assert ran.outputs["role"] == "ml-engineer" and float(ran.outputs["score"]) == role["score"]
    assert json.loads(ran.outputs["scores"]) == {"ml-engineer": role["score"]}
    assert ran.summary.startswith("# Portfolio report") and "## Build next" in ran.summary
    assert "Portfolio repository: 3 project folders detected" in ran.summary  # the layout, found and said
    assert all(n <= 10 for n in kinds(ran.stdout).values())


def test_without_a_role_the_outputs_name_every_score_and_the_closest_role(workspace, tmp_path):
    ran = run_action(workspace, tmp_path / "runner")
    assert ran.returncode == 0, ran.stderr
    scores = json.loads(ran.outputs["scores"])
    assert len(scores) == 6
    assert float(ran.outputs["score"]) == scores[ran.outputs["role"]]
    assert scores[ran.outputs["role"]] == max(scores.values())


def test_below_the_threshold_the_step_fails_with_the_gated_role_named(workspace, tmp_path):
    ran = run_action(workspace, tmp_path / "runner", PC_TARGET="bridge", PC_FAIL_UNDER="99.9")
    assert ran.returncode == 1
    assert ran.scans == 1
    assert re.search(r"below --fail-under 99\.9: bridge [\d.]+$", ran.stderr, re.M)
    assert ran.outputs["role"] == "bridge"
    assert kinds(ran.stdout).get("error") == 1


def test_a_threshold_without_a_role_is_refused_in_one_line(workspace, tmp_path):
    ran = run_action(workspace, tmp_path / "runner", PC_FAIL_UNDER="60")
    assert ran.returncode == 2
    assert len(ran.stderr.strip().splitlines()) == 1 and "which role does the threshold gate" in ran.stderr


def test_a_bad_path_is_one_line_exit_2_and_no_traceback(workspace, tmp_path):
    ran = run_action(workspace, tmp_path / "runner", PC_PATHS="no-such-folder")
    assert ran.returncode == 2
    lines = ran.stderr.strip().splitlines()
    assert lines == ["portfolio-check: error: no-such-folder: no such file or directory"]
    assert "Traceback" not in ran.stdout + ran.stderr
    assert "report" not in ran.outputs and ran.scans == 1


def test_annotations_stay_within_githubs_limit_on_a_bare_repository(tmp_path):
    bare = write_tree(tmp_path / "bare", {"hello.py": "print('hi')\n"})
    ran = run_action(bare, tmp_path / "runner")
    counts = kinds(ran.stdout)
    assert counts["warning"] == 10
    assert re.search(r"^::warning title=portfolio-check::\d+ more of these", ran.stdout, re.M)


def test_a_baseline_input_fails_the_step_when_evidence_is_lost(workspace, tmp_path):
    first = run_action(workspace, tmp_path / "r1", PC_ROLE="ml-engineer")
    baseline = tmp_path / "main.json"
    baseline.write_text(Path(first.outputs["report"]).read_text(encoding="utf-8"), encoding="utf-8")
    (workspace / "churn-model" / "monitoring" / "drift.py").unlink()
    ran = run_action(workspace, tmp_path / "r2", PC_ROLE="ml-engineer", PC_BASELINE=str(baseline))
    assert ran.returncode == 1
    assert re.search(r"regressed since .*main\.json: ml-engineer [\d.]+ -> [\d.]+ \(-[\d.]+\): .*met -> ", ran.stderr)


# --- the CLI pieces the action relies on -------------------------------------------------------------------------


def test_several_formats_from_one_scan_match_separate_runs(tmp_path):
    repo = make_model_repo(tmp_path / "repo")
    out = tmp_path / "out"
    result = run(str(repo), "--format", "github", "-o", f"json={out / 'r.json'}", "-o", f"html={out / 'r.html'}",
                 "-o", f"markdown={out / 'r.md'}")
    assert result.exit_code == 0, result.output
    assert result.stdout == run(str(repo), "--format", "github").stdout  # the --format still goes to stdout
    for fmt, name in (("json", "r.json"), ("html", "r.html"), ("markdown", "r.md")):
        alone = run(str(repo), "--format", fmt, "-o", str(out / f"alone-{name}"))
        assert alone.exit_code == 0
        assert (out / name).read_text(encoding="utf-8") == (out / f"alone-{name}").read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "a.md", "-o", "b.md"], "2 files for one --format"),
    (["-o", "json=a.json", "-o", "html=a.json"], "a.json is given twice"),
    (["-o", "json="], "no file after '='"),
    (["--fail-on-regression"], "--fail-on-regression needs --compare"),
])
def test_bad_output_and_gate_options_are_one_line_usage_errors(tmp_path, args, message):
    result = run(str(make_model_repo(tmp_path / "repo")), *args)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_fail_on_regression_exits_1_on_a_lost_item_and_0_on_a_gain(tmp_path):
    repo = make_model_repo(tmp_path / "repo")
    old = tmp_path / "old.json"
    assert run(str(repo), "--role", "ml-engineer", "-o", f"json={old}").exit_code == 0
    (repo / "baselines").mkdir()
    (repo / "baselines" / "simple.py").write_text(
        "from sklearn.dummy import DummyClassifier\n\nbaseline = DummyClassifier(strategy='most_frequent')\n"
        "baseline.fit(X_train, y_train)\nprint(baseline.score(X_test, y_test))\n", encoding="utf-8")
    gained = run(str(repo), "--role", "ml-engineer", "--compare", str(old), "--fail-on-regression")
    assert gained.exit_code == 0, gained.stderr
    assert "regressed" not in gained.stderr
    better = tmp_path / "better.json"
    assert run(str(repo), "--role", "ml-engineer", "-o", f"json={better}").exit_code == 0
    (repo / "train.py").unlink()
    lost = run(str(repo), "--role", "ml-engineer", "--compare", str(better), "--fail-on-regression")
    assert lost.exit_code == 1
    line = next(ln for ln in lost.stderr.splitlines() if "regressed since" in ln)
    assert "ml-engineer" in line and " met -> " in line
    # without the flag the comparison is shown but the exit code is the score gate's alone
    assert run(str(repo), "--role", "ml-engineer", "--compare", str(better)).exit_code == 0
