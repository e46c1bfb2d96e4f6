"""Views of one file's text that keep every offset: what a pattern may see of code and of prose.

A view blanks some spans with spaces (newlines stay), so an offset or a line number found in one view is the same
in every other. Patterns run on the view their rule names:

- ``raw``: the text as read;
- ``strings``: code without comments (string literals kept: model names, routes, URLs);
- ``text``: code without comments or string contents (so a prompt that says "LLM as judge" or a regex character
  class ``[<=>]`` is not code); prose without fenced code blocks and HTML comments (so example output in a code
  block is not a reported result, and a shell ``# comment`` is not a heading).

Every scanner here is a single left-to-right pass of non-backtracking regular expressions: linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

VIEW_NAMES = ("raw", "strings", "text")


#: a string literal's opener: up to two prefix letters after no word character, and its quotes
_PY_OPENER = re.compile(r"""(?<![\w])[rRbBuUfF]{0,2}(?:\"\"\"|'''|"|')""")
#: the rest of a string literal after its opening quotes (to the closing quotes, or where an unclosed one-line string
#: ends); each written as runs of plain characters between escapes, which the regex engine takes in one step
_PY_CLOSE = {
    '"""': re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:"""|\Z)'),
    "'''": re.compile(r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(?:'''|\Z)"),
    '"': re.compile(r'[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*(?:"|(?=\n)|\Z)'),
    "'": re.compile(r"[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*(?:'|(?=\n)|\Z)"),
}
#: a comment or a string literal (from its quotes), whole; every ``#`` and every quote starts one (a string whose
#: body does not end as the grammar says, a backslash being the text's last character, runs to the end)
_PY_TOKEN = re.compile("|".join(
    ["#[^\n]*", *(f"{quote}(?:{close.pattern}|[\\s\\S]*)" for quote, close in _PY_CLOSE.items())]))
_LINE_END = re.compile(r"[^\n]*")

#: the next comment or plain string opener in JavaScript/TypeScript (template literals are left as they are)
_JS_NEXT = re.compile(r"""//|/\*|"|'""")
_JS_BLOCK_END = re.compile(r"[\s\S]*?(?:\*/|\Z)")
_JS_CLOSE = {"'": _PY_CLOSE["'"], '"': _PY_CLOSE['"']}  # the same one-line strings

_MD_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*$", re.MULTILINE)
_FENCE_MARKS = (re.compile("```"), re.compile("~~~"))  # (a choice of the two is searched seven times slower)
_HTML_COMMENT = re.compile(r"<!--[\s\S]*?(?:-->|\Z)")


#: every ASCII character but the newline -> a space
_BLANK_ASCII = {c: 10 if c == 10 else 32 for c in range(128)}


def blank(s: str) -> str:
    """``s`` with every character but newlines turned into a space (a table lookup per character, or one run of
    spaces per line: a regex substitution per character is tens of times slower)."""
    if "\n" not in s:
        return " " * len(s)
    if s.isascii():
        return s.translate(_BLANK_ASCII)
    return "\n".join(" " * len(line) for line in s.split("\n"))


@dataclass(frozen=True)
class Views:
    """The views of one text; ``get`` falls back to raw for a view a kind of file does not define."""

    raw: str
    strings: str | None = None
    text: str | None = None

    def get(self, name: str) -> str:
        if name == "text" and self.text is not None:
            return self.text
        if name in ("text", "strings") and self.strings is not None:
            return self.strings
        return self.raw

    @classmethod
    def plain(cls, raw: str) -> Views:
        return cls(raw)


def _opener_start(src: str, pos: int, quote_at: int) -> int | None:
    """Where the string opener whose quotes are at ``quote_at`` starts, when a word character comes right before
    them: up to two prefix letters (``f"``, ``rb'``), not before ``pos``, themselves after no word character; None
    when the quote opens nothing (``x"``), as a search for the opener (leftmost first) would say."""
    for start in range(max(pos, quote_at - 2), quote_at + 1):
        if _PY_OPENER.match(src, start) is not None:
            return start
    return None


def python_views(src: str) -> Views:
    """Python source without comments (``strings``) and without comments or string contents (``text``).

    One regex run over the text finds each comment and each string literal whole (it starts only at ``#`` or a
    quote, so the regex engine skips to those characters by itself); a string's prefix letters are looked at only
    when a word character comes right before its quotes."""
    no_comments: list[str] = []
    no_strings: list[str] = []
    kept = 0  # no_comments holds the text up to here
    pos = 0  # no_strings holds the text up to here, and the next token is looked for from here
    n = len(src)
    while pos < n:
        resume = -1
        for m in _PY_TOKEN.finditer(src, pos):
            start, end = m.span()
            first = src[start]
            if first == "#":  # a comment runs to the end of its line
                gap = " " * (end - start)
                no_comments.append(src[kept:start])
                no_comments.append(gap)
                no_strings.append(src[pos:start])
                no_strings.append(gap)
                kept = pos = end
                continue
            after_word = start and (src[start - 1].isalnum() or src[start - 1] == "_")
            if after_word and _opener_start(src, pos, start) is None:
                resume = start + 1  # the quote opens nothing: look again from the character after it
                break
            body = start + (3 if src.startswith(first * 3, start) else 1)
            no_strings.append(src[pos:body])
            no_strings.append(blank(src[body:end]))
            pos = end
        if resume < 0:
            break
        no_strings.append(src[pos:resume])
        pos = resume
    no_comments.append(src[kept:])
    no_strings.append(src[pos:])
    return Views(src, "".join(no_comments), "".join(no_strings))


def js_views(src: str) -> Views:
    """JavaScript/TypeScript without comments (``strings``) and without comments or quoted string contents."""
    no_comments: list[str] = []
    no_strings: list[str] = []
    pos, n = 0, len(src)
    while pos < n:
        m = _JS_NEXT.search(src, pos)
        if m is None:
            break
        start = m.start()
        no_comments.append(src[pos:start])
        no_strings.append(src[pos:start])
        tok = m.group()
        if tok == "//":
            if start > 0 and src[start - 1] == ":":  # a URL's "https://" is not a comment
                no_comments.append(tok)
                no_strings.append(tok)
                pos = m.end()
                continue
            end = _LINE_END.match(src, start).end()  # type: ignore[union-attr]
            gap = blank(src[start:end])
            no_comments.append(gap)
            no_strings.append(gap)
        elif tok == "/*":
            end = _JS_BLOCK_END.match(src, m.end()).end()  # type: ignore[union-attr]
            gap = blank(src[start:end])
            no_comments.append(gap)
            no_strings.append(gap)
        else:
            body = _JS_CLOSE[tok].match(src, m.end())
            end = body.end() if body is not None else n
            no_comments.append(src[start:end])
            no_strings.append(tok + blank(src[m.end() : end]))
        pos = end
    no_comments.append(src[pos:])
    no_strings.append(src[pos:])
    return Views(src, "".join(no_comments), "".join(no_strings))


def fences(src: str) -> Iterator[re.Match[str]]:
    """``_MD_FENCE.finditer(src)``: each match is one line, so it is that regex tried at the start of each line
    holding three backticks or tildes (a search for a line's start tries every offset; one for the marks skips
    ahead)."""
    lines = {src.rfind("\n", 0, mark.start()) + 1 for marks in _FENCE_MARKS for mark in marks.finditer(src)}
    for line in sorted(lines):
        m = _MD_FENCE.match(src, line)
        if m is not None:
            yield m


def markdown_views(src: str) -> Views:
    """Prose without fenced code blocks or HTML comments (``text``; ``strings`` is the same)."""
    out: list[str] = []
    pos = 0
    fence: str | None = None
    fence_start = 0
    for m in fences(src):
        marker = m.group(1)
        if fence is None:
            out.append(src[pos : m.start()])
            fence, fence_start = marker, m.start()
        elif marker[0] == fence[0] and len(marker) >= len(fence) and m.group().strip() == marker:
            out.append(blank(src[fence_start : m.end()]))
            fence, pos = None, m.end()
    if fence is not None:
        out.append(blank(src[fence_start:]))
    else:
        out.append(src[pos:])
    prose = "".join(out)
    if "<!--" in prose:
        prose = _HTML_COMMENT.sub(lambda c: blank(c.group()), prose)
    return Views(src, prose, prose)
