"""Portfolio layouts: where a scan's settings live and which projects a portfolio repository holds.

A portfolio is often one repository with a folder per project, or a hub repository pointing at project
repositories. Its ``projects`` setting lists them (folders of this repository and/or git URLs); without it, the
obvious layout (several top-level folders, each a project with its own README and code, holding nearly all of the
repository's code) is detected from the file list alone. Nothing here reads a file's content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: top-level folders that are parts of one project, never projects of a portfolio
NOT_PROJECTS = frozenset({
    "docs", "doc", "documentation", "tests", "test", "testing", "scripts", "tools", "examples", "example",
    "benchmarks", "bench", "site", "website", "assets", "static", "images", "img", "data", "config", "configs",
    "src", "lib", "build", "dist", "infra", "deploy", "deployment", ".github",
    # the tiers of one application
    "backend", "frontend", "server", "client", "api", "web", "webapp", "ui", "mobile", "worker", "workers",
    "services", "packages", "apps", "shared", "common", "core",
})
CODE_SUFFIXES = (".py", ".ipynb", ".js", ".jsx", ".ts", ".tsx", ".go", ".rs", ".java", ".kt", ".scala", ".r", ".jl",
                 ".cpp", ".c", ".cs", ".swift", ".rb")
#: a detected layout holds at least this share of the repository's code in its project folders
PROJECT_SHARE = 0.8


@dataclass(frozen=True)
class Project:
    """One project of a portfolio: a folder of the portfolio repository or a git URL (with an optional ref)."""

    source: str
    ref: str | None = None
    artifact: str | None = None
    name: str | None = None
    local: bool = True


@dataclass(frozen=True)
class Home:
    """Where a scan of local folders looks for its settings: from ``start`` up to ``top`` (the git work tree's top,
    or ``start`` itself outside git)."""

    start: Path
    top: Path


def home_of(paths: list[str]) -> Home | None:
    """The settings home of local folders scanned together: a single folder, or several folders of one git work
    tree (their common folder); None when they belong to different repositories."""
    from portfolio_check.engine import gitsafe

    resolved = []
    for p in paths:
        if not Path(p).is_dir():
            return None
        resolved.append(Path(os.path.realpath(p)))
    tops = set()
    for r in resolved:
        where = gitsafe.locate(r)
        tops.add(where.work_tree if isinstance(where, gitsafe.GitLocation) else None)
    if len(resolved) == 1:
        only = tops.pop()
        return Home(resolved[0], Path(os.path.realpath(only)) if only else resolved[0])
    if len(tops) != 1 or None in tops:
        return None
    top = Path(os.path.realpath(next(iter(tops))))  # type: ignore[arg-type]
    start = Path(os.path.commonpath([str(r) for r in resolved]))
    return Home(start, top) if start.is_relative_to(top) else None


MANIFESTS = ("requirements", "pyproject.toml", "setup.py", "setup.cfg", "package.json", "environment.yml",
             "environment.yaml", "pipfile", "dockerfile", "cargo.toml", "go.mod", "pom.xml", "build.gradle")
DOC_SUFFIXES = (".md", ".markdown", ".rst", ".pdf", ".ipynb", ".txt")


def may_hold_projects(root: Path) -> bool:
    """A quick look at the top-level folders only (no listing of the tree): could ``detect_projects`` find two?"""
    if (root / "src").is_dir() or (root / "setup.py").is_file():
        return False
    count = 0
    try:
        with os.scandir(root) as top:
            for d in top:
                skip = d.name.startswith((".", "_")) or d.name.lower() in NOT_PROJECTS
                if skip or not d.is_dir(follow_symlinks=False):
                    continue
                with os.scandir(d.path) as inside:
                    names = [e.name.lower() for e in inside if e.is_file(follow_symlinks=False)]
                if any(n.startswith("readme") for n in names) and any(n.startswith(MANIFESTS) for n in names):
                    count += 1
                    if count >= 2:
                        return True
    except OSError:
        return False
    return False


def detect_projects(root: Path, files: list[str]) -> list[str]:
    """Top-level folders that look like the projects of a portfolio repository, from its file list (repo-relative
    POSIX paths); [] when the repository looks like one project.

    At least two folders that each have their own README, code and dependency manifest (requirements, pyproject,
    package.json, a Dockerfile...) and together hold nearly all of the repository's code, and no package at the
    top; then folders with a README and documents but no code (a memo) join them.
    """
    readme: set[str] = set()
    manifest: set[str] = set()
    code: dict[str, int] = {}
    docs: dict[str, int] = {}
    total = 0
    for rel in files:
        low = rel.lower()
        top, sep, rest = rel.partition("/")
        is_code = low.endswith(CODE_SUFFIXES)
        total += is_code
        if not sep:
            continue
        name = rest.lower()
        if "/" not in rest:
            if name.startswith("readme"):
                readme.add(top)
            elif name.startswith(MANIFESTS):
                manifest.add(top)
        if is_code:
            code[top] = code.get(top, 0) + 1
        elif low.endswith(DOC_SUFFIXES):
            docs[top] = docs.get(top, 0) + 1
    if (root / "src").is_dir() or (root / "setup.py").is_file():
        return []  # a package at the top: one project with parts
    usable = {d for d in readme if d.lower() not in NOT_PROJECTS and not d.startswith((".", "_"))}
    coded = sorted(d for d in usable if code.get(d) and d in manifest)
    if len(coded) < 2 or sum(code[d] for d in coded) < PROJECT_SHARE * total:
        return []
    written = [d for d in usable if not code.get(d) and docs.get(d, 0) >= 2]  # README plus a document
    return sorted(coded + written)
