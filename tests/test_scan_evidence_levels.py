"""Every evidence kind at every level it can take, in small repos built the way real projects show it."""

from __future__ import annotations

import pytest
from _repos import (
    EVIDENCE_CASES,
    NEXT_ROUTE_TS,
    PROMETHEUS_APP,
    TRAIN_SCRIPT,
    git_repo,
)
from conftest import line_text

from portfolio_check.engine.rules import bundled_rules

# the fixture table must hold a strong, a weak and a missing repository for each of the 16 kinds
_LEVELS = {(k, lvl) for k, lvl, _, _ in EVIDENCE_CASES}
assert len(bundled_rules().evidence_ids) == 16
assert all((k, lvl) in _LEVELS for k in bundled_rules().evidence_ids for lvl in ("strong", "weak", "missing"))

# A plain `import logging` + logging.getLogger() is how most Python projects log; only
# `from logging import getLogger` or loguru/structlog raise the tag today.
_KNOWN_BUGS: dict[tuple[str, str, str], str] = {}


def _cases():
    for kind, level, variant, files in EVIDENCE_CASES:
        marks = []
        if (kind, level, variant) in _KNOWN_BUGS:
            marks.append(pytest.mark.xfail(reason=_KNOWN_BUGS[(kind, level, variant)], strict=True))
        yield pytest.param(kind, level, files, id=f"{kind}-{level}-{variant.replace(' ', '_')}", marks=marks)


@pytest.mark.parametrize(("kind", "level", "files"), list(_cases()))
def test_evidence_level(make_repo, scan, kind, level, files):
    root = make_repo(files)
    finding = scan(root).finding(kind)
    assert finding.status == level, f"{kind}: expected {level}, got {finding.status} ({finding.reason})"


def test_status_is_the_same_once_committed(make_repo, scan):
    """A git repository and the same files as a plain folder give the same report."""
    files = {"app/main.py": PROMETHEUS_APP, "train.py": TRAIN_SCRIPT, "app/api/chat/route.ts": NEXT_ROUTE_TS}
    plain = scan(make_repo(files, "plain"))
    committed_root = make_repo(files, "committed")
    git_repo(committed_root).close()
    committed = scan(committed_root)
    assert [(f.id, f.status, f.locations) for f in plain.evidence] == \
        [(f.id, f.status, f.locations) for f in committed.evidence]


# --- the locations point at the line that shows the evidence ------------------------------------------------

LATENCY_README = """
    # triage

    Measured with 200 requests against the container: p95 latency: 420 ms.
"""


@pytest.mark.parametrize(
    ("files", "kind", "expected_text"),
    [
        pytest.param({"README.md": LATENCY_README}, "latency_cost", "p95 latency: 420 ms", id="latency"),
        pytest.param({"app/main.py": PROMETHEUS_APP}, "monitoring", "prometheus_client", id="monitoring"),
        pytest.param({"train.py": TRAIN_SCRIPT}, "training", "model.fit(X_train, y_train)", id="training"),
        pytest.param({"app/api/chat/route.ts": NEXT_ROUTE_TS}, "tool_use", "tools: {", id="tool-use-ts"),
    ],
)
def test_strong_location_points_at_the_evidence(make_repo, scan, files, kind, expected_text):
    root = make_repo(files)
    finding = scan(root).finding(kind)
    assert finding.status == "strong"
    texts = [line_text(root, loc.path, loc.line) for loc in finding.locations]
    assert any(expected_text in t for t in texts), texts


def test_notebook_location_points_at_the_cell_line(make_repo, scan):
    from _repos import notebook

    nb = notebook(
        ("markdown", "# Churn model"),
        ("code", "import pandas as pd\nfrom sklearn.ensemble import RandomForestClassifier"),
        ("code", 'df = pd.read_csv("churn.csv")\nX, y = df.drop(columns=["churned"]), df["churned"]'),
        ("code", "clf = RandomForestClassifier(n_estimators=300)\nclf.fit(X, y)"),
    )
    root = make_repo({"churn.ipynb": nb})
    finding = scan(root).finding("training")
    assert finding.status == "strong"
    texts = [line_text(root, loc.path, loc.line) for loc in finding.locations]
    assert any("clf.fit(X, y)" in t for t in texts), texts


def test_logging_location_is_the_import(make_repo, scan):
    """The weak monitoring signal for plain logging points at the logging import a reader can open."""
    root = make_repo({"triage.py": """
        from loguru import logger


        def classify(text: str) -> str:
            queue = "billing" if "invoice" in text.lower() else "general"
            logger.info("ticket routed to {}", queue)
            return queue
    """})
    finding = scan(root).finding("monitoring")
    assert finding.status == "weak"
    assert [line_text(root, loc.path, loc.line) for loc in finding.locations] == ["from loguru import logger"]
