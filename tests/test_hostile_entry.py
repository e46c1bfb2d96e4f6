"""Entry points started inside a hostile folder import nothing from it: ``python -m portfolio_check`` and the
action's scan step (both run with the scanned repository as the current folder)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

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


def test_every_python_the_action_runs_is_isolated():
    text = (ROOT / "action.yml").read_text(encoding="utf-8") + (ROOT / "action" / "scan.sh").read_text(
        encoding="utf-8")
    calls = re.findall(r"^\s*(?:run:\s*)?python3?( [^\n]*)", text, flags=re.M)
    assert calls  # the install step
    for args in calls:
        assert args.split()[0] == "-I", f"python{args}: without -I the workspace shadows the standard library"
    assert "<<'PY'" not in text  # no inline Python: the outputs are the CLI's own


def test_the_actions_scan_step_imports_nothing_from_the_workspace(tmp_path):
    from _action import run_action

    marker = tmp_path / "MARKER"
    workspace = hostile_folder(tmp_path / "workspace", marker)
    ran = run_action(workspace, tmp_path / "runner", PC_ROLE="ml-engineer")
    assert not marker.exists(), marker.read_text()
    assert ran.returncode == 0, ran.stderr
    assert ran.outputs["role"] == "ml-engineer" and float(ran.outputs["score"]) > 0
