"""One reader per kind of file. ``Reader.read`` opens a file once, decodes it, and hands its text to the reader of
its kind, which leaves compact facts (see base.py) and drops the text.

    python.py      Python source: imports, code shapes (ast), patterns on views without comments or strings
    javascript.py  JavaScript/TypeScript: package imports, patterns
    notebook.py    Jupyter notebooks: markdown cells, code cells, outputs tied to the cell that produced them
    markdown.py    write-ups: sections, tables, images, patterns on prose
    manifest.py    dependency manifests (and package.json scripts)
    ci.py          CI workflows, Makefiles, shell scripts, tox: what runs, for following CI into scripts
    results.py     committed result files (CSV, TSV, JSON reports of metrics) read as tables
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from portfolio_check.engine import budget
from portfolio_check.engine.readers.base import FileFacts, file_kind
from portfolio_check.engine.rules import Rules

__all__ = ["FileFacts", "Reader", "file_kind"]


class Reader:
    """Reads files of one repository with one set of rules."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules

    def read(self, root: Path, rel: str, kind: str) -> FileFacts:
        ff = FileFacts(rel)
        try:
            # a string path, not root / rel: a big repository opens tens of thousands of files
            with open(f"{root}{os.sep}{rel}", "rb") as fh:  # noqa: PTH123
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
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        ff.lines = text.count("\n") + 1
        if kind == "doc":  # who wrote it matters for write-ups; code and configs are the project's own
            ff.provenance = self.rules.provenance.classify(rel, text[:3000])
        if ff.provenance != "author":  # not the author's writing: its path is a fact, its content is not evidence
            return ff
        token = budget.start()
        try:
            self._dispatch(ff, text, kind)
        except budget.OverBudget:
            ff.hits.clear()
            ff.imports.clear()
            ff.warnings.append(f"{rel}: took more than {budget.READ_BUDGET:g} s to read and was left out; its "
                               "evidence is unknown")
        except RecursionError:
            ff.warnings.append(f"{rel}: nested too deeply to read; its evidence is unknown")
        except Exception as exc:  # one odd file never ends a scan: it becomes "could not tell"
            ff.warnings.append(f"{rel}: could not be read ({type(exc).__name__}: {str(exc)[:80]}); its evidence is "
                               "unknown")
        finally:
            budget.end(token)
        if ff.sections or ff.doc_words:
            from portfolio_check.engine.structure import writeups

            for tag, line, heading in writeups.judge(ff, self.rules):
                ff.add(tag, line, "doc", heading)
        return ff

    def _dispatch(self, ff: FileFacts, text: str, kind: str) -> None:
        ci, javascript, manifest, markdown, notebook, python, results, scan_views, views = _readers()
        rules = self.rules
        budget.check()
        role = "test" if rules.is_test_path(ff.rel) else "code"
        if kind == "python":
            python.read_python(ff, text, rules, role)
        elif kind == "js":
            javascript.read_js(ff, text, rules, role)
        elif kind == "code":
            ff.roles.add(role)
            scan_views(ff, rules.matcher(role, ff.rel), views.Views.plain(text), role)
        elif kind == "doc":
            ff.roles.add("doc")
            markdown.read_markdown(ff, text, rules)
        elif kind == "notebook":
            notebook.read_notebook(ff, text, rules)
        elif kind == "manifest":
            manifest.read_manifest(ff, text, rules)
        elif kind == "ci":
            ci.read_ci(ff, text, rules)
        elif kind == "results":
            results.read_results(ff, text, rules)
        else:
            ci.read_config(ff, text, rules)


_READERS: list[Any] = []


def _readers() -> list[Any]:
    """The reader modules, imported the first time a file is read (not on every file: a big repository has tens of
    thousands), and kept."""
    if not _READERS:
        from portfolio_check.engine.readers import ci, javascript, manifest, markdown, notebook, python, results, views
        from portfolio_check.engine.readers.base import scan_views

        _READERS.extend([ci, javascript, manifest, markdown, notebook, python, results, scan_views, views])
    return _READERS
