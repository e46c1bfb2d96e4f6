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
from dataclasses import dataclass

VIEW_NAMES = ("raw", "strings", "text")

_NOT_NEWLINE = re.compile(r"[^\n]")

#: the characters a comment or a string literal's quotes start with, and a string opener (prefix and quotes): the
#: next comment or string is where the first pattern finds a character and the second (or ``#``) matches
_PY_STOP = re.compile(r"""[#"']""")
_PY_OPENER = re.compile(r"""(?<![\w])[rRbBuUfF]{0,2}(?:\"\"\"|'''|"|')""")
#: the rest of a string literal after its opening quotes (to the closing quotes, or where an unclosed one-line string
#: ends); each written as runs of plain characters between escapes, which the regex engine takes in one step
_PY_CLOSE = {
    '"""': re.compile(r'[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:"""|\Z)'),
    "'''": re.compile(r"[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(?:'''|\Z)"),
    '"': re.compile(r'[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*(?:"|(?=\n)|\Z)'),
    "'": re.compile(r"[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*(?:'|(?=\n)|\Z)"),
}
_LINE_END = re.compile(r"[^\n]*")

#: the next comment or plain string opener in JavaScript/TypeScript (template literals are left as they are)
_JS_NEXT = re.compile(r"""//|/\*|"|'""")
_JS_BLOCK_END = re.compile(r"[\s\S]*?(?:\*/|\Z)")
_JS_CLOSE = {"'": _PY_CLOSE["'"], '"': _PY_CLOSE['"']}  # the same one-line strings

_MD_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[^\n]*$", re.MULTILINE)
_HTML_COMMENT = re.compile(r"<!--[\s\S]*?(?:-->|\Z)")


def blank(s: str) -> str:
    """``s`` with every character but newlines turned into a space."""
    return _NOT_NEWLINE.sub(" ", s) if "\n" in s else " " * len(s)


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


def _py_next(src: str, pos: int) -> re.Match[str] | None:
    """The next comment (``#``) or string opener at or after ``pos``: what a search for either would find, but a
    one-character class is searched many times faster than a look-behind tried at every offset. An opener starting
    before the first quote or ``#`` can only be a prefix of at most two letters before that very quote, so it is
    tried at those few offsets, leftmost first, as a search would."""
    while True:
        stop = _PY_STOP.search(src, pos)
        if stop is None:
            return None
        at = stop.start()
        if src[at] == "#":
            return stop
        for start in range(max(pos, at - 2), at + 1):
            opener = _PY_OPENER.match(src, start)
            if opener is not None:
                return opener
        pos = at + 1  # a quote right after a word character opens nothing


def python_views(src: str) -> Views:
    """Python source without comments (``strings``) and without comments or string contents (``text``)."""
    no_comments: list[str] = []
    no_strings: list[str] = []
    pos, n = 0, len(src)
    while pos < n:
        m = _py_next(src, pos)
        if m is None:
            break
        start = m.start()
        no_comments.append(src[pos:start])
        no_strings.append(src[pos:start])
        if m.group() == "#":
            end = src.find("\n", start)
            end = n if end < 0 else end
            gap = " " * (end - start)  # a comment runs to the end of its line
            no_comments.append(gap)
            no_strings.append(gap)
        else:
            opener = m.group()
            quote = opener.lstrip("rRbBuUfF")
            body = _PY_CLOSE[quote].match(src, m.end())
            end = body.end() if body is not None else n
            whole = src[start:end]
            no_comments.append(whole)
            no_strings.append(opener + blank(src[m.end() : end]))
        pos = end
    no_comments.append(src[pos:])
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


def markdown_views(src: str) -> Views:
    """Prose without fenced code blocks or HTML comments (``text``; ``strings`` is the same)."""
    out: list[str] = []
    pos = 0
    fence: str | None = None
    fence_start = 0
    for m in _MD_FENCE.finditer(src):
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
