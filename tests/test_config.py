"""Configuration as a user writes it: ``[tool.portfolio-check]`` in the scanned repository's pyproject.toml or a
``.portfolio-check.toml``, or ``--config FILE``; flags on the command line win; mistakes exit 2 naming the file
and the key, never with a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from _ci import CUSTOM_ROLE, assert_input_error, evidence, make_model_repo, report, role, run


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_model_repo(tmp_path / "repo")


def write_config(repo: Path, kind: str, body: str) -> Path:
    """Write ``body`` (keys of the top-level table) as a pyproject.toml tool table or a .portfolio-check.toml."""
    if kind == "pyproject":
        body = body.replace("[[waivers]]", "[[tool.portfolio-check.waivers]]")
        path = repo / "pyproject.toml"
        path.write_text('[project]\nname = "churn"\n\n[tool.portfolio-check]\n' + body, encoding="utf-8")
    else:
        path = repo / ".portfolio-check.toml"
        path.write_text(body, encoding="utf-8")
    return path


KINDS = ["pyproject", "dotfile"]


# --- the repository's own configuration is read -------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_roles_and_fail_under_from_the_repository_config(repo, kind):
    write_config(repo, kind, 'roles = ["ml-engineer"]\nfail-under = 90\n')
    result = run(str(repo))
    assert result.exit_code == 1, result.stderr
    assert "below --fail-under 90: ml-engineer" in result.stderr
    assert [r["id"] for r in report(str(repo))["roles"]] == ["ml-engineer"]


@pytest.mark.parametrize("kind", KINDS)
def test_single_role_key(repo, kind):
    write_config(repo, kind, 'role = "bridge"\n')
    assert [r["id"] for r in report(str(repo))["roles"]] == ["bridge"]


def test_without_configuration_every_role_is_judged_and_nothing_fails(repo):
    assert run(str(repo)).exit_code == 0
    assert len(report(str(repo))["roles"]) == 6


@pytest.mark.parametrize("kind", KINDS)
def test_exclude_globs_from_config_and_from_the_command_line_add_up(repo, kind):
    before = evidence(report(str(repo)))
    assert before["training"] == "strong" and before["serving"] == "weak"
    write_config(repo, kind, 'exclude = ["train.py"]\n')
    after = evidence(report(str(repo)))
    assert after["training"] == "missing"
    assert after["serving"] == "weak"
    both = evidence(report(str(repo), "--exclude", "app/**"))
    assert both["training"] == "missing" and both["serving"] == "missing"


@pytest.mark.parametrize("kind", KINDS)
def test_max_file_size_from_config_and_the_flag_overrides_it(repo, kind):
    write_config(repo, kind, "max-file-size = 100\n")
    data = report(str(repo), "--self")
    assert evidence(data)["training"] == "missing"
    assert any("100 byte limit" in w and "train.py" in w for w in data["repos"][0]["warnings"])
    assert evidence(report(str(repo), "--self", "--max-file-size", "1M"))["training"] == "strong"


@pytest.mark.parametrize("kind", KINDS)
def test_extra_checklist_is_relative_to_the_config_file_not_the_working_directory(repo, kind, tmp_path,
                                                                                   monkeypatch):
    (repo / "roles").mkdir()
    (repo / "roles" / "data-eng.toml").write_text(CUSTOM_ROLE, encoding="utf-8")
    write_config(repo, kind, 'checklists = ["roles/data-eng.toml"]\nroles = ["data-eng"]\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    data = report(str(repo), "--self")
    assert [r["id"] for r in data["roles"]] == ["data-eng"]
    assert [i["status"] for i in role(data, "data-eng")["items"]] == ["met", "gap"]
    monkeypatch.chdir(tmp_path)  # a relative repository path works too
    assert [r["id"] for r in report("repo", "--self")["roles"]] == ["data-eng"]


def test_every_documented_example_config_is_accepted(repo):
    """Each [tool.portfolio-check] example of docs/ci.md, as a user would paste it: valid, and (where it names no
    project elsewhere) a scan with it works."""
    from portfolio_check.config import load_config_file

    docs = (Path(__file__).resolve().parents[1] / "docs" / "ci.md").read_text(encoding="utf-8")
    starts = [m.start() for m in re.finditer(r"^\[tool\.portfolio-check\]$", docs, flags=re.M)]
    assert len(starts) >= 2
    (repo / "my-role.toml").write_text(CUSTOM_ROLE, encoding="utf-8")
    for start in starts:
        block = docs[start:docs.index("```", start)]
        (repo / "pyproject.toml").write_text(block, encoding="utf-8")
        cfg = load_config_file(repo / "pyproject.toml")
        if cfg.projects:
            assert {p.artifact for p in cfg.projects} >= {"ai_application", "tech_memo"}
            continue
        result = run("--format", "json", str(repo))
        assert result.exit_code in (0, 1), result.stderr
        assert "Traceback" not in result.stderr


# --- --config FILE ------------------------------------------------------------------------------------------


def test_config_option_points_elsewhere_and_the_repository_file_is_ignored(repo, tmp_path):
    write_config(repo, "dotfile", 'roles = ["ml-engineer"]\nfail-under = 99\n')
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "data-eng.toml").write_text(CUSTOM_ROLE, encoding="utf-8")
    cfg = settings / "team.toml"
    cfg.write_text('roles = ["data-eng"]\nchecklists = ["data-eng.toml"]\n', encoding="utf-8")
    result = run("--config", str(cfg), str(repo))
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in report("--config", str(cfg), str(repo))["roles"]] == ["data-eng"]


def test_config_option_reads_the_tool_table_of_another_pyproject(repo, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[tool.portfolio-check]\nroles = ["swe-to-ai"]\n', encoding="utf-8")
    assert [r["id"] for r in report("--config", str(other / "pyproject.toml"), str(repo))["roles"]] == ["swe-to-ai"]


def test_config_option_with_a_pyproject_without_the_table(repo, tmp_path):
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert_input_error(run("--config", str(cfg), str(repo)), str(cfg), "[tool.portfolio-check]")


def test_config_option_with_a_missing_file(repo, tmp_path):
    assert_input_error(run("--config", str(tmp_path / "nope.toml"), str(repo)), "nope.toml", "no such file")


# --- command-line flags win ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_fail_under_flag_overrides_config_both_ways(repo, kind):
    write_config(repo, kind, 'roles = ["ml-engineer"]\nfail-under = 90\n')
    assert run(str(repo), "--fail-under", "10").exit_code == 0
    write_config(repo, kind, 'roles = ["ml-engineer"]\nfail-under = 10\n')
    assert run(str(repo)).exit_code == 0
    below = run(str(repo), "--fail-under", "99")
    assert below.exit_code == 1
    assert "below --fail-under 99" in below.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_role_flag_overrides_config_roles(repo, kind):
    write_config(repo, kind, 'roles = ["ml-engineer", "bridge"]\n')
    assert [r["id"] for r in report(str(repo), "--role", "ai-engineer")["roles"]] == ["ai-engineer"]


# --- mistakes -----------------------------------------------------------------------------------------------

ERRORS = [
    # (kind, body, the message after "<file>: ")
    ("pyproject", 'fail-under = "high"\n', "tool.portfolio-check.fail-under: must be a number"),
    ("dotfile", 'fail-under = "high"\n', "fail-under: must be a number"),
    ("pyproject", "fail-under = 150\n", "tool.portfolio-check.fail-under: must be at most 100"),
    ("pyproject", 'colour = "red"\n', "tool.portfolio-check: unknown field 'colour'"),
    ("dotfile", 'colour = "red"\n', "unknown field 'colour'"),
    ("pyproject", 'roles = "ml-engineer"\n', "tool.portfolio-check.roles: must be"),
    ("pyproject", '[[waivers]]\nitem = "ml-engineer.baseline"\n',
     "tool.portfolio-check.waivers[0]: missing required field 'reason'"),
    ("dotfile", '[[waivers]]\nitem = "ml-engineer.baseline"\nreason = ""\n', "waivers[0].reason: must not be empty"),
    ("dotfile", '[[waivers]]\nitem = "ml-engineer.baseline"\nreason = "r"\nuntil = 2030-01-31T10:00:00\n',
     "waivers[0].until"),
    ("dotfile", '[[waivers]]\nitem = "ml-engineer.baseline"\nreason = "r"\nexpires = 2030-01-31\n',
     "waivers[0]: unknown field 'expires'"),
    ("pyproject", '[[waivers]]\nitem = "ml-engineer.no-such-item"\nreason = "r"\n',
     "waivers: unknown item 'ml-engineer.no-such-item'"),
    ("dotfile", 'max-file-size = "lots"\n', "max-file-size"),
    ("dotfile", "roles = [\n", "not valid TOML"),
]


@pytest.mark.parametrize(("kind", "body", "message"), ERRORS, ids=[f"{k}-{m[:40]}" for k, _, m in ERRORS])
def test_config_errors_name_the_file_and_the_key(repo, kind, body, message):
    path = write_config(repo, kind, body)
    assert_input_error(run(str(repo), "--self"), f"{path}: {message}")


@pytest.mark.parametrize(("kind", "body", "message"), ERRORS[:4], ids=[m[:40] for _, _, m in ERRORS[:4]])
def test_config_errors_through_the_config_option(repo, tmp_path, kind, body, message):
    src = write_config(repo, kind, body)
    moved = tmp_path / src.name
    src.rename(moved)
    assert_input_error(run("--config", str(moved), str(repo)), f"{moved}: {message}")


def test_every_config_error_is_reported_at_once(repo):
    path = write_config(repo, "pyproject", 'fail-under = "x"\ncolour = 1\n[[waivers]]\nitem = "a.b"\n')
    result = run(str(repo), "--self")
    assert_input_error(result, f"{path}: tool.portfolio-check.fail-under", "'colour'", "waivers[0]")


def test_a_malformed_pyproject_is_not_a_config_error(repo):
    """The scanned repository's broken pyproject.toml is its own problem, reported as a scan warning."""
    (repo / "pyproject.toml").write_text("[tool.portfolio-check\nroles = [", encoding="utf-8")
    assert run(str(repo)).exit_code == 0


def test_an_impossible_waiver_date_is_a_config_error(repo):
    path = write_config(repo, "dotfile", '[[waivers]]\nitem = "ml-engineer.baseline"\nreason = "r"\n'
                                         'until = "2030-13-45"\n')
    assert_input_error(run(str(repo), "--self"), f"{path}: waivers[0].until")


def test_an_unknown_role_in_the_config_names_the_file(repo):
    path = write_config(repo, "pyproject", 'roles = ["ml-enginer"]\n')
    assert_input_error(run(str(repo)), str(path), "roles", "'ml-enginer' (did you mean 'ml-engineer'?)")


def test_a_zero_size_in_the_config_names_the_file(repo):
    path = write_config(repo, "dotfile", 'max-file-size = "0.5"\n')
    assert_input_error(run(str(repo), "--self"), str(path), "max-file-size")
