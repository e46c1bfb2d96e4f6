"""The traps: signals that look like evidence but are not, and repositories that try to break the scan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _repos import (
    CHROMA_RAG,
    DOCKERFILE,
    FASTAPI_APP,
    PROMETHEUS_APP,
    PYTEST_FILE,
    README_PLAIN,
    TRAIN_SCRIPT,
    WORDCOUNT_LIB,
    doc,
    git_repo,
    notebook,
    write_tree,
)
from conftest import all_location_paths, line_text, non_missing

from portfolio_check.engine.inventory import list_files

# --- listed but never used, and prose only ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("manifest", "text", "kind", "dep"),
    [
        pytest.param("requirements.txt", "fastapi==0.111.0\nuvicorn==0.30.1\nprometheus-client==0.20.0\n",
                     "monitoring", "prometheus-client", id="prometheus-in-requirements"),
        pytest.param("pyproject.toml", """
            [project]
            name = "triage"
            version = "0.1.0"
            dependencies = [
                "fastapi>=0.110",
                "prometheus-client>=0.20",
            ]
        """, "monitoring", "prometheus-client", id="prometheus-in-pyproject"),
        pytest.param("requirements.txt", "fastapi\nchromadb==0.5.0\n", "retrieval", "chromadb",
                     id="chromadb-in-requirements"),
        pytest.param("requirements.txt", "fastapi\nlanggraph\n", "tool_use", "langgraph",
                     id="langgraph-in-requirements"),
        pytest.param("requirements.txt", "fastapi\ntenacity>=8\n", "failure_handling", "tenacity",
                     id="tenacity-in-requirements"),
        pytest.param("requirements.txt", "fastapi\nevidently\n", "drift_checks", "evidently",
                     id="evidently-in-requirements"),
    ],
)
def test_dependency_listed_but_never_imported_is_at_most_weak(make_repo, scan, manifest, text, kind, dep):
    root = make_repo({manifest: text, "app/__init__.py": "", "app/main.py": FASTAPI_APP})
    finding = scan(root).finding(kind)
    assert finding.status == "weak", finding
    # the place to look is the manifest line that lists it
    assert [loc.path for loc in finding.locations] == [manifest]
    assert dep in line_text(root, manifest, finding.locations[0].line)


def test_listed_npm_package_never_imported_is_weak(make_repo, scan):
    root = make_repo({
        "package.json": """
            {
              "name": "api",
              "dependencies": {"express": "4.19.2", "prom-client": "15.1.0"}
            }
        """,
        "server.js": """
            const express = require("express");
            const app = express();
            app.get("/health", (req, res) => res.json({ ok: true }));
            app.listen(3000);
        """,
    })
    assert scan(root).finding("monitoring").status == "weak"


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({"README.md": doc(README_PLAIN, """
            ## Roadmap

            - TODO: add monitoring and alerting once the service is deployed.
        """), "app/main.py": FASTAPI_APP}, id="readme-todo"),
        pytest.param({"app/main.py": FASTAPI_APP + "\n\n# TODO: add monitoring (metrics for Grafana)\n"},
                     id="code-todo-comment"),
    ],
)
def test_monitoring_mentioned_only_in_prose_is_weak(make_repo, scan, files):
    assert scan(make_repo(files)).finding("monitoring").status == "weak"


def test_strong_code_only_in_experiments_folder_is_weak(make_repo, scan):
    root = make_repo({"experiments/try_gbm/train.py": TRAIN_SCRIPT, "README.md": README_PLAIN})
    finding = scan(root).finding("training")
    assert finding.status == "weak"
    assert "experiment" in finding.reason


CI_INSTALLS_PYTEST_BUT_LINTS = """
    name: lint
    on: push
    jobs:
      lint:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: pip install ruff pytest
          - run: ruff check .
"""


def test_ci_that_only_lints_is_not_strong_even_if_it_installs_pytest(make_repo, scan):
    root = make_repo({"app/__init__.py": "", "app/main.py": FASTAPI_APP, "tests/test_main.py": PYTEST_FILE,
                      ".github/workflows/lint.yml": CI_INSTALLS_PYTEST_BUT_LINTS})
    assert scan(root).finding("tests_ci").status == "weak"


def test_commented_out_test_step_does_not_count(make_repo, scan):
    ci = CI_INSTALLS_PYTEST_BUT_LINTS.replace("pip install ruff pytest", "pip install ruff") + \
        "          # - run: pytest -q   (re-enable when green)\n"
    root = make_repo({"app/__init__.py": "", "app/main.py": FASTAPI_APP, "tests/test_main.py": PYTEST_FILE,
                      ".github/workflows/lint.yml": ci})
    assert scan(root).finding("tests_ci").status == "weak"


# --- vendored and virtualenv copies -------------------------------------------------------------------------

# a third-party tree full of evidence: a web framework, instrumentation, a Dockerfile, benchmark numbers
VENDORED_PY = {
    "fastapi/__init__.py": "from fastapi.applications import FastAPI as FastAPI\n",
    "fastapi/applications.py": (
        "from starlette.applications import Starlette\n\n\nclass FastAPI(Starlette):\n    pass\n"),
    "prometheus_client/__init__.py": "from prometheus_client.metrics import Counter, Histogram\n",
    "prometheus_client/exposition.py": (
        "from prometheus_client import Counter\n\nSCRAPES = Counter('exporter_scrapes_total', 'Scrapes')\n"),
    "chromadb/api.py": "import faiss\n\n\ndef query(index, vec):\n    return index.search(vec, 5)\n",
    "tenacity/__init__.py": "from tenacity.retry import retry\n",
    "Dockerfile": DOCKERFILE,
    "README.md": "# prometheus_client\n\nBenchmarks: p95 latency: 3 ms, 12,000 requests per second.\n",
}
VENDORED_JS = {
    "express/index.js": "module.exports = require('./lib/express');\n",
    "prom-client/index.js": (
        "const client = require('prom-client');\nnew client.Counter({ name: 'http_requests_total' });\n"),
    "streamlit-component/App.tsx": "export const App = () => <div><button>Run</button></div>;\n",
    "vercel.json": '{"framework": "nextjs", "buildCommand": "next build"}\n',
}


def _vendored_tree(prefix: str, venv_cfg: str | None = None) -> dict[str, str]:
    src = VENDORED_JS if "node_modules" in prefix else VENDORED_PY
    files = {prefix + rel: text for rel, text in src.items()}
    if venv_cfg:
        files[venv_cfg] = "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n"
    return files


VENDOR_LAYOUTS = [
    pytest.param("venv/lib/python3.11/site-packages/", None, id="venv"),
    pytest.param(".venv/lib/python3.12/site-packages/", None, id="dot-venv"),
    pytest.param("vendor/", None, id="vendor"),
    pytest.param("third_party/", None, id="third_party"),
    pytest.param("node_modules/", None, id="node_modules"),
    pytest.param("web/node_modules/", None, id="nested-node_modules"),
    pytest.param("py311/lib/python3.11/site-packages/", "py311/pyvenv.cfg", id="pyvenv-cfg-folder"),
    pytest.param("tools/.direnv/python-3.11/lib/", "tools/.direnv/python-3.11/pyvenv.cfg",
                 id="nested-pyvenv-cfg"),
]


@pytest.mark.parametrize("committed", [False, True], ids=["plain", "committed"])
@pytest.mark.parametrize(("prefix", "venv_cfg"), VENDOR_LAYOUTS)
def test_vendored_or_virtualenv_copy_gives_no_findings(make_repo, scan, prefix, venv_cfg, committed):
    files = {"wordcount/__init__.py": "", "wordcount/core.py": WORDCOUNT_LIB, "README.md": "# wordcount\n"}
    files.update(_vendored_tree(prefix, venv_cfg))
    root = make_repo(files)
    if committed:
        repo = git_repo(root, add=["."], force=True)  # force: commit them even where a global ignore says no
        assert any(p.startswith(prefix) for p in repo.git.ls_files().splitlines())
        repo.close()
    result = scan(root)
    assert non_missing(result) == {}
    top = prefix.split("/")[0]
    assert not [p for p in all_location_paths(result) if p.startswith(top + "/")]


def test_vendored_copy_does_not_raise_the_projects_own_level(make_repo, scan):
    """The project's FastAPI app without deploy config stays weak despite a vendored Dockerfile + metrics."""
    files = {"app/__init__.py": "", "app/main.py": FASTAPI_APP}
    files.update(_vendored_tree("venv/lib/python3.11/site-packages/"))
    result = scan(make_repo(files))
    assert result.finding("serving").status == "weak"
    assert result.finding("monitoring").status == "missing"
    assert all_location_paths(result) == {"app/main.py"}


# --- .gitignore ---------------------------------------------------------------------------------------------

IGNORED_TREE = {
    ".gitignore": "# local runs, never committed\nscratch_runs/\n*.log\n",
    "wordcount/core.py": WORDCOUNT_LIB,
    "scratch_runs/app/main.py": PROMETHEUS_APP,
    "scratch_runs/Dockerfile": DOCKERFILE,
    "scratch_runs/train.py": TRAIN_SCRIPT,
    "scratch_runs/rag.py": CHROMA_RAG,
    "scratch_runs/POSTMORTEM.md": "# Postmortem\n\nEverything broke.\n",
    "bench.log": "p95 latency: 420 ms\n",
}


@pytest.mark.parametrize("mode", ["plain-folder", "git-committed", "git-no-commits"])
def test_gitignored_folder_is_not_scanned(make_repo, scan, mode):
    root = make_repo(IGNORED_TREE)
    if mode == "git-committed":
        git_repo(root).close()
    elif mode == "git-no-commits":
        git_repo(root, commit=False).close()
    result = scan(root)
    assert non_missing(result) == {}
    assert all_location_paths(result) == set()


GITIGNORE_TREE = {
    ".gitignore": "\n".join([
        "# build output", "*.log", "/output/", "data/**/raw/", "notebooks/*.ipynb", "!notebooks/final.ipynb",
        "docs/internal", "tmp?", "secrets/**", "!secrets/README.md", "logs/*", "!logs/keep.md", "",
    ]),
    "src/a.py": "x = 1\n", "app.log": "x\n", "output/r.md": "x\n", "src/output/r.md": "x\n",
    "data/x/raw/f.csv": "x\n", "data/raw/f.csv": "x\n", "data/a/b/raw/g.csv": "x\n",
    "notebooks/eda.ipynb": "{}\n",
    "notebooks/final.ipynb": "{}\n", "notebooks/sub/deep.ipynb": "{}\n", "docs/internal/plan.md": "x\n",
    "docs/internal.md": "x\n", "tmp1/x.py": "x\n", "tmp12/x.py": "x\n", "secrets/key.txt": "x\n",
    "secrets/README.md": "x\n", "logs/a.md": "x\n", "logs/keep.md": "x\n",
    "sub/.gitignore": "*.md\n!KEEP.md\n", "sub/a.md": "x\n", "sub/KEEP.md": "x\n", "sub/deeper/b.md": "x\n",
    "sub/c.py": "x\n", "spaced name/résumé notes.md": "x\n",
}


def test_plain_folder_honours_gitignore_like_git_does(make_repo, scan):
    """Without git, the same files are read as git itself would list (same .gitignore semantics)."""
    plain = scan(make_repo(GITIGNORE_TREE, "plain"))
    git_root = make_repo(GITIGNORE_TREE, "git")
    repo = git_repo(git_root, commit=False)
    git_listed = set(repo.git.ls_files("--others", "--exclude-standard", "-z").split("\0")) - {""}
    repo.close()
    assert plain.stats["files_listed"] == len(git_listed) == 13
    assert scan(git_root).stats["files_listed"] == len(git_listed)
    plain_listed = {e.rel for e in list_files(make_repo(GITIGNORE_TREE, "plain2"), max_file_size=1 << 20)[0]}
    assert plain_listed == git_listed


# --- symlinks -----------------------------------------------------------------------------------------------


@pytest.fixture
def outside_dir(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "outside", {"serve.py": PROMETHEUS_APP, "Dockerfile": DOCKERFILE,
                                             "train.py": TRAIN_SCRIPT})


def _symlinked_repo(make_repo, outside: Path, git: bool) -> Path:
    root = make_repo({"wordcount/core.py": WORDCOUNT_LIB, "README.md": "# wordcount\n"})
    os.symlink("/etc", root / "etc")
    os.symlink(outside / "serve.py", root / "serve.py")  # a file pointing outside the root
    os.symlink(outside / "train.py", root / "wordcount" / "train.py")
    os.symlink(outside, root / "shared")  # a folder pointing outside the root
    if git:
        git_repo(root).close()
    return root


@pytest.mark.parametrize("git", [False, True], ids=["plain", "git"])
def test_symlinks_leaving_the_repo_are_skipped(make_repo, scan, outside_dir, git):
    root = _symlinked_repo(make_repo, outside_dir, git)
    result = scan(root)
    assert non_missing(result) == {}
    paths = all_location_paths(result)
    leaked = {p for p in paths if p.split("/")[0] in {"etc", "serve.py", "shared"} or p.endswith("train.py")}
    assert not leaked


@pytest.mark.parametrize("git", [False, True], ids=["plain", "git"])
def test_symlinked_file_leaving_the_repo_is_named_in_a_warning(make_repo, scan, outside_dir, git):
    result = scan(_symlinked_repo(make_repo, outside_dir, git))
    warning = [w for w in result.warnings if "symlink" in w]
    assert len(warning) == 1
    assert "serve.py" in warning[0]


def _etc_only_repo(make_repo, git: bool) -> Path:
    root = make_repo({"wordcount/core.py": WORDCOUNT_LIB})
    os.symlink("/etc", root / "etc")
    if git:
        git_repo(root).close()
    return root


def test_symlink_to_etc_is_skipped_with_a_warning_in_git(make_repo, scan):
    result = scan(_etc_only_repo(make_repo, git=True))
    assert non_missing(result) == {}
    assert any("symlink" in w and "etc" in w for w in result.warnings)


def test_symlink_to_etc_is_skipped_with_a_warning_in_plain_folder(make_repo, scan):
    result = scan(_etc_only_repo(make_repo, git=False))
    assert non_missing(result) == {}
    assert any("symlink" in w and "etc" in w for w in result.warnings)


# --- files that are too large, binary, or broken ------------------------------------------------------------


def test_huge_file_is_skipped_with_a_warning(make_repo, scan):
    root = make_repo({"wordcount/core.py": WORDCOUNT_LIB})
    with open(root / "metrics_app.py", "w", encoding="utf-8") as fh:
        fh.write(PROMETHEUS_APP)
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    result = scan(root)
    assert result.finding("monitoring").status == "missing"
    assert "metrics_app.py" not in all_location_paths(result)
    assert any("metrics_app.py" in w and "limit" in w for w in result.warnings), result.warnings


def test_binary_file_with_py_name_is_skipped(make_repo, scan):
    code = b"from prometheus_client import Counter\nREQ = Counter('app_requests_total', 'x')\n"
    blob = (code + b"\x00\x01\x02\xff") * 64
    root = make_repo({"wordcount/core.py": WORDCOUNT_LIB, "model_weights.py": blob})
    result = scan(root)
    assert non_missing(result) == {}
    assert any("binary" in w and "model_weights.py" in w for w in result.warnings), result.warnings


def test_invalid_utf8_does_not_stop_the_scan(make_repo, scan):
    latin1 = ("# Métriques du service (écrit en latin-1)\n" + PROMETHEUS_APP.replace("\n    ", "\n").strip()
              + "\n").encode("latin-1")
    root = make_repo({"app/__init__.py": "", "app/metrics.py": latin1, "rag/index.py": CHROMA_RAG})
    result = scan(root)
    assert result.finding("monitoring").status == "strong"  # read with replacement characters
    assert result.finding("retrieval").status == "strong"  # and the files after it are still read
    assert any("app/metrics.py" in w and "UTF-8" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("name", "broken"),
    [
        pytest.param("analysis.ipynb", '{"cells": [{"cell_type": "code", "source": "import faiss"',
                     id="notebook"),
        pytest.param("pyproject.toml", '[project\nname = "triage"\ndependencies = ["fastapi"]\n',
                     id="pyproject"),
        pytest.param("package.json", '{"name": "web", "dependencies": {"express": "4"', id="package-json"),
    ],
)
def test_malformed_file_is_named_in_warnings_and_scan_goes_on(make_repo, scan, name, broken):
    root = make_repo({name: broken, "rag/index.py": CHROMA_RAG, "train.py": TRAIN_SCRIPT})
    result = scan(root)
    assert result.finding("retrieval").status == "strong"
    assert result.finding("training").status == "strong"
    assert any(w.startswith(name + ":") for w in result.warnings), result.warnings


def test_notebook_with_invalid_python_cell_still_yields_evidence(make_repo, scan):
    nb = notebook(
        ("code", 'print "python 2 habits"'),
        ("code", "from sklearn.metrics import confusion_matrix\nprint(confusion_matrix(y_test, y_pred))"),
    )
    result = scan(make_repo({"eda.ipynb": nb}))
    assert result.finding("error_analysis").status == "strong"
    assert any("eda.ipynb" in w for w in result.warnings)


# --- which commit was scanned -------------------------------------------------------------------------------


def test_plain_folder_has_no_commit(make_repo, scan):
    assert scan(make_repo({"train.py": TRAIN_SCRIPT})).commit is None


def test_git_repo_without_commits_has_no_commit_but_is_scanned(make_repo, scan):
    root = make_repo({"train.py": TRAIN_SCRIPT, "rag/index.py": CHROMA_RAG})
    git_repo(root, commit=False).close()
    result = scan(root)
    assert result.commit is None
    assert result.finding("training").status == "strong"
    assert result.finding("retrieval").status == "strong"


def test_commit_is_head_sha(make_repo, scan):
    root = make_repo({"train.py": TRAIN_SCRIPT})
    repo = git_repo(root)
    first = repo.head.commit.hexsha
    assert scan(root).commit == first
    write_tree(root, {"rag.py": CHROMA_RAG})
    repo.index.add(["rag.py"])
    from _repos import AUTHOR

    second = repo.index.commit("add retrieval", author=AUTHOR, committer=AUTHOR).hexsha
    repo.close()
    result = scan(root)
    assert result.commit == second != first
    assert result.finding("retrieval").status == "strong"


def test_untracked_files_in_a_committed_repo_are_scanned(make_repo, scan):
    root = make_repo({"train.py": TRAIN_SCRIPT})
    git_repo(root).close()
    write_tree(root, {"rag.py": CHROMA_RAG})
    assert scan(root).finding("retrieval").status == "strong"


def test_subfolder_of_a_git_repo_reports_paths_relative_to_it(make_repo, scan):
    root = make_repo({"service/app/main.py": PROMETHEUS_APP, "service/Dockerfile": DOCKERFILE,
                      "research/train.py": TRAIN_SCRIPT})
    repo = git_repo(root)
    head = repo.head.commit.hexsha
    repo.close()
    result = scan(root / "service")
    assert result.commit == head
    assert result.finding("serving").status == "strong"
    assert result.finding("training").status == "missing"  # research/ is outside the scanned folder
    assert all_location_paths(result) <= {"app/main.py", "Dockerfile"}
