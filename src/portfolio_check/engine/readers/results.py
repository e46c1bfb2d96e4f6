"""Committed result files: CSV/TSV tables and JSON reports of metrics, read as tables (see structure/tables.py).

A project that writes its evaluation, backtest or benchmark to ``results/backtest.csv`` or ``metrics.json`` shows
its numbers there, not in prose. Only files whose name or folder says they hold results are read this way; the
first rows of a CSV and the numeric leaves of a JSON report are enough.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from portfolio_check.engine.readers.base import FileFacts, snippet
from portfolio_check.engine.rules import Rules
from portfolio_check.engine.structure import tables

RESULT_NAME = re.compile(
    r"(?i)(?:^|[/_.-])(?:results?|metrics?|evals?|evaluations?|benchmarks?|backtests?|scores?|leaderboard|"
    r"comparison|ablations?|summary|report)(?:[/_.-]|$)"
)
RESULT_EXT = (".csv", ".tsv", ".json")
MAX_ROWS = 400
MAX_JSON_ROWS = 200
MAX_DEPTH = 6


def is_result_file(rel: str) -> bool:
    lower = rel.lower()
    return lower.endswith(RESULT_EXT) and bool(RESULT_NAME.search(rel)) and not lower.endswith(
        ("package.json", "tsconfig.json", "package-lock.json", "composer.json"))


def read_results(ff: FileFacts, text: str, rules: Rules) -> None:
    ff.roles.add("output")
    is_json = ff.rel.lower().endswith(".json")
    table = _json_table(text) if is_json else _csv_table(text, ff.rel)
    if table is None:
        return
    line, shown = table.line, " | ".join(table.header)
    if is_json:  # a JSON report has no header line: point at the first object of numbers (or the first number)
        needles = [r[0] for r in table.rows] + list(table.header[1:2])
        found = next((p for p in (text.find(f'"{n}"') for n in needles) if p >= 0), -1)
        if found >= 0:
            start, end = text.rfind("\n", 0, found) + 1, text.find("\n", found)
            line, shown = text.count("\n", 0, found) + 1, text[start : end if end >= 0 else len(text)]
    for tag in tables.judge(table):
        ff.add(tag, line, "output", snippet(shown))


def _csv_table(text: str, rel: str) -> tables.Table | None:
    delimiter = "\t" if rel.lower().endswith(".tsv") else ","
    try:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        rows = []
        for row in reader:
            rows.append(tuple(c.strip()[: tables.MAX_CELL] for c in row[: tables.MAX_COLUMNS]))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error:
        return None
    if len(rows) < 2:
        return None
    return tables.Table(rows[0], tuple(rows[1:]), 1)


def _json_table(text: str) -> tables.Table | None:
    """One row per object that holds numbers (``{"baseline_majority": {"accuracy": 0.28}}`` -> a row named
    ``baseline_majority``), numeric leaves as columns."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    rows: list[tuple[str, dict[str, str]]] = []
    _collect(data, "result", rows, 0)
    if not rows:
        return None
    columns = list(dict.fromkeys(k for _, values in rows for k in values))[: tables.MAX_COLUMNS - 1]
    header = ("name", *columns)
    body = tuple((label, *(values.get(c, "") for c in columns)) for label, values in rows)
    return tables.Table(header, body, 1)


def _collect(node: Any, label: str, rows: list[tuple[str, dict[str, str]]], depth: int) -> None:
    if depth > MAX_DEPTH or len(rows) >= MAX_JSON_ROWS:
        return
    if isinstance(node, dict):
        numbers = {str(k): str(v) for k, v in node.items()
                   if isinstance(v, (int, float)) and not isinstance(v, bool)}
        if numbers:
            rows.append((label, numbers))
        for k, v in node.items():
            if isinstance(v, (dict, list)):
                _collect(v, str(k), rows, depth + 1)
    elif isinstance(node, list):
        for i, item in enumerate(node[:MAX_JSON_ROWS]):
            if isinstance(item, dict):
                name = next((str(v) for v in item.values() if isinstance(v, str) and len(v) <= 80), f"{label}[{i}]")
                _collect(item, name, rows, depth + 1)
