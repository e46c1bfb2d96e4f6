"""Hostile repositories against git: no program from the scanned tree runs, no repository outside it is reported,
and git's own metadata is checked (type, size, includes) before git reads it. Each test is an attack that worked
before (issue 12); each ends in under a few seconds with a warning, never a hang or a marker file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _repos import TRAIN_SCRIPT, git_repo, write_tree

from portfolio_check.engine import gitsafe
from portfolio_check.engine.scan import scan_repo

PAYLOAD = "#!/bin/sh\necho ran > {marker}\nexit 0\n"


@pytest.fixture(autouse=True)
def _fresh_git_lookup():
    gitsafe.git_executable.cache_clear()
    yield
    gitsafe.git_executable.cache_clear()


def committed_repo(root: Path) -> str:
    repo = git_repo(write_tree(root, {"train.py": TRAIN_SCRIPT}))
    sha = repo.head.commit.hexsha
    repo.close()
    return sha


def plant(path: Path, marker: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAYLOAD.format(marker=marker))
    path.chmod(0o755)


def warned(result, needle: str) -> bool:
    return any(needle in w for w in result.warnings)


# --- the git program ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path_head", [".", "", "bin"], ids=["dot", "empty", "relative"])
def test_a_git_planted_in_the_scanned_folder_never_runs(tmp_path, path_head):
    marker = tmp_path / "MARKER"
    root = tmp_path / "repo"
    sha = committed_repo(root)
    plant(root / "git", marker)
    plant(root / "bin" / "git", marker)
    env = {**os.environ, "PATH": path_head + os.pathsep + os.environ["PATH"]}
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", ".", "--format", "json"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists(), "a git from the scanned folder ran"
    assert f'"commit": "{sha}"' in proc.stdout  # the real git did the work


def test_git_is_looked_up_on_absolute_path_entries_only(tmp_path, monkeypatch):
    plant(tmp_path / "git", tmp_path / "MARKER")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", os.pathsep.join([".", "", "relative", os.environ["PATH"]]))
    exe = gitsafe.git_executable()
    assert exe is not None and Path(exe).is_absolute()
    assert Path(exe).parent != tmp_path


def test_a_git_on_an_absolute_path_inside_the_scanned_folder_is_not_used(tmp_path, monkeypatch):
    marker = tmp_path / "MARKER"
    root = tmp_path / "repo"
    committed_repo(root)
    plant(root / "tools" / "git", marker)
    monkeypatch.setenv("PATH", os.pathsep.join([str(root / "tools"), os.environ["PATH"]]))
    result = scan_repo(root)
    assert not marker.exists()
    assert result.commit is None and warned(result, "inside the scanned folder")
    assert result.finding("training").status == "strong"  # the folder was walked instead


def test_the_callers_git_variables_do_not_redirect_git(tmp_path, monkeypatch):
    """A pre-commit hook runs with GIT_DIR and GIT_INDEX_FILE set; they must not point git at another repo."""
    sha = committed_repo(tmp_path / "repo")
    other = tmp_path / "other"
    committed_repo(other)
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    assert scan_repo(tmp_path / "repo").commit == sha


def test_the_git_environment_keeps_transport_settings_and_drops_redirections(monkeypatch):
    for name in ("GIT_DIR", "GIT_EXEC_PATH", "GIT_CONFIG_PARAMETERS", "GIT_SSL_CAINFO", "GIT_HTTP_PROXY_AUTHMETHOD",
                 "GIT_CONFIG_GLOBAL"):
        monkeypatch.setenv(name, "/x")
    monkeypatch.setenv("PATH", os.pathsep.join([".", "", "rel", "/usr/bin"]))
    env = gitsafe.safe_git_env()
    assert {"GIT_SSL_CAINFO", "GIT_HTTP_PROXY_AUTHMETHOD", "GIT_CONFIG_GLOBAL"} <= set(env)
    assert not {"GIT_DIR", "GIT_EXEC_PATH", "GIT_CONFIG_PARAMETERS"} & set(env)
    assert env["PATH"] == "/usr/bin"
    keys = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))}
    assert keys["core.hooksPath"] == os.devnull and keys["core.fsmonitor"] == "false"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux only")
def test_git_runs_under_an_address_space_and_file_size_cap(tmp_path):
    import resource

    probe = [sys.executable, "-c", "import resource as r; print(r.getrlimit(r.RLIMIT_AS)[0], "
             "r.getrlimit(r.RLIMIT_FSIZE)[0])"]
    out = subprocess.run(probe, preexec_fn=gitsafe._limiter(12345), capture_output=True, text=True, check=True)
    as_cap, fsize = (int(x) for x in out.stdout.split())
    assert 0 < as_cap <= gitsafe.GIT_MEMORY_LIMIT and as_cap != resource.RLIM_INFINITY
    assert fsize == 12345


# --- .git pointing elsewhere ----------------------------------------------------------------------------------


def test_a_git_file_pointing_at_another_repository_does_not_lend_its_commit(tmp_path):
    other_sha = committed_repo(tmp_path / "other")
    root = write_tree(tmp_path / "repo", {"train.py": TRAIN_SCRIPT})
    (root / ".git").write_text(f"gitdir: {tmp_path / 'other' / '.git'}\n")
    result = scan_repo(root)
    assert result.commit != other_sha and result.commit is None
    assert warned(result, "points at a repository outside the folder")
    assert result.finding("training").status == "strong"


def test_a_linked_worktree_still_reports_its_commit(tmp_path):
    main = tmp_path / "main"
    sha = committed_repo(main)
    subprocess.run(["git", "-C", str(main), "worktree", "add", "-q", "--detach", str(tmp_path / "wt")], check=True)
    result = scan_repo(tmp_path / "wt")
    assert result.commit == sha
    assert not any("git" in w for w in result.warnings)


def test_a_git_directory_linked_outside_the_folder_is_not_used(tmp_path):
    committed_repo(tmp_path / "other")
    root = write_tree(tmp_path / "repo", {"train.py": TRAIN_SCRIPT})
    (root / ".git").symlink_to(tmp_path / "other" / ".git")
    result = scan_repo(root)
    assert result.commit is None and warned(result, ".git leads outside the folder")


# --- metadata git would read ----------------------------------------------------------------------------------


def _special(kind: str, path: Path, tmp_path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() or path.is_symlink():
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "huge":
        with path.open("wb") as fh:
            fh.truncate(2 * 1024**3)  # sparse: 2 GB that take no disk
    elif kind == "zero":
        path.symlink_to("/dev/zero")


@pytest.mark.parametrize(("name", "kind"), [
    ("commondir", "fifo"), ("HEAD", "fifo"), ("config", "fifo"), ("packed-refs", "huge"), ("config", "huge"),
    ("HEAD", "huge"), ("commondir", "huge"), ("info/exclude", "huge"), ("info/exclude", "fifo"), ("index", "zero"),
    ("refs/heads/main", "fifo"),
])
def test_hostile_git_metadata_is_checked_before_git_reads_it(tmp_path, name, kind):
    root = tmp_path / "repo"
    committed_repo(root)
    subprocess.run(["git", "-C", str(root), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    subprocess.run(["git", "-C", str(root), "update-ref", "refs/heads/main", "HEAD@{0}"], check=False)
    _special(kind, root / ".git" / name, tmp_path)
    start = time.monotonic()
    result = scan_repo(root)
    assert time.monotonic() - start < 10
    assert result.commit is None
    assert warned(result, "git not used")
    assert result.finding("training").status == "strong"


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "outside.cfg"])
def test_a_config_include_is_never_followed(tmp_path, target):
    root = tmp_path / "repo"
    committed_repo(root)
    if target == "fifo":
        os.mkfifo(tmp_path / "fifo")
    if target != "/dev/zero":
        target = str(tmp_path / target)
    with (root / ".git" / "config").open("a") as fh:
        fh.write(f"[include]\n\tpath = {target}\n")
    start = time.monotonic()
    result = scan_repo(root)
    assert time.monotonic() - start < 10
    assert result.commit is None and warned(result, "includes other files")


def test_a_git_that_hangs_is_stopped_and_the_folder_walked(tmp_path, monkeypatch):
    """A FIFO named .gitignore in the work tree makes git ls-files wait forever for a writer."""
    monkeypatch.setattr(gitsafe, "LOCAL_TIMEOUT", 0.5)
    root = tmp_path / "repo"
    committed_repo(root)
    (root / "sub").mkdir()
    os.mkfifo(root / "sub" / ".gitignore")
    start = time.monotonic()
    result = scan_repo(root)
    assert time.monotonic() - start < 8
    assert warned(result, "git could not list the files (git took longer than 0.5 s")
    assert result.finding("training").status == "strong"


def test_a_plain_folder_is_not_affected(tmp_path):
    result = scan_repo(write_tree(tmp_path / "plain", {"train.py": TRAIN_SCRIPT}))
    assert result.commit is None and result.warnings == ()
