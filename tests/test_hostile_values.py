"""Smaller hostile values: nan or inf weights (TOML has both, JSON has neither), tokens in a URL's user
information, query or path, in every message and report."""

from __future__ import annotations

import json
import shutil

import pytest
from _ci import CUSTOM_ROLE, assert_input_error, make_model_repo, run
from click.testing import CliRunner

from portfolio_check import targets
from portfolio_check.cli import main
from portfolio_check.engine.gitsafe import GitError
from portfolio_check.render.report import to_json


@pytest.mark.parametrize("value", ["nan", "inf", "+inf", "-nan", "1e999"])
def test_a_non_finite_weight_fails_checklist_validation(tmp_path, value):
    role = tmp_path / "role.toml"
    role.write_text(CUSTOM_ROLE.replace("weight = 1\nadvice = \"Add a training script.\"",
                                        f"weight = {value}\nadvice = \"Add a training script.\""))
    assert f"weight = {value}" in role.read_text()
    result = CliRunner().invoke(main, ["validate-checklist", str(role)])
    assert_input_error(result, "item[0].weight")
    scan = run(str(make_model_repo(tmp_path / "repo")), "--checklist", str(role), "--format", "json")
    assert_input_error(scan, "item[0].weight")


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_non_finite_fail_under_in_a_config_is_refused(tmp_path, value):
    cfg = tmp_path / "pc.toml"
    cfg.write_text(f"fail-under = {value}\n")
    assert_input_error(run(str(make_model_repo(tmp_path / "repo")), "--config", str(cfg)), "fail-under")


def test_json_output_refuses_nan_rather_than_writing_invalid_json():
    with pytest.raises(ValueError):
        to_json({"score": float("nan")})


SECRETS = ["ghp_" + "A1b2C3d4" * 5, "github_pat_" + "11AAAA22bb" * 4, "glpat-" + "xYz12345" * 3, "S3cr3tQ"]
URLS = [
    f"https://github.com/ada/rag.git?access_token={SECRETS[0]}",
    f"https://github.com/{SECRETS[1]}/rag.git",
    f"https://gitlab.com/ada/rag.git#{SECRETS[2]}",
    f"https://github.com/ada/rag.git?x-access-token:{SECRETS[3]}",
]


@pytest.mark.parametrize("url", URLS)
def test_a_token_in_a_url_is_redacted_from_reports(tmp_path, monkeypatch, url):
    source = make_model_repo(tmp_path / "src")

    def fake_clone(src, dest, ref):
        shutil.copytree(source, dest)

    monkeypatch.setattr(targets, "clone", fake_clone)
    seen = []
    for fmt in ("text", "json", "markdown", "github", "badge"):
        result = run(url, "--format", fmt)
        assert result.exit_code in (0, 1), result.stderr
        seen.append(result.stdout + result.stderr)
    out = tmp_path / "out"
    assert run(url, "--output-dir", str(out)).exit_code in (0, 1)
    seen += [p.read_text(encoding="utf-8") for p in out.iterdir()]
    data = json.loads(seen[1])
    assert data["repos"][0]["path"].startswith("https://")
    for text in seen:
        assert not any(s in text for s in SECRETS), text[:500]


@pytest.mark.parametrize("url", URLS)
def test_a_token_in_a_url_is_redacted_from_git_errors(monkeypatch, url):
    def failing_clone(src, dest, ref):
        raise GitError(f"repository '{src}' not found")

    monkeypatch.setattr(targets, "clone", failing_clone)
    result = run(url)
    assert_input_error(result, "clone failed", "not found")
    assert not any(s in result.stderr for s in SECRETS), result.stderr


def test_redact_keeps_the_rest_of_the_url_readable():
    assert targets.redact("https://ada:tok@github.com/ada/rag.git?t=1#x") == "https://***@github.com/ada/rag.git?***"
    assert targets.redact("fatal: 'https://github.com/ada/rag' not found") == \
        "fatal: 'https://github.com/ada/rag' not found"
    assert targets.redact("git@github.com:ada/rag.git") == "git@github.com:ada/rag.git"
