"""Build next as a candidate meets it in every format: one ranked list of actions directly under the summary, each
one piece of evidence in one repository, its points summed over every role that counts; complete roles propose
nothing; a target role focuses the list. Also: failed targets shown in every format, and terminal manners."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from _ci import CUSTOM_ROLE, make_model_repo, run
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT, build

FORMATS = ("text", "markdown", "html", "json", "github")
ANSI = re.compile(r"\x1b\[")


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> list[str]:
    base = tmp_path_factory.mktemp("three")
    return [str(build(base, "rag-app", AI_APP)), str(build(base, "churn-model", MODEL_PROJECT)),
            str(build(base, "design-memo", MEMO_REPO))]


@pytest.fixture
def complete_and_open(tmp_path) -> tuple[Path, Path]:
    """A model repository where the custom data-eng role is complete and ml-engineer is not."""
    repo = make_model_repo(tmp_path / "churn", {"POSTMORTEM.md": POSTMORTEM})
    role = tmp_path / "data-eng.toml"
    role.write_text(CUSTOM_ROLE, encoding="utf-8")
    return repo, role


POSTMORTEM = """# Postmortem: the drop in recall in March

## What happened
Recall on churners fell from 0.71 to 0.52 over two weeks after the upstream billing export changed a column's unit.

## Root cause
The monthly charge was exported in cents instead of euros, so the scaler saw values 100x larger than in training.

## What we changed
We added a schema check on the export and an alert on feature ranges; the model was retrained on corrected data.

## What I would do differently
Validate units at ingestion and keep a holdout of recent weeks to catch silent shifts earlier.
"""


def build_next_of(fmt: str, stdout: str) -> list[tuple[str, str]]:
    """(evidence, repository) of each action as the format shows it, in order."""
    if fmt == "json":
        return [(a["evidence"], a["repo"]) for a in json.loads(stdout)["build_next"]]
    if fmt == "text":
        return re.findall(r"^  \d+\. \+[\d.]+  (\w+) in (\S+) \(", stdout, re.M)
    if fmt == "github":
        return re.findall(r"^::\w+ .*?title=portfolio-check%3A (\w+) in (\S+) \(", stdout, re.M)
    if fmt == "markdown":
        section = stdout.split("## Build next", 1)[1].split("\n## ", 1)[0]
        titles = re.findall(r"^- \[ \] \*\*(.+?)\*\* in `(.+?)`", section, re.M)
        return [(_kind_id(t), r) for t, r in titles]
    section = stdout.split("<h2>Build next</h2>", 1)[1].split("<h2>", 1)[0]
    return [(_kind_id(t), r) for t, r in re.findall(r"<li><b>(.+?)</b> in <code>(.+?)</code>", section)]


def _kind_id(title: str) -> str:
    from portfolio_check.render.output import evidence_titles

    return {v: k for k, v in evidence_titles().items()}[title.replace("\\", "")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_lists_the_open_roles_actions_and_none_for_a_complete_one(complete_and_open, fmt):
    repo, role = complete_and_open
    args = (str(repo), "--checklist", str(role), "--role", "data-eng", "--role", "ml-engineer")
    data = json.loads(run(*args, "--format", "json").stdout)
    scores = {r["id"]: r["score"] for r in data["roles"]}
    assert scores["data-eng"] == 100 and scores["ml-engineer"] < 100
    expected = [(a["evidence"], a["repo"]) for a in data["build_next"]]
    assert expected and all(r == "churn" for _, r in expected)  # the repository for each action
    assert all(g["role"] == "ml-engineer" for a in data["build_next"] for g in a["gains"])
    result = run(*args, "--format", fmt)
    assert result.exit_code == 0, result.output
    shown = build_next_of(fmt, result.stdout)
    n = len(shown)
    assert n >= min(len(expected), 5) and shown == expected[:n]


def test_actions_sum_their_points_over_roles_and_rank_by_the_sum(three):
    data = json.loads(run(*three, "--format", "json").stdout)
    actions = data["build_next"]
    roles = {r["id"]: r for r in data["roles"]}
    assert [a["gain"] for a in actions] == sorted((a["gain"] for a in actions), reverse=True)
    multi = [a for a in actions if len({g["role"] for g in a["gains"]}) > 1]
    assert multi  # some evidence lifts several roles at once
    for a in actions:
        assert a["gain"] == pytest.approx(sum(g["gain"] for g in a["gains"]), abs=0.05)
        for g in a["gains"]:
            item = next(i for i in roles[g["role"]]["items"] if i["id"] == g["item"])
            assert item["status"] in ("gap", "partial") and g["gain"] <= item["gain"] + 1e-9
    # every open item of every open role is proposed by some action
    proposed = {(g["role"], g["item"]) for a in actions for g in a["gains"]}
    for r in roles.values():
        for i in r["items"]:
            if i["status"] in ("gap", "partial"):
                assert (r["id"], i["id"]) in proposed, (r["id"], i["id"])


def test_a_target_role_focuses_build_next_from_the_flag_or_the_config(three, tmp_path):
    flag = json.loads(run(*three, "--target", "ai-to-mle", "--format", "json").stdout)
    assert flag["target_role"] == "ai-to-mle"
    assert flag["build_next"] and all(g["role"] == "ai-to-mle" for a in flag["build_next"] for g in a["gains"])
    md = run(*three, "--target", "ai-to-mle", "--format", "markdown").stdout
    assert "Toward the target role, **AI engineer to machine learning engineer**" in md
    assert "| AI engineer to machine learning engineer (target) |" in md
    repo = make_model_repo(tmp_path / "mine", {"pyproject.toml": '[tool.portfolio-check]\ntarget = "ml-engineer"\n'})
    cfg = json.loads(run(str(repo), "--format", "json").stdout)
    assert cfg["target_role"] == "ml-engineer"
    bad = run(*three, "--target", "ml-enginer")
    assert bad.exit_code == 2 and "unknown role 'ml-enginer' (did you mean 'ml-engineer'?)" in bad.stderr


def test_build_next_sits_directly_under_the_summary_in_markdown(three):
    md = run(*three, "--format", "markdown").stdout
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert headings[:3] == ["Readiness", "Build next", "Roles"]
    # and the first action is within the first screenful, not under the evidence tables
    assert md.index("- [ ] **") < len(md) // 3


def test_the_readiness_picture_has_bars_and_the_evidence_matrix(three):
    md = run(*three, "--format", "markdown").stdout
    readiness = md.split("## Readiness", 1)[1].split("## Build next", 1)[0]
    assert re.search(r"^\| AI engineer \| [\d.]+ \| `[█░]{10}` \|", readiness, re.M)
    assert "| Evidence | rag-app | churn-model | design-memo |" in readiness
    rows = [ln for ln in readiness.splitlines() if ln.startswith("| ") and ln.count("|") == 5
            and not ln.startswith("| Evidence")]
    assert len(rows) == 16 and all(set(re.findall("[🟢🟡🔴]", r)) for r in rows)
    # the detail per repository is folded below
    assert md.count("<details>") == md.count("</details>") >= 3 + 6


def test_a_failed_target_appears_in_every_format_and_the_run_exits_2(three, tmp_path):
    gone = str(tmp_path / "gone")
    for fmt in ("text", "markdown", "html", "json"):
        result = run(three[0], gone, "--format", fmt)
        assert result.exit_code == 2
        assert "gone" in result.stdout, fmt
        assert "1 of 2" in result.stdout or fmt == "json", fmt
    data = json.loads(run(three[0], gone, "--format", "json").stdout)
    assert [f["source"] for f in data["failures"]] == [gone]
    assert "no such file" in data["failures"][0]["reason"]
    schema = json.loads((Path(__file__).resolve().parents[1] / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)  # failures, build_next and target_role included


def test_below_the_threshold_is_named_even_when_the_run_exits_2(three, tmp_path):
    result = run(three[2], str(tmp_path / "gone"), "--fail-under", "99", "--role", "ml-engineer")
    assert result.exit_code == 2
    assert "below --fail-under 99: ml-engineer" in result.stderr


def test_a_manifest_naming_several_candidates_needs_an_output_dir(three, tmp_path):
    manifest = tmp_path / "cohort.toml"
    manifest.write_text(f'[[repo]]\nsource = "{three[0]}"\ncandidate = "Ada"\n\n'
                        f'[[repo]]\nsource = "{three[1]}"\ncandidate = "Cy"\n', encoding="utf-8")
    result = run("--manifest", str(manifest))
    assert result.exit_code == 2
    assert "names 2 candidates" in result.stderr and "--output-dir" in result.stderr
    assert result.stdout == ""


def test_an_empty_folder_says_nothing_was_read(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for fmt in ("text", "markdown"):
        out = run(str(empty), "--format", fmt).stdout
        assert "0 files read (the folder is empty)" in out, fmt
    data = json.loads(run(str(empty), "--format", "json").stdout)
    assert any(w.startswith("0 files read") for w in data["repos"][0]["warnings"])


def test_names_are_not_printed_twice(three):
    out = run(three[0]).stdout
    assert "rag-app  (" not in out
    assert re.search(r"^rag-app$", out, re.M)


@pytest.mark.parametrize(("env", "flag", "coloured"), [
    ({}, "--color=always", True),
    ({"NO_COLOR": "1"}, "--color=always", True),  # the flag wins
    ({"FORCE_COLOR": "1"}, None, True),
    ({"NO_COLOR": "1"}, None, False),
    ({}, "--color=never", False),
    ({"FORCE_COLOR": "1"}, "--color=never", False),
    ({}, None, False),  # not a terminal
])
def test_colour_follows_the_flag_then_force_color_then_no_color(three, monkeypatch, env, flag, coloured):
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    result = run(three[0], *([flag] if flag else []))
    assert result.exit_code == 0
    assert bool(ANSI.search(result.stdout)) is coloured


def test_sources_cite_the_article_by_title_not_a_file(three):
    md = run(*three, "--format", "markdown").stdout
    assert ".txt)" not in md and "(source: “" in md
    data = json.loads(run(*three, "--format", "json").stdout)
    titles = {i["source"]["title"] for r in data["roles"] for i in r["items"]}
    assert all(t.startswith("“") for t in titles)
