"""Data checks for checklists/*.toml: schema validity, catalog ids, unique item ids, sources."""

from __future__ import annotations

import json
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pyproject pulls in tomli there
    import tomli as tomllib  # type: ignore[no-redef]

import pytest
from jsonschema import Draft202012Validator

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECKLIST_DIR = REPO_ROOT / "checklists"
SCHEMA_PATH = REPO_ROOT / "schemas" / "checklist.schema.json"

# The 16 evidence ids of the catalog (spec/evidence.md).
EVIDENCE_IDS = (
    "evals",
    "latency_cost",
    "monitoring",
    "baselines",
    "serving",
    "postmortem",
    "retrieval",
    "tool_use",
    "failure_handling",
    "ux",
    "data_pipeline",
    "training",
    "error_analysis",
    "drift_checks",
    "tech_memo",
    "tests_ci",
)

# The seed articles (they live outside the repository, in ../shared/seeds/).
SEED_FILES = (
    "000_e341aec46ab23883.txt",
    "001_27800d6713d022b1.txt",
    "002_a2574ba7879dfbc0.txt",
    "003_59df725ae3b264fd.txt",
    "004_9bbe9c033acbe513.txt",
)

REQUIRED_ROLES = ("ai-engineer", "ml-engineer", "bridge", "swe-to-ai", "ai-to-mle", "mle-to-ai")
ARTIFACTS = ("ai_application", "model_project", "tech_memo")
MAX_CLAIM_WORDS = 30

CHECKLIST_PATHS = sorted(CHECKLIST_DIR.glob("*.toml"))


def _load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def checklists() -> dict[str, dict]:
    return {path.stem: _load(path) for path in CHECKLIST_PATHS}


def test_required_roles_present() -> None:
    stems = {path.stem for path in CHECKLIST_PATHS}
    missing = set(REQUIRED_ROLES) - stems
    assert not missing, f"missing checklists: {sorted(missing)}"


def test_schema_evidence_enum_matches_catalog() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert sorted(schema["$defs"]["evidence_id"]["enum"]) == sorted(EVIDENCE_IDS)
    assert len(EVIDENCE_IDS) == 16


@pytest.mark.parametrize("path", CHECKLIST_PATHS, ids=lambda p: p.name)
def test_checklist_is_valid(path: Path, validator: Draft202012Validator) -> None:
    data = _load(path)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors
    )

    assert data["id"] == path.stem, "checklist id must equal the file stem"
    for item in data["item"]:
        where = f"{path.name}:{item['id']}"
        assert item["id"].startswith(data["id"] + "."), f"{where}: id must start with '{data['id']}.'"
        for evidence_id in item["evidence"]:
            assert evidence_id in EVIDENCE_IDS, f"{where}: unknown evidence id {evidence_id!r}"
        if item.get("match", "any") == "all":
            assert len(item["evidence"]) >= 2, f"{where}: match='all' needs 2+ evidence ids"
        assert 1 <= item["weight"] <= 5, f"{where}: weight outside 1..5"
        assert item["source"]["file"] in SEED_FILES, f"{where}: unknown seed {item['source']['file']!r}"
        words = len(item["source"]["claim"].split())
        assert words <= MAX_CLAIM_WORDS, f"{where}: claim has {words} words (max {MAX_CLAIM_WORDS})"


def test_item_ids_unique_across_checklists(checklists: dict[str, dict]) -> None:
    seen: dict[str, str] = {}
    duplicates = []
    for stem, data in checklists.items():
        for item in data["item"]:
            if item["id"] in seen:
                duplicates.append(f"{item['id']} ({seen[item['id']]} and {stem})")
            seen[item["id"]] = stem
    assert not duplicates, f"duplicate item ids: {duplicates}"


def test_bridge_covers_every_artifact(checklists: dict[str, dict]) -> None:
    bridge = checklists["bridge"]
    scoped = {item.get("artifact") for item in bridge["item"]}
    for artifact in ARTIFACTS:
        assert artifact in scoped, f"bridge has no item scoped to {artifact}"
    assert any(
        "tech_memo" in item["evidence"] and "artifact" not in item for item in bridge["item"]
    ), "bridge needs an unscoped memo item (a memo may live inside another repo)"
