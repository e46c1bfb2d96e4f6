"""Markdown (and notebook markdown cells): sections with their prose counts, tables as rows and columns, images by
what they show, and patterns run on the prose (fenced code and HTML comments blanked)."""

from __future__ import annotations

import bisect
import re

from portfolio_check.engine.budget import check as check_budget
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
    """Headings with the word, rationale and failure-cue counts of the prose under each; images classified under
    the heading they sit in. Headings and images are found line by line; the cue terms are counted over the
    whole prose in one pass per kind of cue, then given to the sections that hold their lines."""
    stack: list[Section] = []
    owners: list[list[Section] | None] = []  # per line: the sections whose prose holds it (None: not prose)
    heading = ""
    prev = ""
    for i, raw in enumerate(lines, start=1):
        if i % 512 == 0:
            check_budget()
        line = raw.rstrip()
        level, title = 0, ""
        first = line[:1]
        if first == "#" and len(line) <= MAX_HEADING:
            m = HEADING_MD.match(line)
            if m:
                level, title = len(m.group(1)), m.group(2)
        elif first in ("=", "-", " ") and prev.strip() and _SETEXT.match(line) and len(line.strip()) >= 3 \
                and not prev.lstrip().startswith(("-", "*", "|", ">")) and len(prev) <= MAX_HEADING:
            level, title = (1 if line.strip()[0] == "=" else 2), prev.strip()
        if level:
            sec = Section(_at(line_of, i) or 1, level, title.strip("*_` ")[:120])
            ff.sections.append(sec)
            stack = [s for s in stack if s.level < level] + [sec]
            heading = sec.title
            prev = line
            owners.append(None)
            continue
        if "![" in line or "<img" in line or "<video" in line or "<IMG" in line:
            for src, alt, title_ in images.images_in(line):
                cls = images.classify(src, alt, title_, heading)
                if cls in ("screenshot", "demo"):
                    ff.add("screenshot", _at(line_of, i), "doc", snippet(line), rules.reasons["screenshot_image"])
                elif cls in ("plot", "diagram"):
                    ff.add(f"image_{cls}", _at(line_of, i), "doc", snippet(line))
        elif first == "h" and _BARE_ASSET.match(line):  # GitHub shows an uploaded video on its own line as a player
            ff.add("screenshot", _at(line_of, i), "doc", snippet(line), rules.reasons["screenshot_image"])
        words = len(line.split())
        ff.doc_words += words
        for sec in stack:
            sec.words += words
        owners.append(stack if words > 2 else None)
        prev = line
    _count_cues(ff, lines, owners, rules)


def _count_cues(ff: FileFacts, lines: list[str], owners: list[list[Section] | None], rules: Rules) -> None:
    """Rationale terms and failure/cause/fix cues, counted over the whole prose (one regex pass each)."""
    text = "\n".join(lines)
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)
    for key, offsets in rules.writeup_terms.offsets(text).items():
        for offset in offsets:
            secs = owners[bisect.bisect_right(starts, offset) - 1]
            if secs is None:
                continue
            if key == "rationale":
                ff.doc_rationale += 1
            else:
                ff.doc_cues[key] = ff.doc_cues.get(key, 0) + 1
            for sec in secs:
                setattr(sec, key, getattr(sec, key) + 1)


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
