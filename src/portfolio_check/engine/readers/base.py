"""What every reader shares: the facts one file yields, how a file's kind is decided, and matching a text's views.

A reader turns one file's text into compact facts (signals with a line and the matched text, imports,
dependencies, sections, commands) and drops the text. Nothing from the scanned repository is executed or
imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portfolio_check.engine.readers.views import Views
    from portfolio_check.engine.rules import RoleMatcher

PY_EXT = {".py", ".pyi", ".pyw"}
JS_EXT = {".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".astro"}
CODE_EXT = PY_EXT | JS_EXT | {".sql", ".r", ".jl", ".scala", ".go", ".java", ".kt", ".rs"}
DOC_EXT = {".md", ".markdown", ".mdx", ".rst", ".adoc", ".qmd"}
CONFIG_EXT = {".yml", ".yaml", ".toml", ".cfg", ".ini", ".tf", ".hcl", ".conf", ".json", ".sh", ".bash", ".env"}
CONFIG_NAMES = {"dockerfile", "containerfile", "procfile", "makefile", "jenkinsfile", "justfile", "pipfile",
                "vagrantfile", "taskfile", "gnumakefile"}
BINARY_LIKE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".pdf", ".webp", ".ico", ".drawio", ".excalidraw"}
DOC_TXT = re.compile(r"(readme|notes?|report|memo|writeup|postmortem|changelog|design|results?)", re.I)
REQ_TXT = re.compile(
    r"(^|/)(requirements[^/]*|[^/]*requirements|constraints[^/]*)\.(txt|in)$|(^|/)requirements/[^/]+\.(txt|in)$", re.I
)
CI_PATH = re.compile(
    r"^(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.gitlab/ci/.+\.ya?ml|\.circleci/config\.ya?ml|"
    r"azure-pipelines\.ya?ml|\.azure-pipelines/.+\.ya?ml|Jenkinsfile|\.travis\.ya?ml|bitbucket-pipelines\.ya?ml|"
    r"\.drone\.ya?ml|\.buildkite/.+\.ya?ml|\.woodpecker\.ya?ml|cloudbuild\.ya?ml|buildspec\.ya?ml)$"
)
MANIFEST_NAMES = {"pyproject.toml", "setup.cfg", "setup.py", "pipfile", "package.json", "environment.yml",
                  "environment.yaml", "conda.yml", "conda.yaml"}
SNIPPET_MAX = 160
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")

LineOf = Callable[[int], "int | None"]



@dataclass
class Section:
    """A markdown heading and the prose under it (up to the next heading of the same or higher level)."""

    line: int
    level: int
    title: str
    words: int = 0
    rationale: int = 0
    failure: int = 0  # cues of a write-up on what failed: a failure, its cause, its fix
    cause: int = 0
    fix: int = 0


@dataclass
class FileFacts:
    rel: str
    #: (tag, line, role, matched text, reason); an empty reason is the tag's reason in the rules
    hits: list[tuple[str, int | None, str, str, str]] = field(default_factory=list)
    imports: list[tuple[str, int, str, str]] = field(default_factory=list)  # (module or package, line, role, text)
    deps: list[tuple[str, int | None, str]] = field(default_factory=list)  # (name, line, ecosystem)
    sections: list[Section] = field(default_factory=list)
    doc_words: int = 0
    doc_rationale: int = 0
    doc_cues: dict[str, int] = field(default_factory=dict)  # failure/cause/fix cues over the whole document
    roles: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    binary: bool = False
    lines: int = 0
    provenance: str = "author"
    #: commands this file runs or defines, for following CI into scripts: (name or "", command, line)
    commands: list[tuple[str, str, int]] = field(default_factory=list)
    #: Python functions defined here (name, first line, last line) and names called anywhere in the file
    defs: list[tuple[str, int, int, str]] = field(default_factory=list)
    calls: set[str] = field(default_factory=set)
    #: folders the code reads documents from (an app's knowledge base), as written in the code
    data_dirs: set[str] = field(default_factory=set)
    #: a notebook's cells as (first JSON line, JSON line of source line 1 or 0 when the source is one string,
    #: source lines): how a JSON line becomes "cell N, line M" a reader can find
    cells: list[tuple[int, int, int]] = field(default_factory=list)
    _counts: dict[str, dict[str, int]] = field(default_factory=dict, repr=False)

    #: hits kept per tag in one file: enough to show where; a file with 10,000 tables keeps a handful
    MAX_PER_TAG = 8

    def add(self, tag: str, line: int | None, role: str, text: str = "", reason: str = "") -> None:
        counts = self._counts.setdefault(role, {})
        if counts.get(tag, 0) >= self.MAX_PER_TAG:
            return
        counts[tag] = counts.get(tag, 0) + 1
        self.hits.append((tag, line, role, text, reason))

    def tags_in(self, role: str) -> set[str]:
        """The tags already raised in ``role`` (a pattern's first match per file and role is enough)."""
        return set(self._counts.get(role, ()))


def file_kind(rel: str) -> str | None:
    """How a path is read: python, notebook, js, doc, ci, manifest, config, or None (path only)."""
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    ext = ("." + lower.rsplit(".", 1)[-1]) if "." in lower else ""
    if CI_PATH.match(rel):
        return "ci"
    if lower in MANIFEST_NAMES or REQ_TXT.search(rel):
        return "manifest"
    if ext == ".ipynb":
        return "notebook"
    if ext in (".csv", ".tsv", ".json"):
        from portfolio_check.engine.readers.results import is_result_file

        if is_result_file(rel):
            return "results"
        if ext != ".json":
            return None
    if ext in PY_EXT:
        return "python"
    if ext in JS_EXT:
        return "js"
    if ext in CODE_EXT:
        return "code"
    if ext in DOC_EXT or (ext == ".txt" and DOC_TXT.search(name)):
        return "doc"
    if ext in {".html", ".htm"}:
        return "config"
    if ext in CONFIG_EXT or lower in CONFIG_NAMES or lower.endswith(".dockerfile") \
            or (lower.startswith(("dockerfile", "containerfile")) and ext not in BINARY_LIKE_EXT):
        return "config"
    return None


def snippet(text: str) -> str:
    """One line of repository text, safe to print: controls removed, whitespace collapsed, trimmed."""
    if text.isascii() and text.isprintable() and "  " not in text:
        s = text.strip()  # nothing to remove or collapse (the common case: a plain line of code or prose)
    else:
        s = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    return s if len(s) <= SNIPPET_MAX else s[: SNIPPET_MAX - 1].rstrip() + "…"


def line_text(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


class LineCounter:
    """Line numbers of increasing offsets in one text without splitting it."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line


def scan_views(ff: FileFacts, matcher: RoleMatcher, views: Views, role: str, line_of: LineOf | None = None) -> None:
    """Record the first accepted match of each tag the role's patterns find (once per tag and role)."""
    seen = ff.tags_in(role)
    found = matcher.find(views, seen)
    if not found:
        return
    counter = LineCounter(views.raw)
    for m in sorted(found, key=lambda x: x.offset):
        line = counter.at(m.offset)
        ff.add(m.tag, line_of(line) if line_of else line, role, snippet(line_text(views.raw, m.offset)), m.reason)
