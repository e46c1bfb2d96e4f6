"""``scan --compare OLD.json``: progress since an earlier JSON report, in every format; unusable OLD files exit 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _ci import BASELINE, assert_input_error, make_model_repo, role, run
from _repos import write_tree

ITEM = "ml-engineer.baseline"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_model_repo(tmp_path / "repo")


def save_report(repo: Path, out: Path) -> dict:
    result = run(str(repo), "--role", "ml-engineer", "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def rescan(repo: Path, old: Path, fmt: str) -> str:
    result = run(str(repo), "--role", "ml-engineer", "--format", fmt, "--compare", str(old))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_added_evidence_shows_as_a_positive_delta_and_an_improved_item(repo, tmp_path):
    old_file = tmp_path / "old.json"
    old = save_report(repo, old_file)
    write_tree(repo, BASELINE)
    new = json.loads(rescan(repo, old_file, "json"))
    comp = new["comparison"]
    assert comp["against"] == str(old_file)
    (rc,) = comp["roles"]
    assert rc["id"] == "ml-engineer"
    assert rc["old_score"] == role(old, "ml-engineer")["score"]
    assert rc["new_score"] == role(new, "ml-engineer")["score"]
    assert rc["delta"] == round(rc["new_score"] - rc["old_score"], 1) > 0
    assert [(c["id"], c["old"], c["new"]) for c in rc["improved"]] == [(ITEM, "gap", "met")]
    assert rc["regressed"] == []
    assert {(c["id"], c["old"], c["new"]) for c in comp["evidence"]} == {("repo: baselines", "missing", "strong")}


def test_text_and_markdown_mention_the_change(repo, tmp_path):
    old_file = tmp_path / "old.json"
    old = save_report(repo, old_file)
    write_tree(repo, BASELINE)
    new = json.loads(rescan(repo, old_file, "json"))
    delta = f"(+{new['comparison']['roles'][0]['delta']:g})"
    title = next(i["title"] for i in role(old, "ml-engineer")["items"] if i["id"] == ITEM)
    text = rescan(repo, old_file, "text")
    assert "Since the earlier report" in text
    line = next(x for x in text.splitlines() if delta in x)
    assert "ml-engineer" in line and f"{title} now met" in line
    md = rescan(repo, old_file, "markdown")
    section = md.split("## Progress since the earlier report", 1)[1].split("\n## ", 1)[0]
    assert delta in section and f"{title} now met" in section
    assert "baselines now strong (was missing)" in section


def test_without_compare_there_is_no_comparison(repo):
    data = json.loads(run(str(repo), "--role", "ml-engineer", "--format", "json").stdout)
    assert "comparison" not in data
    assert "Progress since" not in run(str(repo), "--format", "markdown").stdout


def test_removed_evidence_is_a_regression(repo, tmp_path):
    write_tree(repo, BASELINE)
    old_file = tmp_path / "old.json"
    save_report(repo, old_file)
    shutil.rmtree(repo / "baselines")
    comp = json.loads(rescan(repo, old_file, "json"))["comparison"]
    (rc,) = comp["roles"]
    assert rc["delta"] < 0
    assert [(c["id"], c["new"]) for c in rc["regressed"]] == [(ITEM, "gap")]
    assert rc["improved"] == []
    text = rescan(repo, old_file, "text")
    assert "regressed:" in text and f"({rc['delta']:g})" in text


def test_a_role_missing_from_the_old_report_is_new(repo, tmp_path):
    old_file = tmp_path / "old.json"
    save_report(repo, old_file)  # ml-engineer only
    result = run(str(repo), "--role", "ml-engineer", "--role", "bridge", "--format", "json", "--compare",
                 str(old_file))
    roles = {r["id"]: r for r in json.loads(result.stdout)["comparison"]["roles"]}
    assert roles["bridge"]["old_score"] is None and roles["bridge"]["delta"] is None
    assert roles["ml-engineer"]["delta"] == 0
    text = run(str(repo), "--role", "bridge", "--compare", str(old_file)).stdout
    assert "new in this report" in text


@pytest.mark.parametrize(("content", "needle"), [
    (None, "no such file"),
    ("not json at all\n", "not a portfolio-check JSON report"),
    ("[1, 2]\n", "not a portfolio-check JSON report"),
    ('{"roles": []}\n', "not a portfolio-check JSON report"),
    (b"\xff\xfe\x00garbage", "not a portfolio-check JSON report"),
])
def test_an_unusable_old_report_exits_2_naming_it(repo, tmp_path, content, needle):
    old = tmp_path / "old-report.json"
    if isinstance(content, bytes):
        old.write_bytes(content)
    elif content is not None:
        old.write_text(content, encoding="utf-8")
    assert_input_error(run(str(repo), "--compare", str(old)), f"{old}: {needle}")


# --- hostile earlier reports (issue 12): wrong types anywhere are one line and exit 2, never "unexpected" --------


def _mutations():
    def role0(d):
        return d["roles"][0]

    return {
        "role id a list": (lambda d: role0(d).__setitem__("id", []), "roles[0].id: must be a string"),
        "item id a table": (lambda d: role0(d)["items"][0].__setitem__("id", {}), "roles[0].items[0].id"),
        "item status a list": (lambda d: role0(d)["items"][0].__setitem__("status", [1]), "items[0].status"),
        "item a string": (lambda d: role0(d)["items"].__setitem__(0, "x"), "roles[0].items[0]: must be an object"),
        "score a string": (lambda d: role0(d).__setitem__("score", "high"), "roles[0].score: must be a number from 0"),
        "score true": (lambda d: role0(d).__setitem__("score", True), "roles[0].score"),
        "score huge": (lambda d: role0(d).__setitem__("score", 10**400), "roles[0].score"),
        "roles a table": (lambda d: d.__setitem__("roles", {}), "roles: must be a list"),
        "repo a number": (lambda d: d["repos"].__setitem__(0, 1), "repos[0]: must be an object"),
        "repo name a number": (lambda d: d["repos"][0].__setitem__("name", 5), "repos[0].name"),
        "evidence status a list": (lambda d: d["repos"][0]["evidence"][0].__setitem__("status", ["weak"]),
                                   "repos[0].evidence[0].status"),
        "evidence a table": (lambda d: d["repos"][0].__setitem__("evidence", {"a": 1}), "repos[0].evidence"),
    }


@pytest.mark.parametrize("name", list(_mutations()))
def test_a_hostile_old_report_is_a_one_line_error(repo, tmp_path, name):
    mutate, needle = _mutations()[name]
    data = save_report(repo, tmp_path / "good.json")
    mutate(data)
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    for fmt in ("text", "json", "markdown"):
        result = run(str(repo), "--format", fmt, "--compare", str(old))
        assert_input_error(result, "not a portfolio-check JSON report", needle)
        assert "unexpected" not in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_in_an_old_report_are_refused(repo, tmp_path, literal):
    data = save_report(repo, tmp_path / "good.json")
    text = json.dumps(data).replace(f'"score": {data["roles"][0]["score"]}', f'"score": {literal}', 1)
    assert literal in text
    old = tmp_path / "old.json"
    old.write_text(text, encoding="utf-8")
    assert_input_error(run(str(repo), "--format", "json", "--compare", str(old)), "not a portfolio-check JSON")
