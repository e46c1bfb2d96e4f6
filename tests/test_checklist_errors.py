"""Custom checklists as a user writes them: mistakes give the documented one-line errors (exit 2, the file, the item
index and the field, never a traceback), through both `validate-checklist FILE` and `scan --checklist FILE`; a valid
one validates, is judged, and replaces the bundled role of the same id."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from _portfolio import CHECKLIST_DIR, MODEL_PROJECT, ROLES, build
from click.testing import CliRunner

from portfolio_check.cli import main

VALID = """\
schema_version = 1
id = "data-eng"
title = "Data engineer"
description = "Pipelines, tests and a served model."

[[item]]
id = "data-eng.pipeline"
title = "A data pipeline"
evidence = ["data_pipeline"]
weight = 3
advice = "Add a cleaning module run by a pipeline."
[item.source]
file = "https://example.com/data-eng-guide"
claim = "Data engineers own pipelines."

[[item]]
id = "data-eng.tests"
title = "Tests in CI"
evidence = ["tests_ci"]
level = "weak"
weight = 1
advice = "Add pytest and a CI workflow."
[item.source]
file = "guide.md"
claim = "Tests matter."

[[item]]
id = "data-eng.served"
title = "A served, monitored model"
evidence = ["serving", "monitoring"]
match = "all"
weight = 2
advice = "Serve the model and export metrics."
[item.source]
file = "guide.md"
claim = "Serving matters."
"""

# every mistake is made in the third item, item[2]
LAST = VALID.index('id = "data-eng.served"')


def _in_last(old: str, new: str) -> str:
    head, tail = VALID[:LAST], VALID[LAST:]
    assert old in tail
    return head + tail.replace(old, new, 1)


# (case, checklist text, lines expected on stderr after "FILE: ")
BAD = [
    ("typo-field", _in_last("weight = 2", "wieght = 2"),
     ["item[2]: unknown field 'wieght' (did you mean 'weight'?)", "item[2]: missing required field 'weight'"]),
    ("string-weight", _in_last("weight = 2", 'weight = "2"'), ["item[2].weight: must be a number"]),
    ("unknown-evidence", _in_last('["serving", "monitoring"]', '["serving", "monitorin"]'),
     ["item[2].evidence[1]: 'monitorin' is not a known evidence id (see `portfolio-check evidence`)"]),
    ("missing-advice", _in_last('advice = "Serve the model and export metrics."\n', ""),
     ["item[2]: missing required field 'advice'"]),
    ("duplicate-id", _in_last('id = "data-eng.served"', 'id = "data-eng.pipeline"'),
     ["item[2].id: 'data-eng.pipeline' is used twice"]),
    ("all-with-one-id", _in_last('["serving", "monitoring"]', '["serving"]'),
     ["item[2].match: 'all' needs at least two evidence ids"]),
    ("zero-weight", _in_last("weight = 2", "weight = 0"), ["item[2].weight: must be greater than 0"]),
    ("bad-level", _in_last('match = "all"', 'match = "all"\nlevel = "medium"'),
     ["item[2].level: must be one of: strong, weak (got 'medium')"]),
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> str:
    return str(build(tmp_path_factory.mktemp("cl"), "churn-model", MODEL_PROJECT))


def _write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def _assert_error(result, path: str, expected: list[str]) -> None:
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"portfolio-check: error: {path}: {expected[0]}"
    assert [ln.strip() for ln in lines[1:]] == [f"{path}: {e}" for e in expected[1:]]


@pytest.mark.parametrize(("case", "text", "expected"), BAD, ids=[b[0] for b in BAD])
def test_validate_checklist_reports_the_file_item_and_field(tmp_path, case, text, expected):
    path = _write(tmp_path, f"{case}.toml", text)
    result = CliRunner().invoke(main, ["validate-checklist", path])
    _assert_error(result, path, expected)
    assert result.stdout == ""


@pytest.mark.parametrize(("case", "text", "expected"), BAD, ids=[b[0] for b in BAD])
def test_scan_with_a_bad_checklist_exits_2_before_scanning(tmp_path, repo, case, text, expected):
    path = _write(tmp_path, f"{case}.toml", text)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--checklist", path, repo])
    _assert_error(result, path, expected)
    assert result.stdout == ""


def test_bad_toml_syntax_names_the_file_and_the_line(tmp_path, repo):
    text = _in_last('title = "A served, monitored model"', 'title = "A served, monitored model')
    path = _write(tmp_path, "broken.toml", text)
    bad_line = text.splitlines().index('title = "A served, monitored model') + 1
    for args in (["validate-checklist", path], ["scan", "--checklist", path, repo]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert "Traceback" not in result.stderr
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"portfolio-check: error: {path}: not valid TOML: ")
        assert f"line {bad_line}" in line


def test_missing_checklist_file(tmp_path, repo):
    path = str(tmp_path / "nope.toml")
    for args in (["validate-checklist", path], ["scan", "--checklist", path, repo]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert result.stderr.strip() == f"portfolio-check: error: {path}: no such file"


def test_every_problem_of_every_file_is_reported(tmp_path):
    good = _write(tmp_path, "good.toml", VALID)
    bad = _write(tmp_path, "bad.toml", BAD[1][1])
    missing = str(tmp_path / "missing.toml")
    result = CliRunner().invoke(main, ["validate-checklist", good, bad, missing])
    assert result.exit_code == 2
    assert result.stdout == f"{good}: ok (data-eng, 3 items)\n"
    assert f"{bad}: item[2].weight: must be a number" in result.stderr
    assert f"{missing}: no such file" in result.stderr


def test_bad_checklist_in_a_real_process_has_no_traceback(tmp_path):
    path = _write(tmp_path, "typo.toml", BAD[0][1])
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "validate-checklist", path],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{path}: item[2]: unknown field 'wieght'" in proc.stderr


def test_roles_and_explain_reject_a_bad_checklist(tmp_path):
    path = _write(tmp_path, "bad.toml", BAD[1][1])
    for args in (["roles", "--checklist", path], ["explain", "data-eng.pipeline", "--checklist", path]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert f"{path}: item[2].weight: must be a number" in result.stderr


# --- valid custom checklists ------------------------------------------------------------------------------------


def test_valid_custom_checklist_validates(tmp_path):
    path = _write(tmp_path, "data-eng.toml", VALID)
    result = CliRunner().invoke(main, ["validate-checklist", path])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: ok (data-eng, 3 items)\n"
    assert result.stderr == ""


def test_bundled_checklists_validate_with_the_user_command():
    files = sorted(str(p) for p in CHECKLIST_DIR.glob("*.toml"))
    result = CliRunner().invoke(main, ["validate-checklist", *files])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == len(files) >= 6


def test_custom_checklist_is_judged_alongside_the_bundled_roles(tmp_path, repo):
    path = _write(tmp_path, "data-eng.toml", VALID)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--checklist", path, repo])
    assert result.exit_code == 0, result.output
    roles = {r["id"]: r for r in json.loads(result.stdout)["roles"]}
    assert set(roles) == {*ROLES, "data-eng"}
    custom = roles["data-eng"]
    assert custom["title"] == "Data engineer"
    assert [i["id"] for i in custom["items"]] == ["data-eng.pipeline", "data-eng.tests", "data-eng.served"]
    status = {i["id"]: i["status"] for i in custom["items"]}
    # MODEL_PROJECT: a cleaning module (strong), no tests (gap), FastAPI + Dockerfile + prometheus (met)
    assert status == {"data-eng.pipeline": "met", "data-eng.tests": "gap", "data-eng.served": "met"}
    assert custom["score"] == round(100 * 5 / 6, 1)


def test_custom_checklist_with_a_bundled_id_replaces_the_bundled_role(tmp_path, repo):
    path = _write(tmp_path, "my-mle.toml", VALID.replace('id = "data-eng"', 'id = "ml-engineer"', 1))
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--checklist", path, repo])
    assert result.exit_code == 0, result.output
    roles = json.loads(result.stdout)["roles"]
    ids = [r["id"] for r in roles]
    assert sorted(ids) == sorted(ROLES) and ids.count("ml-engineer") == 1
    mle = next(r for r in roles if r["id"] == "ml-engineer")
    assert mle["title"] == "Data engineer"
    assert len(mle["items"]) == 3
    listed = CliRunner().invoke(main, ["roles", "--checklist", path])
    assert listed.exit_code == 0
    line = next(ln for ln in listed.stdout.splitlines() if ln.startswith("ml-engineer "))
    assert "Data engineer" in line and "Machine learning engineer:" not in listed.stdout


def test_custom_role_can_be_selected_with_role(tmp_path, repo):
    path = _write(tmp_path, "data-eng.toml", VALID)
    result = CliRunner().invoke(main, ["scan", "--format", "json", "--checklist", path, "--role", "data-eng", repo])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["id"] for r in report["roles"]] == ["data-eng"]
    assert report["portfolio"]["closest_role"] == "data-eng"
