"""The one sanitiser for untrusted text, with one function per output kind.

Untrusted text is anything that comes from a scanned repository or a remote: file paths and names, repository
names and URLs, checklist titles and advice from user files, warnings, git's error output. Every renderer and every
error path passes such text through the function for its output before writing it:

* :func:`terminal`: no C0 or C1 control (ESC, BEL, CR, backspace...), no DEL, no bidirectional control and no
  line or paragraph separator reaches a terminal. Each is shown as a visible escape (``\\x1b``, ``\\u202e``), so an
  escape sequence (OSC 52 clipboard writes, OSC 8 links, CSI cursor moves, erase-line) prints as inert text and a
  file name is never shown as something it is not (removing characters could make ``evil\\x1b[2K.py`` read
  ``evil.py``). A newline is kept only where the caller allows it (never inside one field).
* :func:`markdown`: the same, on one line, then every character markdown or HTML could act on is escaped
  (``< > & |`` and the inline markup characters), ``@mentions`` are broken with a zero-width space after the
  ``@``, and bare ``www.``/``http(s)://`` auto-links are broken the same way.
* :func:`code`: a markdown inline code span (the text shows literally; controls are escaped as above).
* :func:`html`: the same controls escaped, then HTML-escaped, for text inside an HTML element or attribute.
* :func:`json_text`: a JSON document with the remaining invisible controls (DEL, C1, bidi, separators) written as
  ``\\uXXXX``: the same data, safe to print on a terminal.
"""

from __future__ import annotations

import html as _html
import re

#: bidirectional controls (embeddings, overrides, isolates, marks) and the two Unicode line separators
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_BUT_NEWLINE = re.compile(f"[\x00-\x09\x0b-\x1f\x7f-\x9f{_BIDI}]")
_INVISIBLE_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI}]")  # json.dumps already escapes C0
_SGR = re.compile(r"(\x1b\[[0-9;]*m)")  # colour codes this tool adds itself
_MARKUP = re.compile(r"([\\`*_{}\[\]<>|#!~&])")
_BREAKS = re.compile(r"[\r\n\t]+")
_MENTION = re.compile("@(?!\u200b)")
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp)(?=://)|\b(www)(?=\.)")
ZWSP = "\u200b"


def _visible(m: re.Match[str]) -> str:
    o = ord(m.group())
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def terminal(text: str, *, newlines: bool = False) -> str:
    """Text safe to print on a terminal: every control shown as a visible escape (newlines kept if allowed; a
    CRLF then counts as one newline, a lone CR is escaped: it would return to the start of the line)."""
    if newlines:
        return _UNSAFE_BUT_NEWLINE.sub(_visible, text.replace("\r\n", "\n"))
    return _UNSAFE.sub(_visible, text)


def terminal_report(text: str, *, colour: bool = False) -> str:
    """A whole rendered report for a terminal: newlines kept, and with ``colour`` this tool's own SGR colour codes;
    any other control is escaped (a last guard: each untrusted field was already sanitised on its own)."""
    if not colour:
        return terminal(text, newlines=True)
    return "".join(p if _SGR.fullmatch(p) else terminal(p, newlines=True) for p in _SGR.split(text))


def _one_line(text: str) -> str:
    return terminal(_BREAKS.sub(" ", text))


def markdown(text: str) -> str:
    """Text safe inside a markdown paragraph, heading, list item or table cell: one line, no markup, no raw HTML,
    no entity, no live mention or auto-link, no control character."""
    escaped = _MARKUP.sub(r"\\\1", _one_line(text))
    return _AUTOLINK.sub(lambda m: m.group() + ZWSP, _MENTION.sub("@" + ZWSP, escaped))


def code(text: str, in_table: bool = False) -> str:
    """Inline code for any text: the fence is longer than the longest run of backticks inside it."""
    t = _one_line(text)
    if in_table:
        t = t.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", t)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if t.startswith("`") or t.endswith("`") else ""
    return f"{fence}{pad}{t}{pad}{fence}"


def html(text: str) -> str:
    """Text safe inside an HTML element or a quoted attribute."""
    return _html.escape(terminal(text), quote=True)


def json_text(document: str) -> str:
    """A JSON document with DEL, C1, bidi controls and line separators written as ``\\uXXXX`` escapes.

    These characters can only occur inside JSON strings, where the escape means the same character: the data is
    unchanged, and the document is safe to print on a terminal or paste into a page.
    """
    return _INVISIBLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)
