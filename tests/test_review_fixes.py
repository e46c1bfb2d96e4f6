"""Regressions from an independent review: each test is one reviewer's repro, kept so it cannot come back."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import git
import pytest
from click.testing import CliRunner

from portfolio_check.cli import main
from portfolio_check.engine.scan import scan_repo
from portfolio_check.judge.verdict import Waiver, judge_role
from portfolio_check.render.markdown import link

AUTHOR = git.Actor("Ada", "ada@example.com")


def commit_all(repo: git.Repo, message: str = "work") -> None:
    repo.git.add("-A", "--force")
    repo.index.commit(message, author=AUTHOR, committer=AUTHOR)


def cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_a_scanned_repositorys_fsmonitor_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    repo_dir = tmp_path / "fsm"
    repo = git.Repo.init(repo_dir)
    (repo_dir / "app.py").write_text("import fastapi\n")
    commit_all(repo)
    repo.git.config("core.fsmonitor", f"echo pwned >> {marker}")
    result = scan_repo(repo_dir)
    assert result.finding("serving").status == "weak"  # the scan still works
    assert not marker.exists(), "git ran the repository's fsmonitor command"


def test_a_tracked_folder_replaced_by_a_link_outside_is_never_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "app.py").write_text("import prometheus_client\n")
    repo_dir = tmp_path / "repo"
    repo = git.Repo.init(repo_dir)
    (repo_dir / "d").mkdir()
    (repo_dir / "d" / "app.py").write_text("x = 1\n")
    commit_all(repo)
    (repo_dir / "d" / "app.py").unlink()
    (repo_dir / "d").rmdir()
    (repo_dir / "d").symlink_to(outside)
    result = scan_repo(repo_dir)
    assert result.finding("monitoring").status == "missing"
    assert any("symlink" in w for w in result.warnings)


@pytest.mark.parametrize("depth", [1, 3])
def test_a_nested_folder_linked_outside_is_never_read_and_one_linked_inside_is(tmp_path: Path, depth: int) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "app.py").write_text("import prometheus_client\n")
    repo_dir = tmp_path / "repo"
    repo = git.Repo.init(repo_dir)
    deep = repo_dir.joinpath(*["lvl"] * depth)
    (deep / "d").mkdir(parents=True)
    (deep / "d" / "app.py").write_text("x = 1\n")
    (repo_dir / "real").mkdir()
    (repo_dir / "real" / "serve.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    commit_all(repo)
    (deep / "d" / "app.py").unlink()
    (deep / "d").rmdir()
    (deep / "d").symlink_to(outside)  # below real folders: only this part of the path leaves
    result = scan_repo(repo_dir)
    assert result.finding("monitoring").status == "missing"
    assert any("symlink" in w for w in result.warnings)
    assert result.finding("serving").status != "missing"  # the real folder next to it is read


def test_a_repository_cannot_waive_its_own_gaps_in_a_batch(tmp_path: Path) -> None:
    waive_all = tmp_path / "sneaky"
    waive_all.mkdir()
    (waive_all / "app.py").write_text("print('hi')\n")
    (waive_all / ".portfolio-check.toml").write_text(
        '[[waivers]]\nitem = "ml-engineer.training"\nreason = "trust me"\n')
    honest = tmp_path / "honest"
    honest.mkdir()
    (honest / "app.py").write_text("print('hi')\n")
    res = cli("scan", str(waive_all), str(honest), "--role", "ml-engineer", "--format", "json")
    items = {i["id"]: i for i in json.loads(res.stdout)["roles"][0]["items"]}
    assert items["ml-engineer.training"]["status"] == "gap"
    alone = cli("scan", str(waive_all), "--role", "ml-engineer", "--format", "json", "--self")  # its owner: honoured
    items = {i["id"]: i for i in json.loads(alone.stdout)["roles"][0]["items"]}
    assert items["ml-engineer.training"]["status"] == "waived"
    reviewed = cli("scan", str(waive_all), "--role", "ml-engineer", "--format", "json")  # a reviewer, alone: shown
    items = {i["id"]: i for i in json.loads(reviewed.stdout)["roles"][0]["items"]}
    assert items["ml-engineer.training"]["status"] == "gap"
    assert "waivers for ml-engineer.training are shown here but not applied" in reviewed.stderr


def test_a_role_with_every_item_waived_scores_zero(tmp_path: Path) -> None:
    from portfolio_check.judge.checklists import bundled_checklists

    cl = next(c for c in bundled_checklists() if c.id == "swe-to-ai")
    result = scan_repo(_empty(tmp_path))
    verdict = judge_role(cl, [result], {i.id: Waiver(i.id, "all of it") for i in cl.items})
    assert verdict.score == 0
    assert any("every item is waived" in n for n in verdict.notes)


def test_config_checklists_cannot_leave_the_repository(tmp_path: Path) -> None:
    repo = _empty(tmp_path)
    (repo / ".portfolio-check.toml").write_text('checklists = ["../../../../etc/hostname"]\n')
    res = cli("scan", str(repo), "--self")
    assert res.exit_code == 2
    assert "outside the repository" in res.stderr and "Traceback" not in res.stderr
    reviewed = cli("scan", str(repo))  # reviewer mode: the candidate's broken settings cannot stop the scan
    assert reviewed.exit_code == 0 and "portfolio-check: notice: " in reviewed.stderr
    assert "outside the repository" in reviewed.stderr


def test_batch_without_candidates_keeps_same_named_folders_apart_and_index_is_reserved(tmp_path: Path) -> None:
    for parent in ("a", "b"):
        d = tmp_path / parent / "app"
        d.mkdir(parents=True)
        (d / "main.py").write_text("import fastapi\n")
    (tmp_path / "c" / "index").mkdir(parents=True)
    (tmp_path / "c" / "index" / "x.py").write_text("x = 1\n")
    out = tmp_path / "out"
    res = cli("scan", str(tmp_path / "a" / "app"), str(tmp_path / "b" / "app"), str(tmp_path / "c" / "index"),
              "--output-dir", str(out), "--jobs", "1")
    assert res.exit_code == 0, res.stderr
    reports = sorted(p.name for p in out.glob("*.json"))
    assert len(reports) == 3, reports
    assert "# Portfolio reports" in (out / "index.md").read_text()


def test_a_folder_a_parent_repository_ignores_is_still_scanned(tmp_path: Path) -> None:
    parent = git.Repo.init(tmp_path / "parent")
    (tmp_path / "parent" / ".gitignore").write_text("/*\n")
    commit_all(parent)
    proj = tmp_path / "parent" / "proj"
    proj.mkdir()
    (proj / "serve.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    assert scan_repo(proj).finding("serving").status == "weak"


def test_a_submodule_is_named_in_the_warnings(tmp_path: Path) -> None:
    sub = git.Repo.init(tmp_path / "sub")
    (tmp_path / "sub" / "a.py").write_text("import fastapi\n")
    commit_all(sub)
    sup_dir = tmp_path / "sup"
    git.Repo.init(sup_dir)
    subprocess.run(["git", "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(tmp_path / "sub"),
                    "lib"], cwd=sup_dir, check=True, capture_output=True)
    result = scan_repo(sup_dir)
    assert any("submodule" in w and "lib" in w for w in result.warnings)


@pytest.mark.parametrize(("name", "content"), [
    ("pyproject.toml", 'project = "x"\n'),
    ("package.json", '{"dependencies": 5}\n'),
])
def test_a_manifest_of_the_wrong_shape_is_a_warning_not_a_failed_scan(tmp_path: Path, name: str, content: str) -> None:
    repo = _empty(tmp_path)
    (repo / name).write_text(content)
    result = scan_repo(repo)
    assert any(w.startswith(name) for w in result.warnings)


@pytest.mark.parametrize("args", [
    ("--max-file-size", "inf"),
    ("--config", "CONFIG"),
    ("--compare", "OLD"),
])
def test_odd_values_give_exit_2_and_one_line_never_a_traceback(tmp_path: Path, args: tuple[str, str]) -> None:
    repo = _empty(tmp_path)
    (tmp_path / "c.toml").write_text("tool = 1\n")
    (tmp_path / "old.json").write_text('{"repos": [{"evidence": [1]}], "roles": 3}\n')
    value = {"CONFIG": str(tmp_path / "c.toml"), "OLD": str(tmp_path / "old.json")}.get(args[1], args[1])
    res = cli("scan", str(repo), args[0], value)
    assert "Traceback" not in res.stderr
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert res.exit_code in (0, 2)
    if args[0] != "--compare":  # a report with nothing comparable is still a report
        assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1


def test_file_names_that_are_not_utf8_are_skipped_with_a_warning(tmp_path: Path) -> None:
    repo = _empty(tmp_path)
    try:
        (Path(os.fsdecode(bytes(repo) + b"/\xffeval.py"))).write_text("import fastapi\n")
    except (OSError, UnicodeError):
        pytest.skip("the filesystem refuses the name")
    res = cli("scan", str(repo), "--format", "markdown", "-o", str(tmp_path / "r.md"))
    assert res.exit_code == 0, res.stderr
    data = json.loads(cli("scan", str(repo), "--format", "json").stdout)
    assert any("not UTF-8" in w for w in data["repos"][0]["warnings"])


def test_markdown_sub_items_stay_nested_past_item_nine(tmp_path: Path) -> None:
    text = cli("scan", str(_empty(tmp_path)), "--role", "ml-engineer", "--format", "markdown").stdout
    lines = text.splitlines()
    tenth = next(i for i, ln in enumerate(lines) if ln.startswith("10. "))
    assert lines[tenth + 1].startswith("    - Why it matters:")


def test_links_for_url_targets_point_at_the_forge_or_are_plain_text() -> None:
    from portfolio_check.model import Location, RepoResult

    sha = "a" * 40
    gh = RepoResult("https://github.com/ada/rag.git", "rag", sha, "none", False, (), ())
    assert link(gh, Location("app/main.py", 3)) == \
        f"[app/main.py:3](https://github.com/ada/rag/blob/{sha}/app/main.py#L3)"
    other = RepoResult("file:///srv/git/rag.git", "rag", sha, "none", False, (), ())
    assert "](" not in link(other, Location("app/main.py", 3))


def test_dependency_lines_name_the_whole_package(tmp_path: Path) -> None:
    repo = _empty(tmp_path)
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndescription = "a fastapi demo"\ndependencies = ["fastapi>=0.1"]\n')
    (repo / "requirements.txt").write_text("prometheus-client-extra\nprometheus-client\n")
    result = scan_repo(repo)
    assert [(loc.path, loc.line) for loc in result.finding("serving").locations] == [("pyproject.toml", 4)]
    assert [(loc.path, loc.line) for loc in result.finding("monitoring").locations] == [("requirements.txt", 2)]


def test_an_import_inside_a_docstring_is_a_mention_not_a_use(tmp_path: Path) -> None:
    repo = _empty(tmp_path)
    (repo / "app.py").write_text('"""Usage:\n\n    import prometheus_client\n"""\nx = 1\n')
    assert scan_repo(repo).finding("monitoring").status == "missing"


def _empty(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir(exist_ok=True)
    (repo / "README.md").write_text("# A project\n")
    return repo
