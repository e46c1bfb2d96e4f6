"""Markdown escaping: file names full of markdown and HTML syntax still give a report whose tables keep their columns,
whose links open the right file, and that carries no raw HTML; plus unit tests of ``esc()`` and ``code()``.

The checks follow GitHub-flavoured markdown: a table row is split on every ``|`` not escaped by a backslash (even
inside code spans), backslash escapes do not apply inside code spans outside tables, and a code span ends at the
next backtick run of the same length.
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

import pytest
from _repos import CHROMA_RAG, README_PLAIN, RETRY_CLIENT, TOOLS_AGENT, TRAIN_SCRIPT, write_tree
from click.testing import CliRunner

from portfolio_check.cli import main
from portfolio_check.render.markdown import code, esc

ALLOWED_TAGS = {"<details>", "<summary>", "</summary>", "</details>"}

# name -> content; each content makes the file a location of some evidence kind
NASTY = {
    "src/rag |pipe| *star* _under_ <b>bold</b> `tick`.py": CHROMA_RAG,   # retrieval ("</b>" makes a folder)
    "agent`s [x](y) #1 ~tilde~ <img src=x onerror=alert(1)>.py": TOOLS_AGENT,  # tool_use
    "back\\slash {brace} !bang retry.py": RETRY_CLIENT,                 # failure_handling
    "bad <nb> |x|.ipynb": "{not json",                                   # a warning naming the file
    "README.md": README_PLAIN,
}
NEWLINE_NAME = "new\nline | train.py"                                    # training, where the filesystem allows


# --- reading markdown the way GitHub does -------------------------------------------------------------------------


def code_span(text: str) -> str:
    """The literal content of ``text`` when it is exactly one inline code span (CommonMark), else raise."""
    m = re.match(r"`+", text)
    assert m, f"not a code span: {text!r}"
    n = len(m.group())
    for close in re.finditer(r"`+", text[n:]):
        if len(close.group()) == n:
            end = n + close.start()
            assert end + n == len(text), f"the span closes early; left over: {text[end + n:]!r}"
            content = text[n:end].replace("\n", " ")
            if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
                content = content[1:-1]
            return content
    raise AssertionError(f"the span never closes: {text!r}")


def strip_code_spans(line: str) -> str:
    """The line with its code spans blanked (their text is literal, so it is never markup)."""
    out, i = [], 0
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            out.append(line[i:i + 2])
            i += 2
            continue
        if ch == "`":
            n = len(re.match(r"`+", line[i:]).group())
            close = next((m for m in re.finditer(r"`+", line[i + n:]) if len(m.group()) == n), None)
            if close is None:
                out.append("`" * n)
                i += n
                continue
            out.append("«code»")
            i += n + close.end()
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def unescaped(line: str, char: str) -> list[int]:
    """Positions of ``char`` not escaped by a backslash."""
    found, i = [], 0
    while i < len(line):
        if line[i] == "\\":
            i += 2
            continue
        if line[i] == char:
            found.append(i)
        i += 1
    return found


def raw_html_tags(markdown: str) -> list[str]:
    tags = []
    for line in markdown.splitlines():
        text = strip_code_spans(line)
        for pos in unescaped(text, "<"):
            m = re.match(r"<[A-Za-z/!?][^<>]*>?", text[pos:])
            if m:
                tags.append(m.group())
    return tags


def tables(markdown: str) -> list[list[str]]:
    lines = markdown.split("\n")
    out = []
    for i, line in enumerate(lines[:-1]):
        if line.startswith("|") and re.fullmatch(r"\|(?:\s*:?-+:?\s*\|)+", lines[i + 1]):
            rows = [line]
            for nxt in lines[i + 2:]:
                if not nxt.strip():
                    break
                rows.append(nxt)
            out.append(rows)
    return out


def links(markdown: str) -> list[tuple[str, str]]:
    """(label as displayed, target) of every inline link."""
    found = re.findall(r"\[((?:\\.|[^\]\\])*)\]\(([^)]*)\)", markdown)
    return [(re.sub(r"\\(.)", r"\1", label), target) for label, target in found]


# --- the scanned repository ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    base = tmp_path_factory.mktemp("escaping")
    root = write_tree(base / "my repo", NASTY)
    names = list(NASTY)
    try:
        write_tree(root, {NEWLINE_NAME: TRAIN_SCRIPT})
        names.append(NEWLINE_NAME)
    except OSError:
        pass
    return base, root, names


@pytest.fixture(scope="module")
def report(nasty) -> str:
    base, _, _ = nasty
    old = os.getcwd()
    os.chdir(base)
    try:
        result = CliRunner().invoke(main, ["scan", "my repo", "--format", "markdown"])
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_nasty_names_are_reported(nasty, report):
    _, _, names = nasty
    opened = {unquote(t.partition("#")[0]) for _, t in links(report)}
    for name in names:
        if name.endswith(".py"):
            assert f"my repo/{name}" in opened, name
    assert "bad \\<nb\\> \\|x\\|.ipynb" in report  # the warning names the file, escaped


def test_every_table_row_has_as_many_cells_as_its_header(report):
    found = tables(report)
    assert len(found) == 3  # the role scores, the evidence matrix and the repository's evidence table
    for rows in found:
        width = len(unescaped(rows[0], "|"))
        for row in rows:
            assert row.startswith("| ") and row.endswith(" |"), row
            assert len(unescaped(row, "|")) == width, row
    evidence_rows = found[2][1:]
    assert len(evidence_rows) == 16  # no file name broke a row in two


def test_no_raw_html_besides_the_warnings_fold(report):
    tags = raw_html_tags(report)
    assert set(tags) <= ALLOWED_TAGS, [t for t in tags if t not in ALLOWED_TAGS]


def test_links_percent_encode_and_open_the_right_file(nasty, report):
    base, _, _ = nasty
    found = links(report)
    assert len(found) >= 4
    for label, target in found:
        assert not re.search(r"[\s<>|`\\]", target), target
        path, _, anchor = target.partition("#L")
        assert "#" not in path
        rel = unquote(path)
        assert (base / rel).is_file(), rel
        assert rel.startswith("my repo/")
        shown = rel.removeprefix("my repo/").replace("\n", " ")
        assert label == (f"{shown}:{anchor}" if anchor else shown)
    spaced = [t for _, t in found if "rag" in t]
    assert spaced and all("%20" in t for t in spaced)


def test_no_line_is_split_by_a_newline_in_a_file_name(nasty, report):
    _, _, names = nasty
    if NEWLINE_NAME not in names:
        pytest.skip("the filesystem does not allow a newline in a file name")
    assert "new%0Aline%20%7C%20train.py" in report
    assert not any(ln.startswith(("line | train.py", "line \\| train.py"))
                   for ln in report.splitlines())


def test_repository_folder_name_is_escaped_in_headings_and_lists(tmp_path):
    root = write_tree(tmp_path / "a*b_[c]<i>", {"rag.py": CHROMA_RAG, "agent.py": TOOLS_AGENT})
    result = CliRunner().invoke(main, ["scan", str(root), "--format", "markdown", "--role", "bridge"])
    assert result.exit_code == 0, result.output
    assert "| Evidence | a\\*b\\_\\[c\\]\\<i\\> |" in result.stdout  # the evidence matrix's column
    assert "<summary>a*b_[c]&lt;i&gt; — " in result.stdout  # the fold: HTML, escaped as HTML
    assert set(raw_html_tags(result.stdout)) <= ALLOWED_TAGS


def test_repository_folder_with_double_backticks_adds_no_html(tmp_path):
    root = write_tree(tmp_path / "x``<b>``y", {"rag.py": CHROMA_RAG})
    result = CliRunner().invoke(main, ["scan", str(root), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert set(raw_html_tags(result.stdout)) <= ALLOWED_TAGS


def test_repository_path_with_a_pipe_is_shown_as_is(tmp_path):
    root = write_tree(tmp_path / "a|b", {"rag.py": CHROMA_RAG})
    result = CliRunner().invoke(main, ["scan", str(root), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    meta = next(ln for ln in result.stdout.splitlines() if "artifact: **" in ln)
    span = meta.split(" · ")[0]
    assert code_span(span) == str(root)


# --- esc() ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", list("\\`*_{}[]<>|#!~"))
def test_esc_escapes_each_markdown_character(char):
    assert esc(f"a{char}b") == f"a\\{char}b"


@pytest.mark.parametrize("text", ["churn-model v2.0 (final), 95% done", "plain words", "", "émoji 🎉 ok"])
def test_esc_leaves_plain_text_alone(text):
    assert esc(text) == text


def test_esc_makes_one_line():
    assert esc("a\nb") == "a b"
    assert esc("a\r\n\tb") == "a b"
    assert "\n" not in esc("x\n\n\ny") and "\r" not in esc("x\ry")


@pytest.mark.parametrize("text", ["a|b", "a\\|b", "a\\\\|b", "| x | y |", "<script>alert(1)</script>",
                                  "`code` *em* _em_ [l](u) ![i](u)", "new\nline|<b>"])
def test_esc_output_is_inert_in_a_table_cell(text):
    out = esc(text)
    assert "\n" not in out
    assert unescaped(out, "|") == []
    assert raw_html_tags(out) == []
    for ch in "`*_[]<>":
        assert unescaped(out, ch) == [], ch
    assert re.sub(r"\\(.)", r"\1", out) == re.sub(r"[\r\n\t]+", " ", text)  # reads back as the text


# --- code() --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["examples/churn-model", "a b", "a`b", "`leading", "trailing`", "`both`",
                                  "<b>x</b>", "*not em*"])
def test_code_is_one_span_holding_the_text(text):
    out = code(text)
    assert "\n" not in out
    assert code_span(out) == text


def test_code_makes_one_line():
    out = code("a\nb\r\nc")
    assert "\n" not in out and "\r" not in out
    assert code_span(out) == "a b c"


def test_code_leaves_no_unescaped_pipe_for_a_table():
    assert unescaped(code("a|b|c", in_table=True), "|") == []


def test_code_survives_a_double_backtick_run():
    assert code_span(code("a``b")) == "a``b"


def test_code_outside_a_table_shows_a_pipe_as_is():
    assert code_span(code("a|b")) == "a|b"


def test_the_checkers_themselves_catch_broken_markdown():
    assert raw_html_tags("a <b>bold</b> c") == ["<b>", "</b>"]
    assert raw_html_tags("a \\<b\\> c `<b>` c") == []
    assert len(unescaped("| a | b\\|c | d\\\\|e |", "|")) == 5
    assert tables("| h |\n|---|\n| x |\ny\n") == [["| h |", "| x |", "y"]]
    with pytest.raises(AssertionError):
        code_span("``a``b``")
