"""Whole-portfolio fixtures for the checklist and report tests, and an independent re-statement of the score.

The repositories are assembled from the building blocks in ``_repos.py``: an LLM RAG application with evals, a
model project (data pipeline, training, error analysis, serving, monitoring, drift), a memo-only repository and a
notebook-only training repository. ``expected_score`` recomputes a role's score from the checklist TOML and the
scanned evidence, following the definition in ``portfolio_check/judge/verdict.py``'s docstring, so a test compares the
tool against the definition rather than against the tool's own earlier output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from _repos import (
    CHROMA_RAG,
    CLEAN_MODULE,
    CONFUSION_EVAL,
    DESIGN_MEMO,
    DOCKERFILE,
    DRIFT_JOB,
    FASTAPI_APP,
    GOLDEN_EVAL,
    GOLDEN_SET,
    PROMETHEUS_APP,
    README_PLAIN,
    RETRY_CLIENT,
    TOOLS_AGENT,
    TRAIN_SCRIPT,
    notebook,
    write_tree,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from portfolio_check.model import RepoResult

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECKLIST_DIR = REPO_ROOT / "checklists"
ROLES = ("ai-engineer", "ml-engineer", "bridge", "swe-to-ai", "ai-to-mle", "mle-to-ai")

#: an LLM RAG assistant: retrieval, tool calls, a golden-set eval, retries/timeouts, an API in a container
AI_APP = {
    "README.md": README_PLAIN,
    "app/__init__.py": "",
    "app/main.py": FASTAPI_APP,
    "app/rag.py": CHROMA_RAG,
    "app/agent.py": TOOLS_AGENT,
    "app/llm.py": RETRY_CLIENT,
    "evals/run_eval.py": GOLDEN_EVAL,
    "evals/golden_set.jsonl": GOLDEN_SET,
    "Dockerfile": DOCKERFILE,
    "requirements.txt": "fastapi\nuvicorn\nopenai\nchromadb\ntenacity\nhttpx\n",
}

#: a classical model project: cleaning module, training script, confusion-matrix eval, drift job, a monitored API
MODEL_PROJECT = {
    "README.md": README_PLAIN,
    "pipeline/__init__.py": "",
    "pipeline/clean.py": CLEAN_MODULE,
    "train.py": TRAIN_SCRIPT,
    "evaluate.py": CONFUSION_EVAL,
    "monitoring/drift.py": DRIFT_JOB,
    "app/__init__.py": "",
    "app/main.py": PROMETHEUS_APP,
    "Dockerfile": DOCKERFILE,
    "requirements.txt": "fastapi\nprometheus-client\nscikit-learn\npandas\nscipy\n",
}

#: the third bridge artifact: a repository that is only a written design memo
MEMO_REPO = {"README.md": README_PLAIN, "docs/design.md": DESIGN_MEMO}

#: training that lives only in a notebook
NOTEBOOK_ONLY = {
    "README.md": README_PLAIN,
    "train.ipynb": notebook(("markdown", "# Churn model"), ("code", TRAIN_SCRIPT)),
}


def build(parent: Path, name: str, files: dict[str, str | bytes]) -> Path:
    return write_tree(parent / name, files)


# --- the score, restated from the definition -------------------------------------------------------------------

RANK = {"missing": 0, "weak": 1, "strong": 2}
CREDIT = {"met": 1.0, "partial": 0.5, "gap": 0.0}


def checklist_data(role: str) -> dict:
    with (CHECKLIST_DIR / f"{role}.toml").open("rb") as fh:
        return tomllib.load(fh)


def status_of(item: dict, repos: list[RepoResult]) -> str:
    """met / partial / gap for one checklist item (a dict from the TOML), from the repositories' evidence."""
    pool = repos
    if item.get("artifact"):
        pool = [r for r in repos if r.artifact == item["artifact"]]
    need = RANK[item.get("level", "strong")]
    best = [max((RANK[r.finding(ev).status] for r in pool), default=0) for ev in item["evidence"]]
    if item.get("match", "any") == "all":
        if all(b >= need for b in best):
            return "met"
        return "partial" if any(best) else "gap"
    top = max(best)
    if top >= need:
        return "met"
    return "partial" if top > 0 else "gap"


def notebook_only_training(repos: list[RepoResult]) -> bool:
    trains = [r for r in repos if r.finding("training").status == "strong"]
    return bool(trains) and all(r.notebook_only for r in trains)


def expected_score(data: dict, repos: list[RepoResult], waived: frozenset[str] = frozenset()) -> float:
    """100 × Σ(weight × credit) / Σ(weight) over the items not waived, minus the notebook-only penalty, clamped."""
    total = earned = 0.0
    for item in data["item"]:
        status = status_of(item, repos)
        if item["id"] in waived and status != "met":
            continue
        total += item["weight"]
        earned += item["weight"] * CREDIT[status]
    score = 100.0 * earned / total if total else 100.0
    if notebook_only_training(repos):
        score -= data.get("notebook_only_penalty", 0)
    return round(min(100.0, max(0.0, score)), 1)


def expected_gains(data: dict, repos: list[RepoResult]) -> dict[str, float]:
    """Per open item, the points it adds when met: 100 × weight × (1 − credit) / Σ(weight)."""
    total = sum(item["weight"] for item in data["item"])
    out = {}
    for item in data["item"]:
        status = status_of(item, repos)
        if status != "met":
            out[item["id"]] = round(100.0 * item["weight"] * (1 - CREDIT[status]) / total, 1)
    return out
