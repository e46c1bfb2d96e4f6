"""A portfolio that lives in one repository: its `projects` setting (folders and linked repositories), the layout
detected without it, settings found from inside a project folder, and settings that are present but not applied."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from _ci import run
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT
from _repos import git_repo, write_tree

from portfolio_check.layout import detect_projects

PROJECTS = """
[[tool.portfolio-check.projects]]
path = "rag-app"
artifact = "ai_application"
name = "Support RAG assistant"

[[tool.portfolio-check.projects]]
path = "churn-model"
artifact = "model_project"

[[tool.portfolio-check.projects]]
path = "design-memo"
artifact = "tech_memo"
"""

SETTINGS = """
[tool.portfolio-check]
role = "bridge"
fail-under = 50

[[tool.portfolio-check.waivers]]
item = "bridge.app-monitoring"
reason = "Monitoring is shown in the model project"
until = 2999-12-31
"""


def mono(tmp_path: Path, projects: bool = True) -> Path:
    files = {f"rag-app/{k}": v for k, v in AI_APP.items()}
    files |= {f"churn-model/{k}": v for k, v in MODEL_PROJECT.items()}
    files |= {f"design-memo/{k}": v for k, v in MEMO_REPO.items()}
    files["README.md"] = "# My portfolio\n\nThree projects, one repository.\n"
    files["pyproject.toml"] = SETTINGS + (PROJECTS if projects else "")
    root = write_tree(tmp_path / "mono", files)
    git_repo(root).close()
    return root


def report(*args: str) -> dict:
    result = run(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_configured_projects_are_judged_as_one_portfolio_with_the_roots_settings(tmp_path, monkeypatch):
    root = mono(tmp_path)
    monkeypatch.chdir(root)
    data = report(".", "--self")
    names = [r["name"] for r in data["repos"]]
    assert names == ["Support RAG assistant", "churn-model", "design-memo"]
    assert data["portfolio"]["artifacts"] == {"ai_application": "Support RAG assistant",
                                              "model_project": "churn-model", "tech_memo": "design-memo"}
    assert data["portfolio"]["layout"]["source"] == "config"
    assert [r["id"] for r in data["roles"]] == ["bridge"]  # the root's role
    bridge = data["roles"][0]
    waived = next(i for i in bridge["items"] if i["id"] == "bridge.app-monitoring")
    assert waived["status"] == "waived"  # the root's waiver
    assert bridge["score"] >= 90
    text = run(".", "--self").stdout
    assert "Portfolio repository: the projects listed in" in text


def test_the_one_project_reading_is_what_the_setting_fixes(tmp_path):
    """Scanned as one project (``path = "."`` turns detection off), the same tree is judged far lower: the three
    artifacts are not told apart."""
    root = mono(tmp_path)
    projects = report(str(root))
    (root / "pyproject.toml").write_text(SETTINGS + '\n[[tool.portfolio-check.projects]]\npath = "."\n')
    whole = report(str(root))
    assert len(whole["repos"]) == 1 and whole["repos"][0]["name"] == "mono"
    assert projects["roles"][0]["score"] > whole["roles"][0]["score"] + 20


def test_without_projects_the_layout_is_detected_and_reported(tmp_path, monkeypatch):
    root = mono(tmp_path, projects=False)
    monkeypatch.chdir(root)
    result = run(".", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert "3 project folders found (churn-model, design-memo, rag-app)" in result.stderr
    assert "Portfolio repository: 3 project folders detected (churn-model, design-memo, rag-app)" in result.stdout
    data = report(".")
    assert data["portfolio"]["layout"] == {"source": "detected", "file": None,
                                           "projects": ["churn-model", "design-memo", "rag-app"]}
    assert {r["artifact"] for r in data["repos"]} == {"ai_application", "model_project", "tech_memo"}


@pytest.mark.parametrize("files", [
    # one project whose parts have READMEs: a package at the top
    {"src/pkg/__init__.py": "", "api/README.md": "# api", "api/main.py": "x = 1\n", "api/requirements.txt": "x\n",
     "nb/README.md": "# nb", "nb/a.py": "x = 1\n", "nb/requirements.txt": "x\n"},
    # folders with READMEs but most of the code at the top
    {"train.py": "x\n" * 3, "model.py": "x\n", "serve.py": "x\n", "app/README.md": "# a", "app/a.py": "x\n",
     "app/requirements.txt": "x\n", "ui/README.md": "# u", "ui/u.js": "x\n", "ui/package.json": "{}\n",
     "utils.py": "x\n", "cli.py": "x\n", "data.py": "x\n", "eval.py": "x\n", "plot.py": "x\n"},
    # docs and tests are parts, not projects
    {"docs/README.md": "# d", "docs/conf.py": "x\n", "docs/requirements.txt": "x\n", "tests/README.md": "# t",
     "tests/test_a.py": "x\n", "tests/requirements.txt": "x\n"},
])
def test_a_single_project_is_not_taken_for_a_portfolio(tmp_path, files):
    root = write_tree(tmp_path / "one", files)
    assert detect_projects(root, sorted(files)) == []


def test_inside_a_project_folder_the_roots_settings_are_found(tmp_path, monkeypatch):
    root = mono(tmp_path)
    monkeypatch.chdir(root / "rag-app")
    data = report()  # scan the current folder: settings walk up to the repository's top
    assert [r["id"] for r in data["roles"]] == ["bridge"]
    assert [r["name"] for r in data["repos"]] == ["Support RAG assistant"]  # its configured name and artifact
    assert data["repos"][0]["artifact"] == "ai_application"


def test_folders_of_the_portfolio_scanned_by_name_keep_the_roots_settings(tmp_path, monkeypatch):
    root = mono(tmp_path)
    monkeypatch.chdir(root)
    data = report("rag-app", "churn-model")
    assert [r["id"] for r in data["roles"]] == ["bridge"]
    assert [r["name"] for r in data["repos"]] == ["Support RAG assistant", "churn-model"]


def test_settings_present_but_not_applied_are_named(tmp_path):
    root = mono(tmp_path)
    other = write_tree(tmp_path / "other", {"pyproject.toml": '[tool.portfolio-check]\nrole = "ml-engineer"\n',
                                            "train.py": "x = 1\n"})
    git_repo(other).close()
    result = run(str(root / "rag-app"), str(other))
    assert result.exit_code == 0, result.output
    notices = [ln for ln in result.stderr.splitlines() if "not applied" in ln]
    assert len(notices) == 1
    assert "pyproject.toml" in notices[0] and "different repositories" in notices[0]
    cfg = write_tree(tmp_path / "cfg", {"mine.toml": 'role = "ml-engineer"\n'}) / "mine.toml"
    explicit = run(str(root), "--config", str(cfg))
    assert f"{root / 'pyproject.toml'}: not applied (--config {cfg} is used)" in explicit.stderr


def test_a_project_may_be_a_linked_repository(tmp_path, monkeypatch):
    upstream = write_tree(tmp_path / "upstream", MEMO_REPO)
    repo = git_repo(upstream)
    repo.close()
    bare = tmp_path / "memo.git"
    git.Repo.clone_from(str(upstream), str(bare), bare=True).close()
    hub = write_tree(tmp_path / "hub", {
        "README.md": "# Portfolio hub\n",
        "rag-app/README.md": AI_APP["README.md"], **{f"rag-app/{k}": v for k, v in AI_APP.items()},
        "pyproject.toml": f'[[tool.portfolio-check.projects]]\npath = "rag-app"\n\n'
                          f'[[tool.portfolio-check.projects]]\nurl = "{bare.as_uri()}"\nartifact = "tech_memo"\n',
    })
    git_repo(hub).close()
    monkeypatch.chdir(hub)
    data = report()
    assert [r["name"] for r in data["repos"]] == ["rag-app", "memo"]
    assert data["portfolio"]["artifacts"]["tech_memo"] == "memo"
    assert data["portfolio"]["layout"]["projects"] == ["rag-app", "memo"]


def test_a_project_path_outside_the_repository_is_refused(tmp_path):
    root = write_tree(tmp_path / "p", {"pyproject.toml": '[[tool.portfolio-check.projects]]\npath = "../elsewhere"\n',
                                       "a.py": "x = 1\n"})
    result = run(str(root), "--self")
    assert result.exit_code == 2
    assert "projects[0].path: '../elsewhere' is outside the repository" in result.stderr


def test_a_project_needs_a_path_or_a_url(tmp_path):
    root = write_tree(tmp_path / "p", {"pyproject.toml": '[[tool.portfolio-check.projects]]\npath = "a"\n'
                                                         'url = "https://example.com/x.git"\n', "a/x.py": "x = 1\n"})
    result = run(str(root), "--self")
    assert result.exit_code == 2
    assert "projects[0]: needs exactly one of 'path', 'url'" in result.stderr
