"""Invariants of every report, over every fixture: the catalog in order, locations a reader can open.

(``scan_checked`` in conftest.py asserts them on every scan of the suite, so they hold over every fixture in
every module; this one adds fixtures that stress them: all evidence fixtures as one monorepo in plain and git
mode, unusual notebooks, CRLF files, an empty repository, the bundled examples.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _repos import EVIDENCE_CASES, git_repo, notebook
from conftest import assert_invariants, scan_checked

from portfolio_check.engine.rules import bundled_rules
from portfolio_check.engine.scan import scan_repo
from portfolio_check.model import STATUS_RANK

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "portfolio"


def test_monorepo_of_all_fixtures_plain_and_git(make_repo):
    """All fixtures side by side: locations stay correct in subfolders, no kind drops below any part's level,
    and the committed repository reports exactly what the plain folder does."""
    files: dict[str, str] = {}
    for i, (kind, _level, _variant, case) in enumerate(EVIDENCE_CASES):
        for rel, text in case.items():
            # CI workflows only run from the repository root, so they stay there
            files[rel if rel.startswith(".github/") else f"projects/p{i:02d}_{kind}/{rel}"] = text
    plain = scan_checked(make_repo(files, "plain"))
    root = make_repo(files, "git")
    git_repo(root).close()
    result = scan_checked(root)
    assert result.commit is not None
    assert [(f.id, f.status, f.locations) for f in result.evidence] == \
        [(f.id, f.status, f.locations) for f in plain.evidence]
    for kind, level, _variant, _case in EVIDENCE_CASES:
        assert STATUS_RANK[result.finding(kind).status] >= STATUS_RANK[level], kind
    for f in result.evidence:
        for loc in f.locations:
            assert loc.path.startswith(("projects/p", ".github/workflows/")), loc


def test_compact_and_string_source_notebooks_keep_lines_in_range(make_repo):
    nb = {
        "nbformat": 4, "nbformat_minor": 2, "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Results\n\nBaseline vs model below."},
            {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
             "source": "from sklearn.metrics import accuracy_score, confusion_matrix\nimport joblib"},
            {"cell_type": "code", "metadata": {}, "execution_count": 2,
             "source": "clf.fit(X_train, y_train)\nprint(accuracy_score(y_test, clf.predict(X_test)))",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": "accuracy: 0.913\n"}]},
            {"cell_type": "code", "metadata": {}, "execution_count": 3,
             "source": "print(confusion_matrix(y_test, clf.predict(X_test)))",
             "outputs": [{"output_type": "execute_result", "metadata": {}, "execution_count": 3,
                          "data": {"text/plain": ["inference time p95: 41 ms"]}}]},
        ],
    }
    for name, text in (("compact", json.dumps(nb)), ("indented", json.dumps(nb, indent=1))):
        result = scan_checked(make_repo({"analysis.ipynb": text}, name))
        assert result.finding("training").status == "strong"
        assert result.finding("error_analysis").status == "strong"
        assert result.finding("latency_cost").status == "strong"


def test_nbformat3_notebook(make_repo):
    nb3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "language": "python", "outputs": [],
         "input": ["from sklearn.ensemble import RandomForestClassifier\n",
                   "model = RandomForestClassifier()\n",
                   "model.fit(X_train, y_train)\n"]}]}]}
    result = scan_checked(make_repo({"old.ipynb": json.dumps(nb3, indent=1)}))
    assert result.finding("training").status == "strong"


def test_crlf_files_keep_lines_in_range(make_repo):
    readme = "# Bench\r\n\r\nOn a laptop:\r\n\r\n- p95 latency: 420 ms\r\n"
    nb = notebook(("code", "model.fit(X_train, y_train)"))
    root = make_repo({"README.md": readme.encode(), "nb.ipynb": nb})
    result = scan_checked(root)
    loc = result.finding("latency_cost").locations[0]
    assert (loc.path, loc.line) == ("README.md", 5)


def test_empty_repository(make_repo):
    result = scan_checked(make_repo({}))
    assert [f.status for f in result.evidence] == ["missing"] * len(bundled_rules().evidence_ids)
    assert result.artifact == "none"
    assert result.notebook_only is False


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_bundled_examples(example):
    assert_invariants(EXAMPLES / example, scan_repo(EXAMPLES / example))
