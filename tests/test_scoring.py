"""Role scores from fixture portfolios, checked against the definition in verdict.py (not against earlier output).

Each portfolio is scanned for real; the expected numbers come from ``_portfolio.expected_score`` (the definition
restated) or are worked out by hand in the test from the checklist weights.
"""

from __future__ import annotations

import json
import re
from datetime import date
from itertools import pairwise

import pytest
from _portfolio import (
    AI_APP,
    DESIGN_MEMO,
    MEMO_REPO,
    MODEL_PROJECT,
    NOTEBOOK_ONLY,
    ROLES,
    build,
    checklist_data,
    expected_gains,
    expected_score,
)
from click.testing import CliRunner

from portfolio_check.cli import main
from portfolio_check.engine.rules import bundled_rules
from portfolio_check.engine.scan import scan_repo
from portfolio_check.judge.checklists import bundled_checklists, parse_checklist
from portfolio_check.judge.verdict import Waiver, judge, judge_role

# A small custom checklist whose arithmetic is easy by hand. On MODEL_PROJECT (serving strong, latency_cost weak,
# retrieval missing):
#   a: serving strong, weight 3                      -> met      3 × 1   = 3
#   b: latency_cost strong, weight 1                 -> partial  1 × 0.5 = 0.5
#   c: all of serving + retrieval strong, weight 2   -> partial  2 × 0.5 = 1
#   d: retrieval at level weak, weight 4             -> gap      4 × 0   = 0
# score = 100 × 4.5 / 10 = 45; gains: d 40, c 10, b 5 (checklist order is b, c, d).
HAND = """
schema_version = 1
id = "hand"
title = "Hand-checked role"
description = "Four items with weights 3, 1, 2 and 4."

[[item]]
id = "hand.a"
title = "Served model"
evidence = ["serving"]
weight = 3
advice = "Serve it."
[item.source]
file = "notes.md"
claim = "Serving matters."

[[item]]
id = "hand.b"
title = "Latency figures"
evidence = ["latency_cost"]
weight = 1
advice = "Measure it."
[item.source]
file = "notes.md"
claim = "Latency matters."

[[item]]
id = "hand.c"
title = "Served retrieval"
evidence = ["serving", "retrieval"]
match = "all"
weight = 2
advice = "Serve retrieval."
[item.source]
file = "notes.md"
claim = "Both matter."

[[item]]
id = "hand.d"
title = "Any retrieval"
evidence = ["retrieval"]
level = "weak"
weight = 4
advice = "Retrieve."
[item.source]
file = "notes.md"
claim = "Retrieval matters."
"""


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("portfolio")
    return {
        "ai": scan_repo(build(base, "rag-assistant", AI_APP)),
        "ml": scan_repo(build(base, "churn-model", MODEL_PROJECT)),
        "memo": scan_repo(build(base, "design-memo", MEMO_REPO)),
        "nb": scan_repo(build(base, "nb-churn", NOTEBOOK_ONLY)),
        "ai_with_memo": scan_repo(build(base, "rag-with-memo", {**AI_APP, "docs/design.md": DESIGN_MEMO})),
    }


@pytest.fixture(scope="module")
def paths(repos):
    return {k: r.path for k, r in repos.items()}


def scan_json(*args: str) -> dict:
    result = CliRunner().invoke(main, ["scan", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def roles_of(report: dict) -> dict[str, dict]:
    return {r["id"]: r for r in report["roles"]}


def items_of(role: dict) -> dict[str, dict]:
    return {i["id"]: i for i in role["items"]}


def hand_checklist():
    return parse_checklist(HAND, "hand.toml", bundled_rules().evidence_ids)


def test_fixture_repos_play_the_artifacts_the_tests_assume(repos):
    assert repos["ai"].artifact == "ai_application"
    assert repos["ml"].artifact == "model_project"
    assert repos["memo"].artifact == "tech_memo"
    assert repos["ai_with_memo"].artifact == "ai_application"
    assert repos["nb"].notebook_only and not repos["ml"].notebook_only
    assert repos["ml"].finding("latency_cost").status == "weak"
    assert repos["ml"].finding("serving").status == "strong"
    assert repos["ml"].finding("retrieval").status == "missing"


# --- the same work scores differently per role -------------------------------------------------------------------


def test_every_role_score_follows_the_definition(repos, paths):
    combos = [("ai",), ("ml",), ("memo",), ("nb",), ("ai", "ml", "memo"), ("ai", "nb", "memo"), ("ml", "nb")]
    for combo in combos:
        report = scan_json(*(paths[c] for c in combo))
        scores = {r["id"]: r["score"] for r in report["roles"]}
        expected = {role: expected_score(checklist_data(role), [repos[c] for c in combo]) for role in ROLES}
        assert scores == expected, combo


def test_rag_app_with_evals_scores_higher_as_ai_engineer_than_ml_engineer(repos, paths):
    """The AI-engineer checklist weighs retrieval, tools, evals and guardrails; ML engineering wants training,
    a data pipeline, error analysis and drift handling, none of which a RAG app has."""
    roles = roles_of(scan_json(paths["ai"]))
    ai, ml = roles["ai-engineer"], roles["ml-engineer"]
    assert ai["score"] == expected_score(checklist_data("ai-engineer"), [repos["ai"]])
    assert ai["score"] >= ml["score"] + 25
    ai_items, ml_items = items_of(ai), items_of(ml)
    for met in ("ai-engineer.retrieval", "ai-engineer.tool-use", "ai-engineer.eval-suite", "ai-engineer.guardrails"):
        assert ai_items[met]["status"] == "met", met
    for gap in ("ml-engineer.training", "ml-engineer.drift-retraining", "ml-engineer.error-analysis"):
        assert ml_items[gap]["status"] == "gap", gap
    # building the retrieval index is a data path, but only a weak one (the bench's careful reading of
    # chatbot-ui: "only the RAG upload path ... no cleaning, validation or orchestration")
    assert ml_items["ml-engineer.data-pipeline"]["status"] == "partial"


def test_model_project_scores_higher_as_ml_engineer_than_ai_engineer(repos, paths):
    roles = roles_of(scan_json(paths["ml"]))
    ai, ml = roles["ai-engineer"], roles["ml-engineer"]
    assert ml["score"] == expected_score(checklist_data("ml-engineer"), [repos["ml"]])
    assert ml["score"] >= ai["score"] + 25
    ml_items, ai_items = items_of(ml), items_of(ai)
    for met in ("ml-engineer.training", "ml-engineer.data-pipeline", "ml-engineer.serving",
                "ml-engineer.monitoring", "ml-engineer.drift-retraining", "ml-engineer.error-analysis"):
        assert ml_items[met]["status"] == "met", met
    for gap in ("ai-engineer.retrieval", "ai-engineer.tool-use"):
        assert ai_items[gap]["status"] == "gap", gap


def test_three_artifact_portfolio_scores_clearly_higher_on_bridge_than_any_repo_alone(repos, paths):
    together = scan_json(paths["ai"], paths["ml"], paths["memo"])
    bridge = roles_of(together)["bridge"]["score"]
    alone = {k: roles_of(scan_json(paths[k]))["bridge"]["score"] for k in ("ai", "ml", "memo")}
    assert bridge == expected_score(checklist_data("bridge"), [repos["ai"], repos["ml"], repos["memo"]])
    assert bridge >= max(alone.values()) + 30, (bridge, alone)
    assert together["portfolio"]["artifacts"] == {
        "ai_application": repos["ai"].name, "model_project": repos["ml"].name, "tech_memo": repos["memo"].name}
    items = items_of(roles_of(together)["bridge"])
    assert items["bridge.memo-artifact"]["status"] == "met"
    assert items["bridge.memo-artifact"]["found"][0]["repo"] == repos["memo"].name


# --- artifact scope -------------------------------------------------------------------------------------------------


def test_artifact_scoped_items_are_gaps_with_a_note_when_no_repo_plays_the_artifact(repos, paths):
    """A memo inside the AI app counts for 'memo anywhere' but not for the standalone memo artifact; the app's
    API does not count as serving the model project."""
    report = scan_json(paths["ai_with_memo"])
    assert report["portfolio"]["artifacts"]["tech_memo"] is None
    items = items_of(roles_of(report)["bridge"])
    memo = items["bridge.memo-artifact"]
    assert repos["ai_with_memo"].finding("tech_memo").status == "strong"
    assert memo["status"] == "gap" and memo["found"] == []
    assert memo["note"] == "no repository plays the tech memo artifact"
    assert items["bridge.memo-anywhere"]["status"] == "met"
    assert repos["ai_with_memo"].finding("serving").status == "strong"
    serving = items["bridge.model-serving"]
    assert serving["status"] == "gap"
    assert serving["note"] == "no repository plays the model project artifact"
    assert items["bridge.app-evals"]["status"] == "met" and items["bridge.app-evals"]["note"] is None


def test_artifact_note_is_shown_in_the_markdown_report(paths):
    result = CliRunner().invoke(main, ["scan", "--format", "markdown", "--role", "bridge", paths["ai_with_memo"]])
    assert result.exit_code == 0, result.output
    assert "Note: no repository plays the tech memo artifact" in result.stdout
    assert "model project: **missing**" in result.stdout


# --- credit, gain, waivers ------------------------------------------------------------------------------------------


def test_partial_credit_is_half_and_gaps_are_ordered_by_gain(paths, tmp_path):
    cl = tmp_path / "hand.toml"
    cl.write_text(HAND, encoding="utf-8")
    role = roles_of(scan_json("--checklist", str(cl), "--role", "hand", paths["ml"]))["hand"]
    assert role["score"] == 45.0
    items = items_of(role)
    assert {k: v["status"] for k, v in items.items()} == {
        "hand.a": "met", "hand.b": "partial", "hand.c": "partial", "hand.d": "gap"}
    assert {k: v["gain"] for k, v in items.items()} == {"hand.a": 0.0, "hand.b": 5.0, "hand.c": 10.0, "hand.d": 40.0}
    verdict = judge_role(hand_checklist(), [scan_repo(paths["ml"])])
    assert [v.item.id for v in verdict.gaps()] == ["hand.d", "hand.c", "hand.b"]


def test_gap_order_in_the_markdown_report_follows_gain(paths, tmp_path):
    cl = tmp_path / "hand.toml"
    cl.write_text(HAND, encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "--format", "markdown", "--checklist", str(cl), "--role", "hand",
                                       paths["ml"]])
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^\d+\. \*\*(.+?)\*\* — .*?, \+([\d.]+) points if met$", result.stdout, re.M)
    assert listed == [("Any retrieval", "40"), ("Served retrieval", "10"), ("Latency figures", "5")]
    # build next: one action per piece of evidence, gaining what every item it meets gains (40 + 10)
    steps = re.findall(r"^- \[ \] \*\*(.+?)\*\* in `churn-model` \((\w+) → (\w+)\): \*\*\+([\d.]+) points\*\*",
                       result.stdout, re.M)
    assert steps == [("Retrieval / RAG", "missing", "strong", "50"),
                     ("Latency and cost numbers", "weak", "strong", "5")]


def test_bundled_role_gaps_are_ordered_by_gain_with_the_defined_gains(repos):
    portfolio = [repos["ai"], repos["memo"]]
    for verdict in judge(bundled_checklists(), portfolio):
        gaps = verdict.gaps()
        gains = [g.gain for g in gaps]
        assert gains == sorted(gains, reverse=True), verdict.checklist.id
        assert {g.item.id: g.gain for g in gaps} == expected_gains(checklist_data(verdict.checklist.id), portfolio)
        order = [i.item.id for i in verdict.items]
        for first, second in pairwise(gaps):
            if first.gain == second.gain:  # ties keep the checklist's order
                assert order.index(first.item.id) < order.index(second.item.id)


def test_waived_item_leaves_the_denominator(paths):
    repo = scan_repo(paths["ml"])
    waiver = Waiver("hand.d", "no retrieval in a churn model", date(2030, 1, 1))
    verdict = judge_role(hand_checklist(), [repo], waivers={"hand.d": waiver}, today=date(2025, 6, 1))
    # weights left: 3 + 1 + 2 = 6; earned 3 + 0.5 + 1 = 4.5
    assert verdict.score == 75.0
    by_id = {v.item.id: v for v in verdict.items}
    assert by_id["hand.d"].status == "waived" and by_id["hand.d"].waiver == waiver
    assert by_id["hand.d"].gain == 0.0
    assert by_id["hand.b"].gain == 8.3 and by_id["hand.c"].gain == 16.7
    assert [v.item.id for v in verdict.gaps()] == ["hand.c", "hand.b"]


def test_waiver_valid_through_its_last_day(paths):
    repo = scan_repo(paths["ml"])
    waiver = Waiver("hand.d", "not relevant", date(2025, 6, 1))
    verdict = judge_role(hand_checklist(), [repo], waivers={"hand.d": waiver}, today=date(2025, 6, 1))
    assert verdict.score == 75.0


def test_expired_waiver_counts_again_with_a_note(paths):
    repo = scan_repo(paths["ml"])
    waiver = Waiver("hand.d", "not relevant", date(2025, 5, 31))
    verdict = judge_role(hand_checklist(), [repo], waivers={"hand.d": waiver}, today=date(2025, 6, 1))
    assert verdict.score == 45.0
    d = next(v for v in verdict.items if v.item.id == "hand.d")
    assert d.status == "gap" and d.waiver is None and d.gain == 40.0
    assert d.note is not None
    assert "expired on 2025-05-31" in d.note and "not relevant" in d.note and "counted again" in d.note


def test_waiving_a_met_item_does_not_lower_the_score(paths):
    repo = scan_repo(paths["ml"])
    verdict = judge_role(hand_checklist(), [repo], waivers={"hand.a": Waiver("hand.a", "x")})
    assert verdict.score == 45.0
    assert next(v for v in verdict.items if v.item.id == "hand.a").status == "met"


def test_waived_item_is_listed_in_the_markdown_report(paths):
    from portfolio_check.render.markdown import render
    from portfolio_check.render.view import View

    repo = scan_repo(paths["ml"])
    waiver = Waiver("hand.d", "no retrieval in a churn model", date(2030, 1, 1))
    verdict = judge_role(hand_checklist(), [repo], waivers={"hand.d": waiver}, today=date(2025, 6, 1))
    md = render([repo], [verdict], {}, View(all_roles=False))
    assert "- ⚪ waived: **Any retrieval** until 2030-01-01 — no retrieval in a churn model" in md
    assert "**Any retrieval** — ❌ gap" not in md
    assert "| Hand-checked role | 75 |" in md


# --- notebook-only penalty ------------------------------------------------------------------------------------------


def test_notebook_only_training_costs_ml_engineer_ten_points_and_says_why(repos, paths):
    roles = roles_of(scan_json(paths["nb"]))
    ml = roles["ml-engineer"]
    # met: training 4, offline-evaluation 5; partial: data-pipeline 4 × 0.5; all weights sum to 43
    raw = 100 * (4 + 5 + 2) / 43
    assert ml["score"] == round(raw - 10, 1) == 15.6
    assert len(ml["notes"]) == 1
    assert ml["notes"][0].startswith("-10: ") and "notebook" in ml["notes"][0]
    assert roles["ai-engineer"]["notes"] == []  # ai-engineer has no notebook penalty
    assert roles["ai-engineer"]["score"] == expected_score(checklist_data("ai-engineer"), [repos["nb"]])
    assert roles["bridge"]["notes"] and roles["ai-to-mle"]["notes"]


def test_no_notebook_penalty_when_training_is_also_in_scripts(repos, paths):
    roles = roles_of(scan_json(paths["nb"], paths["ml"]))
    assert roles["ml-engineer"]["notes"] == []
    alone = roles_of(scan_json(paths["ml"]))["ml-engineer"]["score"]
    assert roles["ml-engineer"]["score"] == alone == expected_score(checklist_data("ml-engineer"), [repos["ml"]])


def test_notebook_penalty_appears_in_the_markdown_report(paths):
    result = CliRunner().invoke(main, ["scan", "--format", "markdown", "--role", "ml-engineer", paths["nb"]])
    assert result.exit_code == 0, result.output
    assert "> -10: the training code is only in notebooks" in result.stdout
    assert "> [!WARNING]" in result.stdout
    assert "| Machine learning engineer | 15.6 |" in result.stdout


def test_closest_role_is_the_highest_score(paths):
    for combo in (("ai",), ("ml",), ("ai", "ml", "memo")):
        report = scan_json(*(paths[c] for c in combo))
        best = max(report["roles"], key=lambda r: r["score"])  # first of equal scores, in report order
        assert report["portfolio"]["closest_role"] == best["id"], combo

