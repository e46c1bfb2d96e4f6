"""The bundled detection rules are valid data: schema, compilable patterns, and consistent tags."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from portfolio_check.engine.rules import Rules, _scoped, load_rules_data

ROOT = Path(__file__).resolve().parents[1]
CATALOG_IDS = (
    "evals", "latency_cost", "monitoring", "baselines", "serving", "postmortem", "retrieval", "tool_use",
    "failure_handling", "ux", "data_pipeline", "training", "error_analysis", "drift_checks", "tech_memo", "tests_ci",
)


@pytest.fixture(scope="module")
def data() -> dict:
    return load_rules_data()


def test_rules_validate_against_schema(data: dict) -> None:
    schema = json.loads((ROOT / "schemas" / "rules.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_catalog_ids_are_the_public_contract_in_order(data: dict) -> None:
    ids = tuple(e["id"] for e in data["evidence"])
    assert ids[: len(CATALOG_IDS)] == CATALOG_IDS  # new kinds may be appended, never renamed or reordered


def test_every_regex_compiles_alone_and_in_its_role(data: dict) -> None:
    for pat in data["pattern"]:
        for rx in pat["regex"]:
            try:
                re.compile(_scoped(rx, pat.get("ignore_case", False)), re.MULTILINE)
            except re.error as exc:  # pragma: no cover - the message is the point
                pytest.fail(f"pattern for tag {pat['tag']!r}: {rx!r}: {exc}")
    for rx in data["memo"]["rationale"] + data["memo"]["headings"] + data["postmortem"]["headings"]:
        re.compile(rx)
    Rules(data)  # builds every role's combined matcher


def test_every_tag_an_evidence_kind_needs_can_be_raised(data: dict) -> None:
    raised = {x["tag"] for x in data["library"] + data["pattern"] + data["path"]}
    raised |= {f"{x['tag']}@listed" for x in data["library"]}
    raised |= set(data["derived_reasons"])
    for kind in data["evidence"]:
        for tag_set in kind["strong"] + kind["weak"]:
            for tag in tag_set:
                assert tag in raised, f"{kind['id']} needs tag {tag!r} that no signal raises"


def test_a_new_eval_framework_is_a_data_change(data: dict) -> None:
    data = json.loads(json.dumps(data))
    data["library"].append({"tag": "eval_framework", "reason": "an evaluation framework is used",
                            "modules": ["brand_new_evals"], "in": ["code"]})
    rules = Rules(data)
    assert [lib.tag for lib in rules.library_for_module("brand_new_evals.runner")] == ["eval_framework"]


def test_shipped_anchors_are_current():
    """rules/anchors.json holds every pattern's anchors, computed ahead so a scan does not parse ~300 regexes.

    A stale table is never wrong (a pattern missing from it is parsed at run time), only slower; regenerate it with
    PORTFOLIO_CHECK_REGEN=1 python -m pytest tests/test_rules_data.py.
    """
    import os

    from portfolio_check.engine.anchors import parse_literals
    from portfolio_check.engine.rules import bundled_rules
    from portfolio_check.resources import rules_dir

    table = {src: (sorted(lits) if lits is not None else None)
             for src in bundled_rules().regex_sources() for lits in [parse_literals(src)]}
    path = rules_dir() / "anchors.json"
    if os.environ.get("PORTFOLIO_CHECK_REGEN"):
        path.write_text(json.dumps(table, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == table, "regenerate rules/anchors.json (see docstring)"
