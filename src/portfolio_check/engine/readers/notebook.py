"""Jupyter notebooks, read as JSON: markdown cells as prose, code cells as Python (magics blanked), and each code
cell's outputs tied to it: printed tables and HTML DataFrames are read as tables, and a cell whose output holds
numbers is an *executed* cell (its code ran and its results are committed)."""

from __future__ import annotations

import bisect
import itertools
import json
import re
from typing import Any

from portfolio_check.engine.budget import check as check_budget
from portfolio_check.engine.readers import markdown, python
from portfolio_check.engine.readers.base import FileFacts, scan_views, snippet
from portfolio_check.engine.readers.views import Views, python_views
from portfolio_check.engine.rules import Rules
from portfolio_check.engine.structure import tables

MAX_OUTPUT = 200_000
_DIGIT = re.compile(r"\d")


def _join(src: Any) -> str:
    if isinstance(src, list):
        return "".join(str(s) for s in src)
    return str(src or "")


def outputs_text(outputs: Any) -> tuple[str, str]:
    """(plain text, html) of a code cell's outputs, each capped."""
    plain: list[str] = []
    html: list[str] = []
    if not isinstance(outputs, list):
        return "", ""
    for out in outputs:
        if not isinstance(out, dict):
            continue
        if "text" in out:
            plain.append(_join(out["text"]))
        data = out.get("data")
        if isinstance(data, dict):
            for mime in ("text/plain", "text/markdown"):
                if mime in data:
                    plain.append(_join(data[mime]))
            if "text/html" in data:
                html.append(_join(data["text/html"]))
    return "\n".join(plain)[:MAX_OUTPUT], "\n".join(html)[:MAX_OUTPUT]


class _Lines:
    """Map a line of a cell's source or output to its line in the notebook's JSON text.

    Lines are looked up as their JSON-escaped text after the cell's start. Look-ups of one cell usually come in
    increasing order, so each resumes where the last one in that cell ended: reading a notebook stays linear.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self._cursor: dict[tuple[int, int], tuple[int, int]] = {}  # (cell start, id) -> (n, offset)

    def line(self, offset: int) -> int:
        return bisect.bisect_left(self._newlines, offset) + 1

    def find(self, needle_lines: list[str], start: int, end: int, n: int) -> int:
        key = (start, id(needle_lines))
        last_n, last_pos = self._cursor.get(key, (0, start))
        if n < last_n:
            last_pos = start
        if 1 <= n <= len(needle_lines):
            raw = needle_lines[n - 1]
            for needle in (json.dumps(raw, ensure_ascii=False)[1:-1], json.dumps(raw)[1:-1]):
                if needle.strip():
                    pos = self.text.find(needle, last_pos, end)
                    if pos >= 0:
                        self._cursor[key] = (n, pos)
                        return self.line(pos)
        return self.line(start)


def read_notebook(ff: FileFacts, text: str, rules: Rules) -> None:
    ff.roles.add("notebook")
    try:
        nb = json.loads(text)
        cells = nb.get("cells")
        if cells is None and isinstance(nb.get("worksheets"), list):  # nbformat 3
            cells = [c for ws in nb["worksheets"] for c in ws.get("cells", [])]
        if not isinstance(cells, list):
            raise ValueError("no cells")
    except (ValueError, AttributeError, RecursionError) as exc:
        ff.warnings.append(f"{ff.rel}: notebook is not valid JSON ({str(exc)[:80]}); its evidence is unknown")
        return
    starts = [m.start() for m in re.finditer(r'"cell_type"\s*:', text)]
    if len(starts) != len(cells):
        starts = [0] * len(cells)
    ends = [*starts[1:], len(text)] if any(starts) else [len(text)] * len(cells)
    where = _Lines(text)
    code_m = rules.matcher("notebook", ff.rel)
    out_m = rules.matcher("output", ff.rel)
    run_m = rules.matcher("executed", ff.rel)
    unparsed = 0
    for idx, cell in enumerate(cells):
        check_budget()
        if not isinstance(cell, dict):
            continue
        src = _join(cell.get("source", cell.get("input", "")))
        src_lines = src.split("\n")
        start, end = starts[idx], ends[idx]

        def line_of(n: int, _lines: list[str] = src_lines, _start: int = start, _end: int = end) -> int | None:
            return where.find(_lines, _start, _end, n)

        raw_src = cell.get("source", cell.get("input", ""))
        per_line = isinstance(raw_src, list) and len(raw_src) == len(src_lines) - (1 if src.endswith("\n") else 0)
        ff.cells.append((where.line(start), line_of(1) or 0 if per_line else 0, len(src_lines)))
        ctype = cell.get("cell_type")
        if ctype == "markdown":
            markdown.read_markdown(ff, src, rules, "doc", line_of)
        elif ctype == "code":
            code = "\n".join("" if ln.lstrip().startswith(("%", "!", "?")) else ln for ln in src_lines)
            views = python_views(code)
            tree = python.parse(code)
            if tree is None:
                unparsed += 1
                python.imports(ff, code, "notebook", views.get("text"), line_of)
            else:
                python.tree_imports(ff, tree, code, "notebook", line_of)
                python.shapes(ff, code, "notebook", line_of, tree)
            scan_views(ff, code_m, views, "notebook", line_of)
            plain, html = outputs_text(cell.get("outputs", []))
            if plain or html:
                _outputs(ff, plain, html, where, (start, end), out_m)
                if _DIGIT.search(plain) or "<td" in html:
                    scan_views(ff, run_m, views, "executed", line_of)
    if unparsed:
        ff.warnings.append(f"{ff.rel}: {unparsed} code cell(s) are not valid Python 3; read as text only")


def _outputs(ff: FileFacts, plain: str, html: str, where: _Lines, span: tuple[int, int], matcher: Any) -> None:
    out_lines = plain.split("\n")
    start, end = span

    def out_line_of(n: int) -> int | None:
        return where.find(out_lines, start, end, n)

    if plain:
        scan_views(ff, matcher, Views.plain(plain), "output", out_line_of)
        for t in tables.text_tables(plain):
            for tag in tables.judge(t):
                ff.add(tag, out_line_of(t.line), "output", snippet(out_lines[t.line - 1]))
    if html and "<table" in html.lower():
        pos = where.text.find("<table", start, end)
        line = where.line(pos) if pos >= 0 else where.line(start)
        for t in tables.html_tables(html):
            for tag in tables.judge(t):
                ff.add(tag, line, "output", snippet(" | ".join(t.header)))


def cell_of(cells: list[tuple[int, int, int]], line: int) -> tuple[int, int | None] | None:
    """The cell (1-based) holding a JSON line of the notebook, and the line within the cell's source (None for
    its outputs or metadata); None when the notebook's layout cannot say (minified JSON, say)."""
    starts = [c[0] for c in cells]
    if not starts or any(b <= a for a, b in itertools.pairwise(starts)) or line < starts[0]:
        return None
    idx = bisect.bisect_right(starts, line) - 1
    _, first, n = cells[idx]
    within = line - first + 1 if first and first <= line < first + n else None
    return idx + 1, within
