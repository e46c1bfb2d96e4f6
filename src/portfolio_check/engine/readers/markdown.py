"""Markdown (and notebook markdown cells): sections with their prose counts, tables as rows and columns, images by
what they show, and patterns run on the prose (fenced code and HTML comments blanked)."""

from __future__ import annotations

import re

from portfolio_check.engine.readers.base import FileFacts, LineOf, Section, scan_views, snippet
from portfolio_check.engine.readers.views import markdown_views
from portfolio_check.engine.rules import Rules
from portfolio_check.engine.structure import images, tables

HEADING_MD = re.compile(r"^(#{1,6})[ \t]+(\S.*?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_BARE_ASSET = re.compile(r"^\s*https://github\.com/(?:user-attachments/assets|[\w.-]+/[\w.-]+/assets)/[\w/-]+\s*$")
MAX_HEADING = 300


def read_markdown(ff: FileFacts, text: str, rules: Rules, role: str = "doc", line_of: LineOf | None = None) -> None:
    views = markdown_views(text)
    prose = views.get("text")
    lines = prose.split("\n")
    _sections_and_images(ff, lines, rules, line_of)
    _tables(ff, lines, prose, line_of)
    scan_views(ff, rules.matcher(role, ff.rel), views, role, line_of)


def _at(line_of: LineOf | None, i: int) -> int | None:
    return line_of(i) if line_of else i


def _sections_and_images(ff: FileFacts, lines: list[str], rules: Rules, line_of: LineOf | None) -> None:
    """Headings with the word and rationale-term counts of the prose under each; images classified under the
    heading they sit in."""
    rationale = rules.rationale
    stack: list[Section] = []
    heading = ""
    prev = ""
    for i, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        m = HEADING_MD.match(line) if line.startswith("#") and len(line) <= MAX_HEADING else None
        level, title = (len(m.group(1)), m.group(2)) if m else (0, "")
        if not m and prev.strip() and _SETEXT.match(line) and len(line.strip()) >= 3 \
                and not prev.lstrip().startswith(("-", "*", "|", ">")) and len(prev) <= MAX_HEADING:
            level, title = (1 if line.strip()[0] == "=" else 2), prev.strip()
        if level:
            sec = Section(_at(line_of, i) or 1, level, title.strip("*_` ")[:120])
            ff.sections.append(sec)
            stack = [s for s in stack if s.level < level] + [sec]
            heading = sec.title
            prev = line
            continue
        if "![" in line or "<img" in line.lower() or "<video" in line.lower():
            for src, alt, title_ in images.images_in(line):
                cls = images.classify(src, alt, title_, heading)
                if cls in ("screenshot", "demo"):
                    ff.add("screenshot", _at(line_of, i), "doc", snippet(line), rules.reasons["screenshot_image"])
                elif cls in ("plot", "diagram"):
                    ff.add(f"image_{cls}", _at(line_of, i), "doc", snippet(line))
        elif _BARE_ASSET.match(line):  # GitHub renders an uploaded video on its own line as a player
            ff.add("screenshot", _at(line_of, i), "doc", snippet(line), rules.reasons["screenshot_image"])
        words = len(line.split())
        terms = len(rationale.findall(line)) if rationale is not None and words > 2 else 0
        ff.doc_words += words
        ff.doc_rationale += terms
        cues = rules.postmortem_cues.count(line) if words > 2 else None
        for sec in stack:
            sec.words += words
            sec.rationale += terms
            if cues:
                sec.failure += cues[0]
                sec.cause += cues[1]
                sec.fix += cues[2]
        if cues:
            for key, n in zip(("failure", "cause", "fix"), cues, strict=True):
                ff.doc_cues[key] = ff.doc_cues.get(key, 0) + n
        prev = line


def _tables(ff: FileFacts, lines: list[str], prose: str, line_of: LineOf | None) -> None:
    found = tables.pipe_tables(lines) if "|" in prose else []
    if "<table" in prose.lower():
        for t in tables.html_tables(prose):
            line = prose.count("\n", 0, max(prose.lower().find("<table"), 0)) + 1
            found.append(tables.Table(t.header, t.rows, line))
    for t in found:
        for tag in tables.judge(t):
            text = lines[t.line - 1] if 0 < t.line <= len(lines) else ""
            ff.add(tag, _at(line_of, t.line), "doc", snippet(text))
