"""Markdown (and notebook markdown cells): sections with their prose counts, tables as rows and columns, images by
what they show, and patterns run on the prose (fenced code and HTML comments blanked)."""

from __future__ import annotations

import bisect
import re

from portfolio_check.engine.budget import check as check_budget
from portfolio_check.engine.readers.base import FileFacts, LineCounter, LineOf, Section, line_text, scan_views, snippet
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
    _sections_and_images(ff, prose, rules, line_of)
    _tables(ff, prose, line_of)
    scan_views(ff, rules.matcher(role, ff.rel), views, role, line_of)


def _at(line_of: LineOf | None, i: int) -> int | None:
    return line_of(i) if line_of else i


#: lines that may be a heading (ATX ``#``, a setext underline) or a bare video link, found by the newline before
#: them (a literal the regex engine finds fast); the first line is tried on its own
_HEADING_LINE = re.compile(r"\n(?:#|[ \t]{0,3}(?:=+|-+)[^\S\n]*(?=\n|\Z)|https://github\.com/)")
_FIRST_HEADING_LINE = re.compile(r"#|[ \t]{0,3}(?:=+|-+)[^\S\n]*(?=\n|\Z)|https://github\.com/")
#: what starts an image (searched for one by one: a choice of them is searched several times slower)
_IMAGE_MARKS = (re.compile(r"!\["), re.compile(r"<(?:img|video|IMG)"))


def _notable_lines(prose: str) -> list[int]:
    """Where the lines start that may be a heading or hold an image: the only lines looked at one by one; the prose
    between them is counted whole."""
    starts = [m.start() + 1 for m in _HEADING_LINE.finditer(prose)]
    if _FIRST_HEADING_LINE.match(prose):
        starts.append(0)
    starts.extend(prose.rfind("\n", 0, m.start()) + 1 for marks in _IMAGE_MARKS for m in marks.finditer(prose))
    return sorted(set(starts))


def _sections_and_images(ff: FileFacts, prose: str, rules: Rules, line_of: LineOf | None) -> None:
    """Headings with the word, rationale and failure-cue counts of the prose under each; images classified under
    the heading they sit in. Only the lines that may be a heading or hold an image are looked at one by one (found
    in one regex pass); the words between two headings are counted in one go; the cue terms are counted over the
    whole prose in one pass per kind of cue, then given to the sections that hold their lines."""
    stack: list[Section] = []
    #: the headings' line numbers, and the sections whose prose follows each one
    heading_lines: list[int] = []
    stacks: list[list[Section]] = []
    heading = ""
    counter = LineCounter(prose)
    pos = 0  # the prose from here to the next heading is not counted yet
    seen = 0
    for start in _notable_lines(prose):
        seen += 1
        if seen % 512 == 0:
            check_budget()
        end = prose.find("\n", start)
        end = len(prose) if end < 0 else end
        line = prose[start:end].rstrip()
        level, title = 0, ""
        first = line[:1]
        if first == "#" and len(line) <= MAX_HEADING:
            h = HEADING_MD.match(line)
            if h:
                level, title = len(h.group(1)), h.group(2)
        elif first in ("=", "-", " ") and _SETEXT.match(line) and len(line.strip()) >= 3:
            prev = prose[prose.rfind("\n", 0, start - 1) + 1 : start - 1].rstrip() if start else ""
            if prev.strip() and not prev.lstrip().startswith(("-", "*", "|", ">")) and len(prev) <= MAX_HEADING:
                level, title = (1 if line.strip()[0] == "=" else 2), prev.strip()
        i = counter.at(start)
        if level:
            _count_words(ff, stack, prose[pos:start])
            pos = end + 1
            sec = Section(_at(line_of, i) or 1, level, title.strip("*_` ")[:120])
            ff.sections.append(sec)
            stack = [s for s in stack if s.level < level] + [sec]
            heading = sec.title
            heading_lines.append(i)
            stacks.append(stack)
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
    _count_words(ff, stack, prose[pos:])
    _count_cues(ff, prose, heading_lines, stacks, rules)


def _count_words(ff: FileFacts, stack: list[Section], prose: str) -> None:
    words = len(prose.split())
    ff.doc_words += words
    for sec in stack:
        sec.words += words


def _count_cues(ff: FileFacts, prose: str, heading_lines: list[int], stacks: list[list[Section]],
                rules: Rules) -> None:
    """Rationale terms and failure/cause/fix cues, counted over the whole prose (one regex pass each). A term counts
    on a line of prose (not a heading) of more than two words, for the document and the sections around it."""
    headings = set(heading_lines)
    for key, offsets in rules.writeup_terms.offsets(prose).items():
        counter = LineCounter(prose)
        for offset in offsets:
            i = counter.at(offset)
            if i in headings or len(line_text(prose, offset).split()) <= 2:
                continue
            j = bisect.bisect_right(heading_lines, i) - 1
            secs = stacks[j] if j >= 0 else []
            if key == "rationale":
                ff.doc_rationale += 1
            else:
                ff.doc_cues[key] = ff.doc_cues.get(key, 0) + 1
            for sec in secs:
                setattr(sec, key, getattr(sec, key) + 1)


def _tables(ff: FileFacts, prose: str, line_of: LineOf | None) -> None:
    lines = prose.split("\n") if "|" in prose else []
    found = tables.pipe_tables(lines) if lines else []
    if "<table" in prose.lower():
        for t in tables.html_tables(prose):
            line = prose.count("\n", 0, max(prose.lower().find("<table"), 0)) + 1
            found.append(tables.Table(t.header, t.rows, line))
    for t in found:
        tags = tables.judge(t)
        if tags and not lines:
            lines = prose.split("\n")
        for tag in tags:
            text = lines[t.line - 1] if 0 < t.line <= len(lines) else ""
            ff.add(tag, _at(line_of, t.line), "doc", snippet(text))
