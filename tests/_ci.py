"""Shared pieces for the CI / config / compare / remote / batch tests: a small model repository, a custom checklist
and a helper that runs ``portfolio-check scan`` the way a user does (exit code, stdout, stderr)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _repos import DUMMY_BASELINE, FASTAPI_APP, TRAIN_SCRIPT, write_tree
from click.testing import CliRunner, Result

from portfolio_check.cli import main

#: a small model project: training (strong), an API without Dockerfile (serving weak), no baseline, no tests
MODEL = {
    "README.md": "# churn\n\nPredicts which customers will leave.\n",
    "train.py": TRAIN_SCRIPT,
    "app/__init__.py": "",
    "app/main.py": FASTAPI_APP,
}

BASELINE = {"baselines/simple.py": DUMMY_BASELINE}

#: a valid custom role with two items (used for "extra checklists" and for score colours)
CUSTOM_ROLE = """\
schema_version = 1
id = "data-eng"
title = "Data engineer"
description = "Pipelines and training."

[[item]]
id = "data-eng.training"
title = "Training code"
evidence = ["training"]
weight = 1
advice = "Add a training script."
[item.source]
file = "guide.md"
claim = "Training matters."

[[item]]
id = "data-eng.postmortem"
title = "A postmortem"
evidence = ["postmortem"]
weight = 1
advice = "Write POSTMORTEM.md."
[item.source]
file = "guide.md"
claim = "Postmortems matter."
"""


def make_model_repo(root: Path, extra: dict[str, str] | None = None) -> Path:
    return write_tree(root, {**MODEL, **(extra or {})})


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["scan", *args])


def report(*args: str) -> dict[str, Any]:
    """``scan --format json ARGS`` that must succeed (exit 0 or 1); the parsed JSON."""
    result = run("--format", "json", *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr)
    return json.loads(result.stdout)


def role(data: dict[str, Any], role_id: str) -> dict[str, Any]:
    return next(r for r in data["roles"] if r["id"] == role_id)


def item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for r in data["roles"] for i in r["items"] if i["id"] == item_id)


def evidence(data: dict[str, Any], repo_index: int = 0) -> dict[str, str]:
    return {e["id"]: e["status"] for e in data["repos"][repo_index]["evidence"]}


def assert_input_error(result: Result, *needles: str) -> None:
    """Exit 2, nothing on stdout, a ``portfolio-check: error:`` message containing every needle, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("portfolio-check: error: "), result.stderr
    for n in needles:
        assert n in result.stderr, (n, result.stderr)
