"""The GitHub Action and the pre-commit hook definition, checked as text (no YAML parser is installed): inputs
reach the action's shell only through ``env:``, its scan step is action/scan.sh, and the hook scans the whole
repository before each push (never on a commit, where a threshold would block a typo fix)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ACTION = ROOT / "action.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def blocks(text: str, key: str) -> list[tuple[int, str]]:
    """Every ``key:`` value (an inline value or the more-indented lines after it), with its line number."""
    lines = text.splitlines()
    out = []
    pat = re.compile(rf"^(\s*)(- )?{re.escape(key)}:(.*)$")
    for n, line in enumerate(lines):
        m = pat.match(line)
        if not m:
            continue
        own = len(m.group(1)) + (2 if m.group(2) else 0)
        body = [m.group(3)]
        for nxt in lines[n + 1:]:
            if nxt.strip() and indent(nxt) <= own:
                break
            body.append(nxt)
        out.append((n + 1, "\n".join(body)))
    return out


@pytest.fixture(scope="module")
def action() -> str:
    return ACTION.read_text(encoding="utf-8")


def test_blocks_helper_finds_an_interpolation_inside_run():
    """The checker itself catches the unsafe pattern (so the real test below can fail)."""
    bad = "steps:\n  - name: x\n    run: |\n      echo hi\n      echo ${{ inputs.role }}\n    env:\n      A: b\n"
    (_, body), = blocks(bad, "run")
    assert "${{ inputs.role }}" in body
    assert "A: b" not in body


def test_no_expression_is_interpolated_into_a_run_script(action):
    runs = blocks(action, "run")
    assert len(runs) >= 2
    for line, body in runs:
        assert "${{" not in body, f"action.yml:{line}: an expression inside run: is shell injection"


def test_every_input_reaches_the_scan_step_through_env(action):
    inputs_block = blocks(action, "inputs")[0][1]
    names = re.findall(r"^  ([a-z][a-z-]*):\s*$", inputs_block, flags=re.M)
    assert {"paths", "role", "fail-under", "format"} <= set(names)
    env = "\n".join(body for _, body in blocks(action, "env"))
    for name in names:
        if name == "python-version":
            continue
        assert re.search(rf"^\s+[A-Z_]+: \$\{{\{{ inputs\.{re.escape(name)} \}}\}}\s*$", env, flags=re.M), name
    used = set(re.findall(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}", action))
    assert used == set(names)  # every declared input is used, nothing undeclared is


def test_inputs_appear_only_under_env_or_with(action):
    for n, line in enumerate(action.splitlines(), start=1):
        if "${{ inputs." in line:
            parents = [b for key in ("env", "with") for b in blocks(action, key)]
            assert any(start < n <= start + body.count("\n") for start, body in parents), f"action.yml:{n}: {line}"


def test_the_scan_step_runs_the_script_the_tests_run(action):
    (_, run), = [b for b in blocks(action, "run") if "scan.sh" in b[1]]
    assert run.strip().startswith('bash "$GITHUB_ACTION_PATH/action/scan.sh"')


def test_paths_are_passed_after_double_dash():
    """A path like ``--upload-pack=...`` from the paths input can never be read as an option."""
    script = (ROOT / "action" / "scan.sh").read_text(encoding="utf-8")
    calls = [line for line in script.splitlines() if '"${paths[@]}"' in line]
    assert calls
    assert all(re.search(r'--\s+"\$\{paths\[@\]\}"', line) for line in calls), calls


def test_action_outputs_come_from_the_scan_step(action):
    assert re.search(r"score:\s*\n\s+description:.*\n\s+value: \$\{\{ steps\.scan\.outputs\.score \}\}", action)
    assert re.search(r"^\s+id: scan\s*$", action, flags=re.M)


def test_pre_commit_hook_scans_the_whole_repository_before_each_push():
    text = HOOKS.read_text(encoding="utf-8")
    keys = dict(re.findall(r"^\s*-?\s*([a-z_]+):\s*(.+?)\s*$", text, flags=re.M))
    assert keys["id"] == "portfolio-check"
    assert keys["pass_filenames"] == "false"
    assert keys["always_run"] == "true"
    assert keys["stages"] == "[pre-push]"
    assert keys["language"] == "python"
    assert keys["entry"].split()[0] == "portfolio-check"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^portfolio-check = "portfolio_check\.cli:(?:main|run)"', pyproject, flags=re.M)
