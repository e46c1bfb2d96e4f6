"""Waivers as a user sees them: an accepted gap shows as waived with its reason, leaves the score's denominator,
and counts again (with a note) once its ``until`` date has passed."""

from __future__ import annotations

from pathlib import Path

import pytest
from _ci import item, make_model_repo, report, role, run

ITEM = "ml-engineer.baseline"  # a gap in the model repository
REASON = "No labelled data for a baseline yet"
FUTURE, PAST = "2999-12-31", "2001-01-31"  # far enough from today that the tests never rot


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_model_repo(tmp_path / "repo")


def waive(repo: Path, item_id: str = ITEM, until: str | None = FUTURE) -> None:
    text = f'[project]\nname = "churn"\n\n[[tool.portfolio-check.waivers]]\nitem = "{item_id}"\nreason = "{REASON}"\n'
    if until:
        text += f"until = {until}\n"
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")


def expected_score(role_json: dict) -> float:
    """The documented score: waived items leave both sums (no notebook-only penalty in these repositories)."""
    credit = {"met": 1.0, "partial": 0.5, "gap": 0.0}
    counted = [i for i in role_json["items"] if i["status"] != "waived"]
    return round(100 * sum(i["weight"] * credit[i["status"]] for i in counted) / sum(i["weight"] for i in counted), 1)


@pytest.mark.parametrize("until", [FUTURE, None])
def test_a_waived_gap_is_waived_with_its_reason_and_raises_the_score(repo, until):
    before = report(str(repo), "--self", "--role", "ml-engineer")
    assert item(before, ITEM)["status"] == "gap"
    waive(repo, until=until)
    after = report(str(repo), "--self", "--role", "ml-engineer")
    it = item(after, ITEM)
    assert it["status"] == "waived"
    assert it["waiver"] == {"reason": REASON, "until": until}
    assert it["gain"] == 0
    new, old = role(after, "ml-engineer")["score"], role(before, "ml-engineer")["score"]
    assert new > old
    assert new == expected_score(role(after, "ml-engineer"))
    assert old == expected_score(role(before, "ml-engineer"))


def test_markdown_shows_the_waiver_and_not_as_a_gap(repo):
    waive(repo)
    md = run(str(repo), "--self", "--role", "ml-engineer", "--format", "markdown").stdout
    title = item(report(str(repo), "--self", "--role", "ml-engineer"), ITEM)["title"]
    waived = [line for line in md.splitlines() if "waived" in line and title in line]
    assert len(waived) == 1
    assert REASON in waived[0] and FUTURE in waived[0]
    assert f"- [ ] {title}" not in md  # not in the next steps
    assert "❌ gap" not in next(line for line in md.splitlines() if title in line and "**" in line)


def test_text_and_github_outputs_treat_the_waived_item_as_done(repo):
    waive(repo)
    text = run(str(repo), "--self", "--role", "ml-engineer").stdout
    assert "waived 1" in text
    assert " baselines in " not in text  # not an action to build next
    assert " error_analysis in " in text
    gh = run(str(repo), "--self", "--role", "ml-engineer", "--format", "github").stdout
    assert "baselines in" not in gh
    assert "error_analysis in repo" in gh  # the other gaps are still annotated


def test_an_expired_waiver_counts_again_with_a_note(repo):
    before = report(str(repo), "--self", "--role", "ml-engineer")
    waive(repo, until=PAST)
    after = report(str(repo), "--self", "--role", "ml-engineer")
    it = item(after, ITEM)
    assert it["status"] == "gap"
    assert it["waiver"] is None
    assert "expired" in it["note"] and PAST in it["note"]
    assert role(after, "ml-engineer")["score"] == role(before, "ml-engineer")["score"]
    md = run(str(repo), "--self", "--role", "ml-engineer", "--format", "markdown").stdout
    assert any("expired" in line and PAST in line for line in md.splitlines())
    assert "⚪ waived" not in md


def test_an_expired_waiver_makes_fail_under_fail_again(repo):
    score = role(report(str(repo), "--self", "--role", "ml-engineer"), "ml-engineer")["score"]
    waive(repo)
    waived = role(report(str(repo), "--self", "--role", "ml-engineer"), "ml-engineer")["score"]
    threshold = f"{(score + waived) / 2:.2f}"
    assert run(str(repo), "--self", "--role", "ml-engineer", "--fail-under", threshold).exit_code == 0
    waive(repo, until=PAST)
    assert run(str(repo), "--self", "--role", "ml-engineer", "--fail-under", threshold).exit_code == 1


def test_a_waiver_on_a_met_item_changes_nothing(repo):
    before = report(str(repo), "--self", "--role", "ml-engineer")
    assert item(before, "ml-engineer.training")["status"] == "met"
    waive(repo, "ml-engineer.training")
    after = report(str(repo), "--self", "--role", "ml-engineer")
    assert item(after, "ml-engineer.training")["status"] == "met"
    assert role(after, "ml-engineer")["score"] == role(before, "ml-engineer")["score"]
