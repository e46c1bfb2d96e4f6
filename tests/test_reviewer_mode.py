"""Reviewer mode, the default: when a scan is not the repository's own CI, the repository's own checklists,
waivers and max-file-size are named in a notice but not applied. ``--self`` (the owner) or GitHub Actions running
in the scanned repository itself (GITHUB_WORKSPACE) apply them."""

from __future__ import annotations

import pytest
from _ci import CUSTOM_ROLE, assert_input_error, item, make_model_repo, report, run

ITEM = "ml-engineer.postmortem"  # a gap in the model repository, and an item of both ml-engineer checklists
#: a candidate's replacement for a bundled role: one item, always met
EASY_ROLE = CUSTOM_ROLE.replace('id = "data-eng"', 'id = "ml-engineer"').replace("data-eng.", "ml-engineer.")


@pytest.fixture
def candidate(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    repo = make_model_repo(tmp_path / "cand")
    (repo / "easy.toml").write_text(EASY_ROLE)
    (repo / ".portfolio-check.toml").write_text(
        'roles = ["ml-engineer"]\nchecklists = ["easy.toml"]\nmax-file-size = "1"\n'
        f'[[waivers]]\nitem = "{ITEM}"\nreason = "trust me"\n')
    return repo


def applied(data) -> bool:
    titles = {i["title"] for r in data["roles"] for i in r["items"]}
    return "Training code" in titles  # the candidate's own ml-engineer checklist


def test_a_reviewer_sees_the_candidates_settings_but_they_do_not_apply(candidate):
    result = run(str(candidate), "--format", "json")
    assert result.exit_code == 0
    assert "notice: " in result.stderr and "not applied (reviewer mode" in result.stderr
    for needle in ("checklists easy.toml", f"waivers for {ITEM}", "max-file-size 1"):
        assert needle in result.stderr
    data = report(str(candidate))
    assert not applied(data)
    assert item(data, ITEM)["status"] == "gap"
    assert [r["id"] for r in data["roles"]] == ["ml-engineer"]  # roles still select what is shown
    assert not any("over the 1 byte limit" in w for w in data["repos"][0]["warnings"])  # its max-file-size


def test_the_owner_applies_them_with_self(candidate):
    data = report(str(candidate), "--self", "--role", "ml-engineer")
    assert applied(data)
    assert item(data, ITEM)["status"] == "waived"
    assert any("over the 1 byte limit" in w for w in data["repos"][0]["warnings"])
    result = run(str(candidate), "--self")
    assert "reviewer mode" not in result.stderr


def test_the_repositorys_own_github_actions_run_applies_them(candidate, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(candidate))
    assert applied(report(str(candidate)))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(candidate.parent))  # a workflow that scans someone else's folder
    assert not applied(report(str(candidate)))


def test_self_is_for_one_local_repository_only(candidate, tmp_path):
    other = make_model_repo(tmp_path / "other")
    assert_input_error(run(str(candidate), str(other), "--self"), "--self: only for one local repository")
    assert_input_error(run(str(candidate), "--self", "--output-dir", str(tmp_path / "out")), "--self")


def test_a_broken_config_is_a_notice_for_a_reviewer_and_an_error_for_the_owner(candidate):
    (candidate / ".portfolio-check.toml").write_text('fail-under = "high"\ncolour = 1\n')
    reviewed = run(str(candidate))
    assert reviewed.exit_code == 0
    assert "notice: " in reviewed.stderr and "unknown field 'colour' (and 1 more)" in reviewed.stderr
    assert_input_error(run(str(candidate), "--self"), "fail-under")


def test_self_is_documented():
    result = run("--help")
    assert "--self" in result.stdout and "reviewer mode" in result.stdout
