"""The JSON report, with its `roles` and `portfolio` sections, validates against schemas/report.schema.json: for the
bundled examples, for the fixture portfolios, for custom checklists and for verdicts carrying waivers."""

from __future__ import annotations

import json
from datetime import date

import pytest
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT, NOTEBOOK_ONLY, REPO_ROOT, ROLES, build
from _repos import CHROMA_RAG, TRAIN_SCRIPT, git_repo
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from portfolio_check.cli import main
from portfolio_check.engine.scan import scan_repo
from portfolio_check.judge.checklists import bundled_checklists
from portfolio_check.judge.verdict import Waiver, judge
from portfolio_check.render.report import portfolio_dict, report_dict, roles_dict, to_json

EXAMPLES = sorted(p for p in (REPO_ROOT / "examples" / "portfolio").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads((REPO_ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    base = tmp_path_factory.mktemp("schema")
    ai = build(base, "rag-assistant", AI_APP)
    git_repo(ai).close()  # one repository with a commit sha, the others without git
    return {
        "ai": str(ai),
        "ml": str(build(base, "churn-model", MODEL_PROJECT)),
        "memo": str(build(base, "design-memo", MEMO_REPO)),
        "nb": str(build(base, "nb-churn", NOTEBOOK_ONLY)),
        "empty": str(build(base, "empty", {})),
    }


def assert_valid(validator: Draft202012Validator, report: dict) -> None:
    errors = sorted(validator.iter_errors(report), key=lambda e: list(map(str, e.absolute_path)))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10])


def scan_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["scan", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert "roles" in report and "portfolio" in report
    return report


def test_bundled_examples_together_validate(validator):
    report = scan_json(*map(str, EXAMPLES))
    assert_valid(validator, report)
    assert [r["id"] for r in report["roles"]] == list(ROLES)
    assert len(report["repos"]) == len(EXAMPLES) == 4


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_each_bundled_example_validates(validator, example):
    assert_valid(validator, scan_json(str(example)))


@pytest.mark.parametrize("combo", [("ai",), ("ml",), ("memo",), ("nb",), ("empty",), ("ai", "ml", "memo"),
                                   ("ai", "nb", "memo", "empty")], ids="+".join)
def test_fixture_portfolios_validate(validator, fixtures, combo):
    report = scan_json(*(fixtures[c] for c in combo))
    assert_valid(validator, report)
    if "nb" in combo and "ml" not in combo:
        assert report["portfolio"]["notebook_only"] == ["nb-churn"]


def test_selected_roles_validate(validator, fixtures):
    report = scan_json("--role", "bridge", "--role", "ml-engineer", fixtures["ai"], fixtures["ml"])
    assert_valid(validator, report)
    assert [r["id"] for r in report["roles"]] == ["ml-engineer", "bridge"]


def test_custom_checklist_report_validates(validator, fixtures, tmp_path):
    text = (REPO_ROOT / "checklists" / "swe-to-ai.toml").read_text(encoding="utf-8")
    custom = tmp_path / "mine.toml"
    custom.write_text(text.replace('id = "swe-to-ai"', 'id = "mine"', 1), encoding="utf-8")
    report = scan_json("--checklist", str(custom), fixtures["ai"])
    assert_valid(validator, report)
    assert "mine" in [r["id"] for r in report["roles"]]


def test_report_with_waivers_validates(validator, fixtures):
    repos = [scan_repo(fixtures["ai"]), scan_repo(fixtures["memo"])]
    waivers = {
        "ml-engineer.training": Waiver("ml-engineer.training", "applying for AI roles only", date(2030, 1, 1)),
        "ml-engineer.serving": Waiver("ml-engineer.serving", "open-ended"),
        "bridge.model-training": Waiver("bridge.model-training", "old", date(2020, 1, 1)),
    }
    verdicts = judge(bundled_checklists(), repos, waivers=waivers, today=date(2025, 1, 1))
    report = json.loads(to_json(report_dict(repos, {"roles": roles_dict(verdicts),
                                                    "portfolio": portfolio_dict(repos, verdicts)})))
    assert_valid(validator, report)
    items = {i["id"]: i for r in report["roles"] for i in r["items"]}
    assert items["ml-engineer.training"]["status"] == "waived"
    assert items["ml-engineer.training"]["waiver"] == {"reason": "applying for AI roles only", "until": "2030-01-01"}
    assert items["ml-engineer.serving"]["waiver"] == {"reason": "open-ended", "until": None}
    assert items["bridge.model-training"]["status"] == "gap" and "expired" in items["bridge.model-training"]["note"]


def test_file_name_with_a_newline_keeps_the_report_valid(validator, tmp_path):
    try:
        root = build(tmp_path, "odd", {"new\nline train.py": TRAIN_SCRIPT})
    except OSError:
        pytest.skip("the filesystem does not allow a newline in a file name")
    report = scan_json(str(root))
    assert any("\n" in loc["path"] for e in report["repos"][0]["evidence"] for loc in e["locations"])
    assert_valid(validator, report)


def test_file_name_with_a_backslash_keeps_the_report_valid(validator, tmp_path):
    root = build(tmp_path, "odd", {"rag\\index.py": CHROMA_RAG})
    report = scan_json(str(root))
    assert any(e["status"] == "strong" for e in report["repos"][0]["evidence"] if e["id"] == "retrieval")
    assert_valid(validator, report)
