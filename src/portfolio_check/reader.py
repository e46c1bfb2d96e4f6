"""Read one file, once, into compact facts: tag hits with lines, imports, dependencies and doc sections.

Nothing from the scanned repository is executed or imported: Python is parsed with ``ast``, notebooks as JSON,
manifests as TOML/JSON/INI/text. The file's text is dropped when this returns; only the facts are kept.
"""

from __future__ import annotations

import ast
import bisect
import configparser
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio_check import tomlread
from portfolio_check.rules import RoleMatcher, Rules

PY_EXT = {".py", ".pyi", ".pyw"}
JS_EXT = {".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".astro"}
CODE_EXT = PY_EXT | JS_EXT | {".sql", ".r", ".jl", ".scala", ".go", ".java", ".kt", ".rs"}
DOC_EXT = {".md", ".markdown", ".mdx", ".rst", ".adoc", ".qmd"}
CONFIG_EXT = {".yml", ".yaml", ".toml", ".cfg", ".ini", ".tf", ".hcl", ".conf", ".json", ".sh", ".bash", ".env"}
CONFIG_NAMES = {"dockerfile", "containerfile", "procfile", "makefile", "jenkinsfile", "justfile", "pipfile",
                "vagrantfile", "taskfile"}
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
JS_IMPORT = re.compile(
    r"""(?:\bimport\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?|\bexport\s+[\w*{}\s,]+?\s+from\s+|"""
    r"""\brequire\s*\(\s*|\bimport\s*\(\s*)["']([^"'\s]+)["']"""
)
REQ_LINE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")
HEADING_MD = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
#: CI lines that only install tools: naming pytest there is not running the tests
_INSTALL = re.compile(
    r"\b(?:pip3?|uv pip|pipx|poetry|conda|mamba|npm|pnpm|yarn|bun|apt(?:-get)?|brew)\s+(?:install|add|ci|i)\b"
)


@dataclass
class Section:
    """A markdown heading and the prose under it (up to the next heading of the same or higher level)."""

    line: int
    level: int
    title: str
    words: int = 0
    rationale: int = 0


@dataclass
class FileFacts:
    rel: str
    hits: list[tuple[str, int | None, str]] = field(default_factory=list)  # (tag, line, role)
    imports: list[tuple[str, int, str]] = field(default_factory=list)  # (module or npm package, line, role)
    deps: list[tuple[str, int | None, str]] = field(default_factory=list)  # (name, line, ecosystem)
    sections: list[Section] = field(default_factory=list)
    doc_words: int = 0
    doc_rationale: int = 0
    roles: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    binary: bool = False
    lines: int = 0


def file_kind(rel: str) -> str | None:
    """How a path is read: python, notebook, js, doc, ci, manifest, config, or None (path only)."""
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    ext = ("." + lower.rsplit(".", 1)[-1]) if "." in lower else ""
    if CI_PATH.match(rel):
        return "ci"
    if lower in {"pyproject.toml", "setup.cfg", "setup.py", "pipfile", "package.json", "environment.yml",
                 "environment.yaml", "conda.yml", "conda.yaml"} or REQ_TXT.search(rel):
        return "manifest"
    if ext == ".ipynb":
        return "notebook"
    if ext in PY_EXT:
        return "python"
    if ext in JS_EXT:
        return "js"
    if ext in CODE_EXT:
        return "code"
    if ext in DOC_EXT or (ext == ".txt" and DOC_TXT.search(name)):
        return "doc"
    if ext in CONFIG_EXT or lower in CONFIG_NAMES or lower.endswith(".dockerfile") \
            or (lower.startswith(("dockerfile", "containerfile")) and ext not in BINARY_LIKE_EXT):
        return "config"
    return None


class _LineCounter:
    """Line numbers of increasing offsets in one text without splitting it."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line


def _scan(ff: FileFacts, matcher: RoleMatcher, text: str, role: str, line_of: Any = None) -> None:
    """Record the first line of each tag the role's patterns find in ``text`` (once per tag and role)."""
    seen = {t for t, _, r in ff.hits if r == role}
    found = matcher.find(text, seen)
    if not found:
        return
    counter = _LineCounter(text)
    for tag, offset in sorted(found, key=lambda x: x[1]):
        line = counter.at(offset)
        ff.hits.append((tag, line_of(line) if line_of else line, role))


_IMPORT_STMT = re.compile(r"^[ \t]*(?:from[ \t]+\.*[\w.]*[ \t]+import\b|import[ \t]+\w)", re.MULTILINE)


def _triple_quoted_spans(source: str) -> list[tuple[int, int]]:
    """(start, end) of triple-quoted strings, found by pairing the quotes in order (a cheap stand-in for tokenize)."""
    spans: list[tuple[int, int]] = []
    pos, n = 0, len(source)
    while pos < n:
        a, b = source.find('"""', pos), source.find("'''", pos)
        opens = [x for x in (a, b) if x >= 0]
        if not opens:
            break
        start = min(opens)
        quote = source[start : start + 3]
        close = source.find(quote, start + 3)
        end = n if close < 0 else close + 3
        spans.append((start, end))
        pos = end
    return spans


def _python_imports(ff: FileFacts, source: str, role: str, line_of: Any = None) -> bool:
    """Record import statements, each parsed with ``ast``; False when one that looks like an import does not parse.

    Only the import statements are parsed (a full parse and walk of every file costs ~10x more), so imports are
    read even from a file with a syntax error elsewhere.
    """
    ok = True
    counter = _LineCounter(source)
    strings = _triple_quoted_spans(source) if ('"""' in source or "'''" in source) else []
    starts = [a for a, _ in strings]
    for m in _IMPORT_STMT.finditer(source):
        start = m.start()
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and start < strings[i][1]:  # "import x" in a docstring is a mention, not a use
            continue
        end = source.find("\n", start)
        end = len(source) if end < 0 else end
        stmt = source[start:end]
        if "(" in stmt and ")" not in stmt:  # from x import (a,\n b)
            close = source.find(")", end)
            end = close + 1 if close > 0 else end
        while source[start:end].rstrip().endswith("\\") and end < len(source):  # backslash continuation
            nxt = source.find("\n", end + 1)
            end = len(source) if nxt < 0 else nxt
        try:
            tree = ast.parse(source[start:end].strip())
        except (SyntaxError, ValueError):
            ok = False
            continue
        line = counter.at(start)
        at = line_of(line) if line_of else line
        for node in tree.body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    ff.imports.append((alias.name, at, role))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                ff.imports.append((node.module, at, role))
                for alias in node.names:
                    ff.imports.append((f"{node.module}.{alias.name}", at, role))
    return ok


def _js_imports(ff: FileFacts, text: str, role: str) -> None:
    counter = _LineCounter(text)
    for m in JS_IMPORT.finditer(text):
        spec = m.group(1)
        if spec.startswith((".", "/", "~", "@/", "#")):
            continue
        parts = spec.split("/")
        package = "/".join(parts[:2]) if spec.startswith("@") else parts[0]
        ff.imports.append((package, counter.at(m.start()), role))


def _doc_sections(ff: FileFacts, text: str, rationale: re.Pattern[str] | None, base_line: int = 0,
                  line_of: Any = None) -> None:
    """Headings with the word and rationale-term counts of the prose under each."""
    stack: list[Section] = []
    in_fence = False
    prev = ""
    for i, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip()
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            prev = ""
            continue
        if in_fence:
            continue
        m = HEADING_MD.match(line)
        level, title = (len(m.group(1)), m.group(2)) if m else (0, "")
        if not m and prev.strip() and re.fullmatch(r"(=+|-+)", line.strip()) and len(line.strip()) >= 3 \
                and not prev.lstrip().startswith(("-", "*", "|")):
            level, title = (1 if line.strip()[0] == "=" else 2), prev.strip()
        if level:
            at = line_of(i) if line_of else base_line + i
            sec = Section(at, level, title.strip("*_` ")[:120])
            ff.sections.append(sec)
            stack = [s for s in stack if s.level < level] + [sec]
            prev = line
            continue
        words = len(line.split())
        terms = len(rationale.findall(line)) if rationale is not None and words > 2 else 0
        ff.doc_words += words
        ff.doc_rationale += terms
        for sec in stack:
            sec.words += words
            sec.rationale += terms
        prev = line


def _find_line(text: str, needle: str, start: int = 0) -> int | None:
    pos = text.find(needle, start)
    return None if pos < 0 else text.count("\n", 0, pos) + 1


class Reader:
    """Reads files of one repository with one set of rules."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.rationale = rules.rationale

    def read(self, root: Path, rel: str, kind: str) -> FileFacts:
        ff = FileFacts(rel)
        try:
            with (root / rel).open("rb") as fh:
                data = fh.read()
        except OSError as exc:
            ff.warnings.append(f"{rel}: could not be read ({exc.strerror or exc}); its evidence is unknown")
            return ff
        if b"\0" in data[:8192]:
            ff.binary = True
            return ff
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            ff.warnings.append(f"{rel}: not valid UTF-8; read with replacement characters")
        del data
        if text.startswith("\ufeff"):
            text = text[1:]
        ff.lines = text.count("\n") + 1
        try:
            getattr(self, f"_read_{kind}")(ff, text)
        except Exception as exc:  # one odd file never ends a scan: it becomes "could not tell"
            ff.warnings.append(f"{rel}: could not be read ({type(exc).__name__}: {str(exc)[:80]}); its evidence is "
                               "unknown")
        return ff

    # --- one method per kind of file -------------------------------------------------------------------

    def _code_role(self, rel: str) -> str:
        return "test" if self.rules.is_test_path(rel) else "code"

    def _read_python(self, ff: FileFacts, text: str) -> None:
        role = self._code_role(ff.rel)
        ff.roles.add(role)
        if not _python_imports(ff, text, role):
            ff.warnings.append(f"{ff.rel}: an import statement does not parse; some imports unknown")
        _scan(ff, self.rules.matcher(role, ff.rel), text, role)

    def _read_js(self, ff: FileFacts, text: str) -> None:
        role = self._code_role(ff.rel)
        ff.roles.add(role)
        _js_imports(ff, text, role)
        _scan(ff, self.rules.matcher(role, ff.rel), text, role)

    def _read_code(self, ff: FileFacts, text: str) -> None:
        role = self._code_role(ff.rel)
        ff.roles.add(role)
        _scan(ff, self.rules.matcher(role, ff.rel), text, role)

    def _read_doc(self, ff: FileFacts, text: str) -> None:
        ff.roles.add("doc")
        _doc_sections(ff, text, self.rationale)
        _scan(ff, self.rules.matcher("doc", ff.rel), text, "doc")

    def _read_config(self, ff: FileFacts, text: str) -> None:
        ff.roles.add("config")
        _scan(ff, self.rules.matcher("config", ff.rel), text, "config")

    def _read_ci(self, ff: FileFacts, text: str) -> None:
        ff.roles.update(("ci", "config"))
        _scan(ff, self.rules.matcher("config", ff.rel), text, "config")
        # what CI really runs: drop comments and steps that only echo text (placeholders)
        kept = []
        for line in text.split("\n"):
            s = line.strip().lstrip("-").strip()
            if s.startswith("run:"):
                s = s[4:].strip()
            if s.startswith(("#", "//", "echo ", "echo\t", "- echo", "printf ", "Write-Host")) or _INSTALL.search(s):
                kept.append("")
            else:
                kept.append(line)
        _scan(ff, self.rules.matcher("ci", ff.rel), "\n".join(kept), "ci")

    def _read_notebook(self, ff: FileFacts, text: str) -> None:
        ff.roles.add("notebook")
        try:
            nb = json.loads(text)
            cells = nb.get("cells")
            if cells is None and isinstance(nb.get("worksheets"), list):  # nbformat 3
                cells = [c for ws in nb["worksheets"] for c in ws.get("cells", [])]
            if not isinstance(cells, list):
                raise ValueError("no cells")
        except (ValueError, AttributeError) as exc:
            ff.warnings.append(f"{ff.rel}: notebook is not valid JSON ({str(exc)[:80]}); its evidence is unknown")
            return
        starts = [m.start() for m in re.finditer(r'"cell_type"\s*:', text)]
        if len(starts) != len(cells):
            starts = [0] * len(cells)
        code_m = self.rules.matcher("notebook", ff.rel)
        doc_m = self.rules.matcher("doc", ff.rel)
        out_m = self.rules.matcher("output", ff.rel)
        unparsed = 0
        for idx, cell in enumerate(cells):
            if not isinstance(cell, dict):
                continue
            src = _join(cell.get("source", cell.get("input", "")))
            src_lines = src.split("\n")

            def line_of(n: int, _lines: list[str] = src_lines, _start: int = starts[idx]) -> int | None:
                if not 1 <= n <= len(_lines):
                    return _find_line(text, "", _start)
                needle = json.dumps(_lines[n - 1], ensure_ascii=False)[1:-1]
                found = _find_line(text, needle, _start) if needle.strip() else None
                if found is None:
                    found = _find_line(text, json.dumps(_lines[n - 1])[1:-1], _start)
                return found if found is not None else _find_line(text, "", _start)

            ctype = cell.get("cell_type")
            if ctype == "markdown":
                _doc_sections(ff, src, self.rationale, line_of=line_of)
                _scan(ff, doc_m, src, "doc", line_of)
            elif ctype == "code":
                code = "\n".join("" if ln.lstrip().startswith(("%", "!", "?")) else ln for ln in src_lines)
                _python_imports(ff, code, "notebook", line_of)
                try:  # cells are small: a full parse tells the reader which ones could not be read as Python
                    ast.parse(code)
                except (SyntaxError, ValueError):
                    unparsed += 1
                _scan(ff, code_m, code, "notebook", line_of)
                out_text = _outputs_text(cell.get("outputs", []))
                if out_text:
                    out_lines = out_text.split("\n")

                    def out_line_of(n: int, _lines: list[str] = out_lines, _start: int = starts[idx]) -> int | None:
                        needle = json.dumps(_lines[n - 1], ensure_ascii=False)[1:-1] if 1 <= n <= len(_lines) else ""
                        found = _find_line(text, needle, _start) if needle.strip() else None
                        return found if found is not None else _find_line(text, "", _start)

                    _scan(ff, out_m, out_text, "output", out_line_of)
        if unparsed:
            ff.warnings.append(f"{ff.rel}: {unparsed} code cell(s) are not valid Python 3; read as text only")

    def _read_manifest(self, ff: FileFacts, text: str) -> None:
        ff.roles.add("config")
        name = ff.rel.rsplit("/", 1)[-1].lower()
        try:
            if name == "pyproject.toml":
                _pyproject_deps(ff, text)
            elif name == "pipfile":
                data = tomlread.loads(text)
                for sect in ("packages", "dev-packages"):
                    for dep in data.get(sect, {}) or {}:
                        _add_dep(ff, text, dep, "pypi")
            elif name == "package.json":
                data = json.loads(text)
                for sect in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
                    for dep in (data.get(sect) or {}) if isinstance(data, dict) else {}:
                        _add_dep(ff, text, dep, "npm", quoted=True)
            elif name == "setup.cfg":
                cp = configparser.ConfigParser(interpolation=None)
                cp.read_string(text)
                reqs = cp.get("options", "install_requires", fallback="")
                for sect in cp.sections() if cp.has_section("options.extras_require") else []:
                    if sect == "options.extras_require":
                        reqs += "\n" + "\n".join(cp[sect].values())
                _req_lines(ff, text, reqs)
            elif name == "setup.py":
                for m in re.finditer(r"""["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;].*?)?["']""",
                                     _between(text, "install_requires", "]")):
                    _add_dep(ff, text, m.group(1), "pypi")
            elif name.startswith(("environment.", "conda.")):
                _req_lines(ff, text, "\n".join(
                    ln.strip()[2:].split("=")[0] for ln in text.split("\n") if ln.strip().startswith("- ")
                ))
            else:
                _req_lines(ff, text, text)
        except (tomlread.TOMLDecodeError, ValueError, TypeError, AttributeError, configparser.Error) as exc:
            ff.warnings.append(
                f"{ff.rel}: could not be parsed ({str(exc).splitlines()[0][:100]}); dependencies in it unknown"
            )
        if name in ("pyproject.toml", "setup.cfg", "package.json", "pipfile"):
            _scan(ff, self.rules.matcher("config", ff.rel), text, "config")


def _join(src: Any) -> str:
    if isinstance(src, list):
        return "".join(str(s) for s in src)
    return str(src or "")


def _outputs_text(outputs: Any) -> str:
    chunks: list[str] = []
    if not isinstance(outputs, list):
        return ""
    for out in outputs:
        if not isinstance(out, dict):
            continue
        if "text" in out:
            chunks.append(_join(out["text"]))
        data = out.get("data")
        if isinstance(data, dict):
            for mime in ("text/plain", "text/markdown"):
                if mime in data:
                    chunks.append(_join(data[mime]))
    return "\n".join(chunks)[:200_000]


def _between(text: str, start: str, end: str) -> str:
    i = text.find(start)
    if i < 0:
        return ""
    j = text.find(end, i)
    return text[i : j if j > 0 else len(text)]


def _add_dep(ff: FileFacts, text: str, name: str, eco: str, quoted: bool = False) -> None:
    ff.deps.append((name, _dep_line(text, name, quoted), eco))


def _dep_line(text: str, name: str, quoted: bool) -> int | None:
    """The line naming a dependency: a JSON key, the start of a requirement line, a quoted spec, or the bare name,
    always as a whole name (``prometheus-client`` is not ``prometheus-client-extra``)."""
    n = re.escape(name)
    end = r"(?![\w.-])"
    forms = ([rf'"{n}"\s*:'] if quoted else []) + [
        rf"(?im)^[ \t]*(?:-[ \t]*)?[\"']?{n}{end}", rf"(?i)[\"']{n}{end}", rf"(?i)(?<![\w.-]){n}{end}"]
    for form in forms:
        m = re.search(form, text)
        if m is not None:
            return text.count("\n", 0, m.start()) + 1
    return None


def _req_lines(ff: FileFacts, text: str, block: str) -> None:
    for raw in block.split("\n"):
        s = raw.split("#", 1)[0].strip() if not raw.strip().startswith(("git+", "http")) else raw.strip()
        if not s or s.startswith("-"):
            continue
        egg = EGG.search(s)
        m = egg or (None if s.startswith(("git+", "http")) else REQ_LINE.match(s))
        if m:
            _add_dep(ff, text, m.group(1), "pypi")


def _pyproject_deps(ff: FileFacts, text: str) -> None:
    data = tomlread.loads(text)
    names: list[str] = []
    project = data.get("project", {}) or {}
    for spec in project.get("dependencies", []) or []:
        names.append(str(spec))
    for group in (project.get("optional-dependencies", {}) or {}).values():
        names.extend(str(s) for s in group or [])
    for group in (data.get("dependency-groups", {}) or {}).values():
        names.extend(str(s) for s in group or [] if isinstance(s, str))
    poetry = (data.get("tool", {}) or {}).get("poetry", {}) or {}
    names.extend(str(k) for k in (poetry.get("dependencies", {}) or {}) if k.lower() != "python")
    names.extend(str(k) for k in (poetry.get("dev-dependencies", {}) or {}))
    for group in (poetry.get("group", {}) or {}).values():
        names.extend(str(k) for k in ((group or {}).get("dependencies", {}) or {}))
    for spec in names:
        m = REQ_LINE.match(spec)
        if m:
            _add_dep(ff, text, m.group(1), "pypi")
