"""Files the tool reads besides the repository's content (configuration, checklists, manifests, earlier reports):
special files are refused without blocking, sizes are capped, and a repository's own configuration is read only
when it really lies inside the repository."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _ci import CUSTOM_ROLE, assert_input_error, make_model_repo, run
from click.testing import CliRunner

from portfolio_check.cli import main

SECRET = "TOPSECRET-7f3a"


def special(kind: str, path: Path) -> Path:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "huge":
        with path.open("wb") as fh:
            fh.truncate(2 * 1024**3)  # sparse: 2 GB that take no disk
    return path


def cli_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command in a real process: a blocking open would hit the timeout and fail the test."""
    return subprocess.run([sys.executable, "-m", "portfolio_check", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=20)


NEEDLES = {"fifo": "refused: a named pipe (FIFO)", "device": "refused: a device", "huge": "refused: larger than the"}


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
@pytest.mark.parametrize("option", ["--config", "--checklist", "--compare", "--manifest"])
def test_a_special_or_huge_file_as_an_input_is_refused_at_once(tmp_path, kind, option):
    repo = make_model_repo(tmp_path / "repo")
    bad = special(kind, tmp_path / "input.toml")
    start = time.monotonic()
    if kind == "fifo":  # in a real process: a blocking open would hit the timeout and fail the test
        proc = cli_process("scan", str(repo), option, str(bad), cwd=tmp_path)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    else:
        result = run(str(repo), option, str(bad))
        code, out, err = result.exit_code, result.stdout, result.stderr
    assert time.monotonic() - start < 20
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    assert err.startswith("portfolio-check: error: ") and NEEDLES[kind] in err, err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_validate_checklist_refuses_special_files(tmp_path, kind):
    bad = special(kind, tmp_path / "role.toml")
    proc = cli_process("validate-checklist", str(bad), cwd=tmp_path)
    assert proc.returncode == 2 and NEEDLES[kind] in proc.stderr


@pytest.mark.parametrize("name", [".portfolio-check.toml", "pyproject.toml"])
def test_a_config_linked_outside_the_repository_is_not_read(tmp_path, name):
    outside = tmp_path / "private"
    outside.mkdir()
    table = "[tool.portfolio-check]\n" if name == "pyproject.toml" else ""
    (outside / name).write_text(f'{table}fail-under = 100\nroles = ["{SECRET}"]\n"{SECRET}" = 1\n')
    repo = make_model_repo(tmp_path / "repo")
    (repo / name).symlink_to(outside / name)
    result = CliRunner().invoke(main, ["scan", str(repo)])
    assert result.exit_code == 0, result.stderr  # fail-under 100 from the outside file was not applied
    assert SECRET not in result.stdout + result.stderr
    assert result.stderr.startswith("portfolio-check: notice: ")
    assert "refused: a link leading outside the folder" in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "device", "huge"])
def test_a_repository_config_that_is_a_special_file_is_a_notice(tmp_path, kind):
    repo = make_model_repo(tmp_path / "repo")
    special(kind, repo / ".portfolio-check.toml")
    proc = cli_process("scan", str(repo), "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "portfolio-check: notice: " in proc.stderr and "settings were not read" in proc.stderr


def test_a_config_linked_inside_the_repository_is_read(tmp_path):
    repo = make_model_repo(tmp_path / "repo")
    (repo / "conf").mkdir()
    (repo / "conf" / "pc.toml").write_text('role = "ml-engineer"\nfail-under = 100\n')
    (repo / ".portfolio-check.toml").symlink_to(repo / "conf" / "pc.toml")
    result = run(str(repo))
    assert result.exit_code == 1  # its fail-under applies


@pytest.mark.parametrize("option", ["--config", "--checklist", "--manifest"])
def test_deeply_nested_toml_is_a_one_line_error(tmp_path, option):
    nested = tmp_path / "nested.toml"
    nested.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = run(str(make_model_repo(tmp_path / "repo")), option, str(nested))
    assert_input_error(result, "nested too deeply")


def test_a_custom_checklist_still_loads(tmp_path):
    role = tmp_path / "role.toml"
    role.write_text(CUSTOM_ROLE)
    assert run(str(make_model_repo(tmp_path / "repo")), "--checklist", str(role), "--role", "data-eng").exit_code == 0
