"""Entry points started inside a hostile folder import nothing from it: ``python -m portfolio_check`` and the
action's inline Python step (both run with the scanned repository as the current folder)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _repos import TRAIN_SCRIPT, write_tree

ROOT = Path(__file__).resolve().parents[1]
SHADOWS = ("click", "json", "jsonschema", "ahocorasick", "tomllib", "portfolio_check_extra", "re", "typing")


def hostile_folder(root: Path, marker: Path) -> Path:
    payload = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    return write_tree(root, {"train.py": TRAIN_SCRIPT, **{f"{name}.py": payload for name in SHADOWS}})


def test_python_m_inside_a_scanned_folder_imports_nothing_from_it(tmp_path):
    marker = tmp_path / "MARKER"
    root = hostile_folder(tmp_path / "repo", marker)
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", "--format", "json"], cwd=root,
                          capture_output=True, text=True, timeout=60)
    assert not marker.exists(), marker.read_text()
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["repos"][0]["name"] == "repo"


def _inline_step() -> tuple[list[str], str]:
    """The action's ``python ... <<'PY'`` step: its interpreter flags and its script."""
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    m = re.search(r"^(\s*)python((?: -\w+)*) - .*<<'PY'\n(.*?)^\s*PY$", text, flags=re.M | re.S)
    assert m, "the action's inline Python step was not found"
    return m.group(2).split(), textwrap.dedent(m.group(3))


def test_every_python_the_action_runs_is_isolated():
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    calls = re.findall(r"^\s*(?:run:\s*)?python( [^\n]*)", text, flags=re.M)
    assert len(calls) >= 2
    for args in calls:
        assert args.split()[0] == "-I", f"python{args}: without -I the workspace shadows the standard library"


@pytest.mark.parametrize("role", ["ml-engineer", ""])
def test_the_actions_inline_step_ignores_a_json_py_in_the_workspace(tmp_path, role):
    marker = tmp_path / "MARKER"
    workspace = hostile_folder(tmp_path / "workspace", marker)
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"roles": [{"id": "ml-engineer", "score": 42.5}],
                                  "portfolio": {"closest_role": "ml-engineer"}}))
    flags, script = _inline_step()
    proc = subprocess.run([sys.executable, *flags, "-", str(report), role], input=script, cwd=workspace,
                          capture_output=True, text=True, timeout=60)
    assert not marker.exists(), marker.read_text()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["score=42.5", "role=ml-engineer"]
