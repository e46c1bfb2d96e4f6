"""Payloads in reports: file names, repository names and URLs, checklist text and git's words reach every output
only through render/sanitize.py. No ESC, BEL, C0/C1 or bidi control from a repository reaches the terminal, a
file written with -o, a markdown report, GitHub annotations or the step summary; GitHub's renderer (cmark-gfm in
unsafe mode, when installed) produces no raw HTML element, live link or mention from repository content; the JSON
report keeps the exact names, with the invisible controls written as \\uXXXX."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from _ci import CUSTOM_ROLE, run
from _repos import TRAIN_SCRIPT, Tags, write_tree
from test_markdown_escaping import raw_html_tags, strip_code_spans

from portfolio_check.engine.scan import scan_repo
from portfolio_check.judge.checklists import bundled_checklists
from portfolio_check.judge.verdict import judge
from portfolio_check.render import sanitize
from portfolio_check.render.output import render

#: file names an attacker controls (anything but '/' and NUL is allowed on Linux)
PAYLOADS = {
    "osc52": "clip\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "osc8": "link\x1b]8;;https:evil.example\x1b\\click\x1b]8;;\x1b\\",  # no "/" in a file name
    "erase": "erase\x1b[2K\x1b[1A\x1b[1G",
    "crlf": "fake\r\nml-engineer 100.0 \u2588\u2588\u2588 met 14\n",
    "bell": "bell\x07\x08\x7f",
    "c1": "c1\u009b31m\u0085\u009d",
    "bidi": "gnp.\u202eexe\u2066x\u2069\u200f\u061c",
    "html": "<img src=x onerror=alert(1)></details><script>x</script>",
    "table": "a|b|c\\|d",
    "mention": "@octocat and user@example.com",
    "autolink": "www.evil.example and x@evil.example",  # no '/' in a file name: http:// is tested with URLs
    "entity": "&#x202e;&#27;&lt;b&gt;",
}
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    files: dict[str, str | bytes] = {"README.md": "# demo\n"}
    for key, name in PAYLOADS.items():
        files[f"{key}-{name}.py"] = TRAIN_SCRIPT          # a location of training evidence
        files[f"{key}-{name}.ipynb"] = "{not json"        # a warning naming the file
    return write_tree(tmp_path_factory.mktemp("h") / "repo\x1b[31m\u202e", files)


def outputs(root: Path, tmp_path: Path, *extra: str) -> dict[str, str]:
    out = {}
    for fmt in ("text", "markdown", "github", "json", "badge"):
        result = run(str(root), "--format", fmt, *extra)
        assert result.exit_code in (0, 1), result.stderr
        out[fmt] = result.stdout
        out[f"{fmt} stderr"] = result.stderr
    written = tmp_path / "report.txt"
    assert run(str(root), "-o", str(written), *extra).exit_code in (0, 1)
    out["-o text"] = written.read_text(encoding="utf-8")
    return out


def test_no_control_reaches_any_output(hostile, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.touch()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = outputs(hostile, tmp_path)
    out["step summary"] = summary.read_text(encoding="utf-8")
    for kind, text in out.items():
        bad = sorted({hex(ord(c)) for c in UNSAFE.findall(text)})
        assert not bad, f"{kind}: {bad}"
    assert "\\x1b]52;c;" in out["text"]  # shown, visibly, not hidden: the reader sees a strange name
    assert "ml-engineer 100.0" not in out["text"].replace("\\x0d\\x0aml-engineer 100.0", "")


def test_the_json_report_keeps_the_exact_names(hostile):
    result = run(str(hostile), "--format", "json")
    data = json.loads(result.stdout)
    (repo,) = data["repos"]
    shown = [loc["path"] for e in repo["evidence"] for loc in e["locations"]] + repo["warnings"]
    for key, name in PAYLOADS.items():
        assert any(f"{key}-{name}" in s for s in shown), key
    assert not UNSAFE.search(result.stdout)


def test_markdown_has_no_live_mention_or_autolink_from_names(hostile):
    md = run(str(hostile), "--format", "markdown").stdout
    prose = re.sub(r"\]\([^)]*\)", "]", strip_code_spans_all(md))  # link targets and code spans are never linked
    assert not re.search(r"@(?!\u200b)", prose), "a live @mention"
    assert not re.search(r"(?i)\bwww\.evil", prose), "a live www. auto-link"


def strip_code_spans_all(md: str) -> str:
    return "\n".join(strip_code_spans(line) for line in md.splitlines())


#: the elements the markdown report itself is made of
OWN_TAGS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "a", "code", "ul", "ol", "li",
            "strong", "em", "details", "summary", "blockquote", "input", "br"}


def test_githubs_renderer_makes_no_element_from_repository_content(hostile, tmp_path):
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    md = run(str(hostile), "--format", "markdown").stdout
    html = cmarkgfm.markdown_to_html_with_extensions(
        md, options=Options.CMARK_OPT_UNSAFE, extensions=["table", "autolink", "strikethrough", "tasklist"])
    parser = Tags()
    parser.feed(html)
    tags = {t for t, _ in parser.tags}
    assert tags <= OWN_TAGS, tags - OWN_TAGS
    for tag, attrs in parser.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "a":  # only the report's own links: relative ones to a file of the repository
            href = attrs.get("href") or ""
            assert not re.match(r"(?i)[a-z][a-z0-9+.-]*:|//", href), href
    text = "".join(parser.text)
    assert not UNSAFE.search(text), sorted({hex(ord(c)) for c in UNSAFE.findall(text)})
    assert "<img src=x onerror=alert(1)>" in text  # shown as text


@pytest.mark.parametrize("url", ["https://github.com/ada/rag)[x](javascript:alert(1))",
                                 "https://github.com/ada/rag)<b>bold<b>"])
def test_a_url_targets_name_and_path_cannot_break_out_of_a_link(hostile, url):
    result = replace(scan_repo(hostile), path=url, name="rag<script>", commit="0" * 40)
    verdicts = judge(list(bundled_checklists()), [result])
    md = render([result], verdicts, "markdown")
    targets = re.findall(r"\]\(([^)]*)\)", strip_code_spans_all(md))
    assert any(t.startswith("https://github.com/ada/") for t in targets)
    for target in targets:
        assert not re.search(r"[()<>\[\]\s]", target) and "javascript:" not in target, target
    tags = raw_html_tags(md)
    assert set(tags) == {"<details>", "<summary>", "</summary>", "</details>"}  # only the folds
    assert tags.count("<details>") == tags.count("</details>") == tags.count("<summary>") == len(verdicts) + 1


def test_checklist_text_is_sanitised_too(tmp_path, hostile):
    role = tmp_path / "role.toml"
    role.write_text(CUSTOM_ROLE.replace('title = "A postmortem"', 'title = "Train\\u001b]52;c;eA==\\u0007 <b>"'))
    for fmt in ("text", "markdown", "github"):
        out = run(str(hostile), "--checklist", str(role), "--role", "data-eng", "--format", fmt).stdout
        assert ("Train" in out or fmt == "text") and not UNSAFE.search(out), fmt
    roles = run(str(hostile), "--checklist", str(role))
    assert not UNSAFE.search(roles.stdout + roles.stderr)


@pytest.mark.parametrize("text", list(PAYLOADS.values()))
def test_each_sanitiser_removes_every_control(text):
    for out in (sanitize.terminal(text), sanitize.markdown(text), sanitize.code(text), sanitize.html(text)):
        assert not UNSAFE.search(out), out
        assert "\n" not in out
    assert "\n" not in sanitize.terminal(text, newlines=True).replace("\n", "") and "\x1b" not in \
        sanitize.terminal(text, newlines=True)
    assert json.loads(sanitize.json_text(json.dumps(text, ensure_ascii=False))) == text


def test_colour_codes_of_our_own_survive_the_last_guard():
    coloured = "\x1b[32m● strong\x1b[0m name\x1b]52;c;x\x07"
    assert sanitize.terminal_report(coloured, colour=True) == "\x1b[32m● strong\x1b[0m name\\x1b]52;c;x\\x07"
    assert "\x1b" not in sanitize.terminal_report(coloured, colour=False)


def test_a_git_servers_words_are_sanitised_in_the_error(monkeypatch, tmp_path):
    from portfolio_check import targets
    from portfolio_check.engine.gitsafe import GitError

    def hostile_server(*args, **kwargs):
        raise GitError("repository not found\x1b]52;c;cm0gLXJm\x07\x1b[2K\r\u202e")

    monkeypatch.setattr(targets, "clone", hostile_server)
    result = run("https://example.com/ada/rag.git", "--output-dir", str(tmp_path / "out"))
    assert result.exit_code == 2 and "repository not found" in result.stderr
    assert not UNSAFE.search(result.stderr), result.stderr
    assert len(result.stderr.splitlines()) == 1
