"""The terminal side of the roles: `scan` text output (scores, next steps, no colour codes off a TTY), `roles` and
`explain`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT, ROLES, build, checklist_data, expected_score
from click.testing import CliRunner

from portfolio_check.cli import main
from portfolio_check.engine.rules import bundled_rules
from portfolio_check.engine.scan import scan_repo
from portfolio_check.judge.checklists import Source, cite

ANSI = re.compile(r"\x1b\[")


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("text")
    return {"ai": str(build(base, "rag-assistant", AI_APP)), "ml": str(build(base, "churn-model", MODEL_PROJECT)),
            "memo": str(build(base, "design-memo", MEMO_REPO))}


def cli(*args: str):
    return CliRunner().invoke(main, list(args))


def role_lines(text: str) -> dict[str, str]:
    block = text.split("Roles (score out of 100)\n", 1)[1]
    out = {}
    for line in block.splitlines():
        m = re.match(r"  (\S+)\s+(\d+\.\d) ", line)
        if not m:
            break
        out[m.group(1)] = line
    return out


# --- scan, text format --------------------------------------------------------------------------------------------


def test_text_shows_every_role_score_and_marks_the_closest(repos):
    result = cli("scan", repos["ai"])
    assert result.exit_code == 0, result.output
    scanned = [scan_repo(repos["ai"])]
    expected = {r: expected_score(checklist_data(r), scanned) for r in ROLES}
    lines = role_lines(result.stdout)
    assert list(lines) == list(ROLES)
    for role, line in lines.items():
        assert re.match(rf"  {re.escape(role)}\s+{expected[role]:5.1f} ", line), line
    closest = max(ROLES, key=lambda r: expected[r])  # first of equal scores
    assert [r for r, ln in lines.items() if ln.endswith("<- closest")] == [closest]


ACTION = re.compile(r"^  \d+\. \+(?P<gain>[\d.]+)  (?P<kind>\w+) in (?P<repo>.+?) \((?P<cur>\w+) -> (?P<tgt>\w+)\): "
                    r"(?P<roles>.+)$")


def actions_of(stdout: str) -> list[re.Match[str]]:
    return [m for m in map(ACTION.match, stdout.splitlines()) if m]


def test_text_build_next_sums_each_action_over_every_incomplete_role(repos):
    result = cli("scan", repos["ai"], repos["ml"])
    assert result.exit_code == 0, result.output
    scores = {r: float(ln.split()[1]) for r, ln in role_lines(result.stdout).items()}
    assert "Build next (summed over every role not yet complete" in result.stdout
    actions = actions_of(result.stdout)
    assert actions, result.stdout
    gains = [float(m["gain"]) for m in actions]
    assert gains == sorted(gains, reverse=True)  # the biggest summed gain first
    named: set[str] = set()
    for m in actions:
        parts = dict(p.rsplit(" +", 1) for p in m["roles"].split(", "))
        assert abs(sum(map(float, parts.values())) - float(m["gain"])) < 0.15
        named |= set(parts)
        assert m["repo"] in (Path(repos["ai"]).name, Path(repos["ml"]).name)
        assert (m["cur"], m["tgt"]) in (("missing", "weak"), ("missing", "strong"), ("weak", "strong"))
    assert all(scores[r] < 100 for r in named)  # complete roles propose nothing
    open_roles = {r for r, s in scores.items() if s < 100}
    assert named <= open_roles and named  # and the first five actions already touch some of the open ones


def test_text_build_next_with_a_target_role_counts_that_role_only(repos):
    result = cli("scan", "--target", "ml-engineer", repos["ai"])
    assert result.exit_code == 0, result.output
    assert "Build next (toward ml-engineer" in result.stdout
    assert role_lines(result.stdout)["ml-engineer"].endswith("<- target")
    actions = actions_of(result.stdout)
    assert actions and all(m["roles"].startswith("ml-engineer +") and ", " not in m["roles"] for m in actions)


def test_text_for_selected_roles_only(repos):
    result = cli("scan", "--role", "ml-engineer", repos["ai"], repos["ml"], repos["memo"])
    assert result.exit_code == 0
    assert list(role_lines(result.stdout)) == ["ml-engineer"]
    assert all(m["roles"].startswith("ml-engineer +") for m in actions_of(result.stdout))
    assert "<- closest" not in result.stdout
    # the evidence that role needs first; the rest on one line, not as rows that look as if they mattered
    assert "  not used by the selected roles: retrieval" in result.stdout
    assert not any(ln.startswith("  retrieval ") for ln in result.stdout.splitlines())


def test_text_in_a_pipe_has_no_colour_codes(repos):
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", repos["ai"], repos["ml"]],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Roles (score out of 100)" in proc.stdout
    assert not ANSI.search(proc.stdout) and not ANSI.search(proc.stderr)


def test_text_written_to_a_file_has_no_colour_codes(repos, tmp_path):
    out = tmp_path / "report.txt"
    result = cli("scan", "--output", str(out), repos["ai"], repos["ml"])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "Roles (score out of 100)" in text and "Build next (" in text
    assert not ANSI.search(text)


# --- roles --------------------------------------------------------------------------------------------------------


def test_roles_lists_the_six_bundled_roles_in_report_order():
    result = cli("roles")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [ln.split()[0] for ln in lines] == list(ROLES)
    width = max(map(len, ROLES))
    for role, line in zip(ROLES, lines, strict=True):
        data = checklist_data(role)
        assert line == f"{role:<{width}}  {data['title']}: {data['description']}"


# --- explain ------------------------------------------------------------------------------------------------------


def test_explain_an_item():
    result = cli("explain", "bridge.model-serving")
    assert result.exit_code == 0
    item = next(i for i in checklist_data("bridge")["item"] if i["id"] == "bridge.model-serving")
    lines = result.stdout.splitlines()
    assert lines[0] == f"bridge.model-serving — {item['title']}  (role: bridge, weight {item['weight']:g})"
    assert lines[1] == "  needs:  any of serving at level strong, judged on the model_project repository"
    title = cite(Source(item["source"]["file"], item["source"]["claim"]))
    assert title.startswith("“") and ".txt" not in title  # the article's title, never a file name
    assert lines[2] == f"  why:    {item['source']['claim']}  (source: {title})"
    assert lines[3] == f"  advice: {item['advice']}"


def test_explain_an_all_item_names_every_kind():
    result = cli("explain", "ai-to-mle.evaluation")
    assert result.exit_code == 0
    assert "  needs:  all of evals, error_analysis at level strong" in result.stdout.splitlines()


def test_explain_an_evidence_kind_lists_the_items_that_use_it():
    result = cli("explain", "drift_checks")
    assert result.exit_code == 0
    kind = next(k for k in bundled_rules().evidence if k.id == "drift_checks")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"drift_checks — {kind.title}: ")
    users = [i["id"] for r in ROLES for i in checklist_data(r)["item"] if "drift_checks" in i["evidence"]]
    assert users
    assert lines[-1] == f"  used by: {', '.join(users)}"
    assert any(ln.startswith("  strong: ") for ln in lines) and any(ln.startswith("  why: ") for ln in lines)


def test_explain_a_role_lists_its_items_with_weights():
    result = cli("explain", "ml-engineer")
    assert result.exit_code == 0
    data = checklist_data("ml-engineer")
    lines = result.stdout.splitlines()
    assert lines[0] == f"ml-engineer — {data['title']}: {data['description']}"
    assert lines[1:] == [f"  {i['id']}  (weight {i['weight']:g}): {i['title']}" for i in data["item"]]


@pytest.mark.parametrize("unknown", ["nosuch", "ml-engineer.nosuch", "Evals", ""])
def test_explain_unknown_id_is_a_one_line_error(unknown):
    result = cli("explain", unknown)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("portfolio-check: error: ") and repr(unknown) in lines[0]
