"""CI outputs as a workflow sees them: GitHub annotations (escaped per the workflow-command rules), the job step
summary (appended whatever the format, kept under 1 MiB) and the shields.io endpoint badge."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _ci import CUSTOM_ROLE, make_model_repo, report, role, run

from portfolio_check.render.ci_outputs import write_step_summary

MIB = 1024 * 1024
SHIELDS_COLOURS = {"brightgreen", "green", "yellowgreen", "yellow", "orange", "red", "blue", "lightgrey",
                   "success", "important", "critical", "informational", "inactive"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_model_repo(tmp_path / "repo")


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


ANNOTATION = re.compile(r"^::(?P<kind>warning|notice|error) (?P<props>[^:]*)::(?P<msg>.*)$")


def annotations(stdout: str) -> list[dict[str, str]]:
    """Parse every output line as a workflow command; each line must be one."""
    out = []
    for line in stdout.splitlines():
        m = ANNOTATION.match(line)
        assert m, f"not a workflow command: {line!r}"
        props = dict(p.split("=", 1) for p in m["props"].split(","))
        out.append({"kind": m["kind"], "msg": m["msg"], **props})
    return out


# --- --format github ----------------------------------------------------------------------------------------


def test_annotations_are_the_build_next_actions_in_order_each_once(repo):
    data = report(str(repo), "--role", "ml-engineer")
    actions = data["build_next"]
    assert len(actions) >= 2
    result = run(str(repo), "--role", "ml-engineer", "--format", "github")
    assert result.exit_code == 0
    found = annotations(result.stdout)
    assert [a["title"] for a in found] == [
        escape_property(f"portfolio-check: {x['evidence']} in {x['repo']} ({x['current']} -> {x['target']})")
        for x in actions]
    for a, x in zip(found, actions, strict=True):
        assert a["kind"] == ("notice" if x["current"] == "weak" else "warning")
        assert f"+{x['gain']:g} points (ml-engineer +" in a["msg"]
        assert a["msg"].endswith(escape_data(x["advice"]))
        items = {g["item"] for g in x["gains"]}
        titles = [i["title"] for i in role(data, "ml-engineer")["items"] if i["id"] in items]
        assert all(escape_data(t) in a["msg"] for t in titles)


def test_evidence_to_raise_is_a_notice_at_its_weak_line(repo):
    data = report(str(repo), "--role", "ml-engineer")
    weak = [x for x in data["build_next"] if x["current"] == "weak"]
    assert weak
    notices = [a for a in annotations(run(str(repo), "--role", "ml-engineer", "--format", "github").stdout)
               if a["kind"] == "notice"]
    assert len(notices) == len(weak)
    evidence = {e["id"]: e for e in data["repos"][0]["evidence"]}
    for x, note in zip(weak, notices, strict=True):
        loc = evidence[x["evidence"]]["locations"][0]
        assert note["file"] == loc["path"]  # an absolute repository path: paths relative to the workspace
        assert note["line"] == str(loc["line"])
        lines = (repo / loc["path"]).read_text(encoding="utf-8").splitlines()
        assert 1 <= int(note["line"]) <= len(lines)


def test_at_most_ten_annotations_of_a_type_the_last_one_counting_the_rest(tmp_path):
    empty = tmp_path / "bare"
    (empty / "src").mkdir(parents=True)
    (empty / "src" / "hello.py").write_text("print('hello')\n", encoding="utf-8")
    data = report(str(empty))
    assert len(data["build_next"]) > 10
    found = annotations(run(str(empty), "--format", "github").stdout)
    warnings = [a for a in found if a["kind"] == "warning"]
    assert len(warnings) == 10
    firsts = [escape_property(f"portfolio-check: {x['evidence']} in bare ({x['current']} -> {x['target']})")
              for x in data["build_next"][:9]]
    assert [a["title"] for a in warnings[:9]] == firsts  # by priority
    assert warnings[9]["msg"].startswith(f"{len(data['build_next']) - 9} more of these")


def test_notice_paths_are_relative_to_the_workspace_for_a_relative_repository(repo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    notices = [a for a in annotations(run("repo", "--role", "ml-engineer", "--format", "github").stdout)
               if a["kind"] == "notice"]
    assert notices
    for a in notices:
        assert a["file"].startswith("repo/")
        assert (tmp_path / a["file"]).is_file()


def test_error_annotation_only_below_fail_under(repo):
    score = role(report(str(repo), "--role", "ml-engineer"), "ml-engineer")["score"]
    below = run(str(repo), "--role", "ml-engineer", "--format", "github", "--fail-under", "95")
    assert below.exit_code == 1
    errors = [a for a in annotations(below.stdout) if a["kind"] == "error"]
    assert len(errors) == 1
    assert errors[0]["title"] == escape_property("portfolio-check ml-engineer")
    assert f"{score:g}" in errors[0]["msg"] and "95" in errors[0]["msg"]
    above = run(str(repo), "--role", "ml-engineer", "--format", "github", "--fail-under", "5")
    assert above.exit_code == 0
    assert not [a for a in annotations(above.stdout) if a["kind"] == "error"]


ESCAPE_ROLE = """\
schema_version = 1
id = "esc"
title = "Escaping, 100%: done"
description = "Checks workflow-command escaping."

[[item]]
id = "esc.serve"
title = "Serve 100% of traffic, safely: now"
evidence = ["serving"]
weight = 1
advice = \"\"\"First line: 50% done,
second line.\"\"\"
[item.source]
file = "guide.md"
claim = "Serving matters."

[[item]]
id = "esc.memo"
title = "A memo 5%"
evidence = ["tech_memo"]
weight = 1
advice = "Write it:\\r\\nnow, 1%."
[item.source]
file = "guide.md"
claim = "Memos matter."
"""


def test_messages_and_properties_are_escaped_per_the_workflow_command_rules(repo, tmp_path):
    (repo / "app" / "main.py").rename(repo / "app" / "api,v2:final.py")
    checklist = tmp_path / "esc.toml"
    checklist.write_text(ESCAPE_ROLE, encoding="utf-8")
    result = run(str(repo), "--checklist", str(checklist), "--role", "esc", "--format", "github",
                 "--fail-under", "90")
    assert result.exit_code == 1
    raw = result.stdout
    assert raw.count("\n") == 3 and "\r" not in raw  # three annotations, one line each
    found = {a["kind"]: a for a in annotations(raw)}
    notice = found["notice"]
    assert notice["file"] == "app/api%2Cv2%3Afinal.py"
    assert notice["title"] == "portfolio-check%3A serving in repo (weak -> strong)"
    assert notice["msg"].startswith("Serve 100%25 of traffic, safely: now: +")
    assert "First line: 50%25 done,%0Asecond line." in notice["msg"]
    assert found["warning"]["msg"].endswith("Write it:%0Anow, 1%25.")  # CRLF is one line break; a lone CR is escaped
    assert "A memo 5%25" in found["warning"]["msg"]
    assert found["error"]["msg"].startswith("Escaping, 100%25: done scored")


def test_no_annotations_when_every_item_is_met(repo, tmp_path):
    checklist = tmp_path / "data-eng.toml"
    checklist.write_text(CUSTOM_ROLE.split("\n[[item]]\nid = \"data-eng.postmortem\"")[0], encoding="utf-8")
    result = run(str(repo), "--checklist", str(checklist), "--role", "data-eng", "--format", "github")
    assert result.exit_code == 0
    assert result.stdout == ""


# --- the job step summary -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "github", "text", "badge"])
def test_step_summary_gets_the_markdown_report_whatever_the_format(repo, tmp_path, monkeypatch, fmt):
    summary = tmp_path / "summary.md"
    summary.write_text("## An earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run(str(repo), "--role", "ml-engineer", "--format", fmt)
    assert result.exit_code == 0
    assert "# Portfolio report" not in result.stdout  # stdout keeps the chosen format
    if fmt in ("json", "badge"):
        json.loads(result.stdout)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## An earlier step\n# Portfolio report")  # appended, not overwritten
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    markdown = run(str(repo), "--role", "ml-engineer", "--format", "markdown").stdout
    # the same report, but a job summary has no folder for relative links: with no host known, plain paths
    assert "](" in markdown and "](" not in text
    assert text == "## An earlier step\n" + plain_links(markdown)


def plain_links(markdown: str) -> str:
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"`\1`", markdown)


def test_markdown_format_with_a_step_summary_writes_the_same_report_to_both(repo, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = run(str(repo), "--format", "markdown")
    assert summary.read_text(encoding="utf-8") == plain_links(result.stdout)


def test_empty_step_summary_variable_writes_nothing(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    monkeypatch.chdir(tmp_path)
    assert run(str(repo)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]


def test_an_unwritable_step_summary_is_a_warning_not_a_failure(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory
    result = run(str(repo), "--role", "ml-engineer", "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout)
    assert "step summary" in result.stderr and "Traceback" not in result.stderr


def test_write_step_summary_appends_a_small_report_verbatim(tmp_path):
    target = tmp_path / "s.md"
    target.write_text("before\n", encoding="utf-8")
    assert write_step_summary("# Report\n\nall good", {"GITHUB_STEP_SUMMARY": str(target)}) == str(target)
    assert target.read_text(encoding="utf-8") == "before\n# Report\n\nall good\n"


def test_write_step_summary_without_the_variable_does_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert write_step_summary("# Report\n", {}) is None
    assert list(tmp_path.iterdir()) == []


def test_a_huge_report_is_cut_under_one_mib_at_a_line_with_a_note(tmp_path):
    target = tmp_path / "s.md"
    line = "| repo | évaluation ✅ | 100 | 🟡 partial |\n"  # multi-byte characters: the cut must stay valid UTF-8
    huge = "# Portfolio report\n\n" + line * (2 * MIB // len(line.encode()))
    assert len(huge.encode()) > 1.5 * MIB
    write_step_summary(huge, {"GITHUB_STEP_SUMMARY": str(target)})
    data = target.read_bytes()
    assert len(data) <= MIB
    text = data.decode("utf-8")  # strict: raises on a cut character
    assert len(data) > MIB // 2  # cut near the limit, not emptied
    assert text.startswith("# Portfolio report\n\n" + line)
    body, _, tail = text.rstrip("\n").rpartition("\n\n")
    assert "1 MiB" in tail and "cut" in tail
    assert body.endswith(line.rstrip("\n"))  # whole lines only


def test_a_huge_report_without_newlines_is_still_cut_to_valid_utf8(tmp_path):
    target = tmp_path / "s.md"
    write_step_summary("é" * MIB, {"GITHUB_STEP_SUMMARY": str(target)})
    data = target.read_bytes()
    assert len(data) <= MIB
    data.decode("utf-8")


# --- --format badge -----------------------------------------------------------------------------------------


def test_badge_is_a_shields_endpoint_for_the_chosen_role(repo):
    score = role(report(str(repo), "--role", "ml-engineer"), "ml-engineer")["score"]
    result = run(str(repo), "--role", "ml-engineer", "--format", "badge")
    assert result.exit_code == 0
    body = json.loads(result.stdout)
    assert set(body) == {"schemaVersion", "label", "message", "color"}
    assert body["schemaVersion"] == 1
    assert "ml-engineer" in body["label"]
    assert body["message"] == f"{score:g}/100"
    assert re.fullmatch(r"\d+(\.\d)?/100", body["message"])
    assert body["color"] in SHIELDS_COLOURS


def test_badge_without_a_role_shows_the_closest_role(repo):
    data = report(str(repo))
    closest = data["portfolio"]["closest_role"]
    body = json.loads(run(str(repo), "--format", "badge").stdout)
    assert closest in body["label"]
    assert body["message"] == f"{role(data, closest)['score']:g}/100"


def test_badge_colour_follows_the_score(repo, tmp_path):
    full = tmp_path / "full.toml"
    full.write_text(CUSTOM_ROLE.split("\n[[item]]\nid = \"data-eng.postmortem\"")[0], encoding="utf-8")
    nothing = tmp_path / "nothing.toml"
    nothing.write_text(CUSTOM_ROLE.replace('evidence = ["training"]', 'evidence = ["tool_use"]'), encoding="utf-8")
    top = json.loads(run(str(repo), "--checklist", str(full), "--role", "data-eng", "--format", "badge").stdout)
    low = json.loads(run(str(repo), "--checklist", str(nothing), "--role", "data-eng", "--format", "badge").stdout)
    assert top["message"] == "100/100" and low["message"] == "0/100"
    assert top["color"] == "brightgreen"
    assert low["color"] == "red"


def test_badge_written_to_a_file_with_output(repo, tmp_path):
    out = tmp_path / "badge.json"
    result = run(str(repo), "--role", "bridge", "--format", "badge", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["schemaVersion"] == 1
