"""Run the GitHub Action's scan step (action/scan.sh) as a runner would: bash, the ``GITHUB_*`` variables, the
inputs as ``PC_*`` environment variables, the workspace as the current folder; ``portfolio-check`` on PATH is
a shim that counts how often it is started."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "action" / "scan.sh"


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    scans: int  # how many times portfolio-check was started


def run_action(workspace: Path, runner: Path, **inputs: str) -> StepRun:
    runner.mkdir(parents=True, exist_ok=True)
    shims = runner / "bin"
    shims.mkdir(exist_ok=True)
    count = runner / "scans"
    count.write_text("", encoding="utf-8")
    shim = shims / "portfolio-check"
    # -I: like the installed console script, nothing is imported from the workspace (the current folder)
    shim.write_text(f'#!/bin/sh\necho x >> "{count}"\nexec "{sys.executable}" -I -m portfolio_check "$@"\n',
                    encoding="utf-8")
    shim.chmod(0o755)
    output, summary = runner / "output", runner / "summary.md"
    output.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PC_", "RUNNER_"))}
    env.update({"PATH": f"{shims}{os.pathsep}{env.get('PATH', '')}", "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
                "RUNNER_TEMP": str(runner), "GITHUB_ACTION_PATH": str(ROOT), "NO_COLOR": "1"})
    env.update(inputs)
    proc = subprocess.run(["bash", str(SCRIPT)], cwd=workspace, env=env, capture_output=True, text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if "=" in line)
    return StepRun(proc.returncode, proc.stdout, proc.stderr, outputs, summary.read_text(encoding="utf-8"),
                   len(count.read_text(encoding="utf-8").splitlines()))
