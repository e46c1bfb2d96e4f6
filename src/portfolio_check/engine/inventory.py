"""List the files of a repository that may be read, safely.

In a git work tree the files are those git tracks plus untracked ones it does not ignore; in a plain folder, a
walk that honours ``.gitignore`` files. Either way the same default excludes apply (virtualenvs, vendored and
build trees), symlinks that leave the root are skipped, and nothing is read here but ``.gitignore`` files.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from portfolio_check.engine import gitignore
from portfolio_check.engine.gitignore import GitIgnore

#: folder names that never hold the candidate's own evidence
EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages", "site-packages",
        "dist-packages", "venv", ".venv", "virtualenv", ".virtualenv", "env", ".env", "vendor", "vendors",
        "vendored", "third_party", "third-party", "thirdparty", "3rdparty", "__pycache__", ".mypy_cache",
        ".pytest_cache", ".ruff_cache", ".tox", ".nox", ".eggs", ".ipynb_checkpoints", "build", "dist",
        ".next", ".nuxt", ".svelte-kit", ".turbo", ".parcel-cache", ".cache", ".terraform", ".serverless",
        "htmlcov", "coverage", ".coverage", ".idea", ".gradle", "target", "wandb", "mlruns", ".dvc",
        "lightning_logs", ".yarn", ".pnpm-store",
    }
)
EXCLUDED_DIR_SUFFIXES = (".egg-info", ".dist-info")
#: files that are generated or vendored even when committed
EXCLUDED_FILE_GLOBS = (
    "*.min.js", "*.min.css", "*.map", "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
    "uv.lock", "Pipfile.lock", "*.lock", "bun.lockb",
)
#: folders of generated UI primitives copied in by a kit (shadcn/ui, Vercel ai-elements): not the author's work
VENDORED_PATH_GLOBS = ("components/ui/*", "*/components/ui/*", "components/ai-elements/*", "*/components/ai-elements/*",
                       # instructions for AI coding assistants: prompts to a tool, not the author's docs or code
                       ".github/agents/*", ".github/prompts/*", ".github/chatmodes/*", ".github/instructions/*",
                       ".github/copilot-instructions.md", ".specify/*", ".cursor/*", ".claude/*", ".windsurf/*",
                       ".continue/*", ".roo/*", ".clinerules*", ".cursorrules", "CLAUDE.md", "AGENTS.md", "GEMINI.md")


#: notebooks carry their plots as base64 outputs, so they get a larger allowance than other text files
NOTEBOOK_SIZE_FACTOR = 8


@dataclass(frozen=True)
class FileEntry:
    rel: str  # repo-relative POSIX path
    size: int
    too_large: bool = False  # over --max-file-size: its path is a fact, its content is not read


@dataclass
class Skipped:
    """What the inventory left out and why (counts, plus a few examples for warnings)."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # why git was not used, a .gitignore not read: warnings

    def add(self, why: str, rel: str) -> None:
        self.counts[why] = self.counts.get(why, 0) + 1
        ex = self.examples.setdefault(why, [])
        if len(ex) < 3:
            ex.append(rel)


def _excluded_dir(name: str) -> bool:
    return name in EXCLUDED_DIRS or name.endswith(EXCLUDED_DIR_SUFFIXES)


def _is_virtualenv(folder: str) -> bool:
    """Whether ``folder`` holds a virtualenv or conda environment (a string path: asked of thousands of folders)."""
    return os.path.isfile(os.path.join(folder, "pyvenv.cfg")) or os.path.isdir(  # noqa: PTH112,PTH113,PTH118
        os.path.join(folder, "conda-meta"))  # noqa: PTH118


def _excluded_by_glob(rel: str, globs: Iterable[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    rx = _glob_union(tuple(globs))
    return rx.match(name) is not None or rx.match(rel) is not None


@lru_cache(maxsize=64)
def _glob_union(globs: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for "matches any of these globs" (fnmatchcase semantics): compiled once, not a loop per file."""
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs) or r"(?!)")


def git_file_list(root: Path, skipped: Skipped | None = None) -> list[str] | None:
    """Paths git tracks plus untracked, non-ignored ones, relative to ``root``; None when git is not used.

    git is used only once its metadata passed :func:`gitsafe.locate`'s checks; otherwise, or when git fails or
    takes too long, the caller walks the folder and the reason becomes a warning.
    """
    from portfolio_check.engine import gitsafe

    where = gitsafe.locate(root)
    if where is None:
        return None
    if isinstance(where, gitsafe.Refusal):
        _note(skipped, f"git not used ({where.reason}): the folder was walked instead and no commit is reported")
        return None
    try:
        paths = gitsafe.list_files(where)
    except gitsafe.GitError as exc:
        _note(skipped, f"git could not list the files ({exc}): the folder was walked instead")
        return None
    return sorted(set(paths))


def _note(skipped: Skipped | None, text: str) -> None:
    if skipped is not None and text not in skipped.notes:
        skipped.notes.append(text)


def _scandir(path: str) -> tuple[list[str], list[str]]:
    """(folder names, other names) of one folder, like one step of ``os.walk``; empty when it cannot be read."""
    dirs: list[str] = []
    files: list[str] = []
    try:
        with os.scandir(path) as it:
            for entry in it:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                (dirs if is_dir else files).append(entry.name)
    except OSError:
        pass
    return dirs, files


def _iter_walk(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(root)`` top-down without recursion (a folder thousands of levels deep is no RecursionError).

    The caller prunes ``dirnames`` in place, as with ``os.walk``; links to folders are listed, never entered.
    """
    stack = [str(root)]
    while stack:
        top = stack.pop()
        dirs, files = _scandir(top)
        yield top, dirs, files
        below = (str(Path(top, d)) for d in reversed(dirs))
        stack.extend(p for p in below if not Path(p).is_symlink())


def _read_gitignore(path: Path, root: Path, rel: str, skipped: Skipped) -> str | None:
    from portfolio_check.safeio import IGNORE_LIMIT, UnsafeFile, read_capped

    try:
        return read_capped(path, IGNORE_LIMIT, inside=root).decode("utf-8", errors="replace")
    except UnsafeFile as exc:
        _note(skipped, f"{rel}: not read ({exc}); its rules were not applied")
    except OSError:
        pass
    return None


def _walk(root: Path, skipped: Skipped) -> Iterator[str]:
    ignore = GitIgnore()
    for dirpath, dirnames, filenames in _iter_walk(root):
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir
        gi = here / ".gitignore"
        if gi.is_file() and not gi.is_symlink():
            text = _read_gitignore(gi, root, f"{rel_dir}/.gitignore" if rel_dir else ".gitignore", skipped)
            if text is not None and not ignore.add_file(rel_dir, text):
                _note(skipped, f"more than {gitignore.MAX_IGNORE_RULES} .gitignore rules: the rest were not applied")
        keep = []
        for d in sorted(dirnames):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if (here / d).is_symlink():
                real = os.path.realpath(here / d)
                if not real.startswith(str(root) + os.sep):
                    skipped.add("symlink leaving the repository", rel + "/")
                continue  # never walk a linked folder: outside, it leaves the root; inside, it repeats files
            if _excluded_dir(d) or _is_virtualenv(str(here / d)):
                skipped.add("excluded folder", rel + "/")
            elif ignore.ignored(rel, True):
                skipped.add("ignored by .gitignore", rel + "/")
            else:
                keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            rel = f"{rel_dir}/{f}" if rel_dir else f
            if ignore.ignored(rel, False):
                skipped.add("ignored by .gitignore", rel)
            else:
                yield rel


@dataclass
class Listing:
    """A repository's files, judged one by one as ``entries`` is iterated: in path order when ``in_order`` (git
    lists its paths sorted; a walk does not), so reading can start before the last path is judged. ``listed`` is
    how many paths the listing holds before anything is left out (an upper bound of the entries)."""

    entries: Iterator[FileEntry]
    is_git: bool
    in_order: bool
    listed: int | None


def open_listing(
    root: Path, *, max_file_size: int, extra_excludes: Iterable[str] = (), skipped: Skipped | None = None
) -> Listing:
    """The files of ``root`` as a ``Listing``: regular files inside it, within the size limit, not excluded."""
    skipped = skipped if skipped is not None else Skipped()
    root = root.resolve()
    listed = git_file_list(root, skipped)
    if listed == []:  # git has nothing to say (e.g. a parent repository ignores this folder): walk it instead
        listed = None
    is_git = listed is not None
    candidates: Iterable[str] = listed if listed is not None else _walk(root, skipped)
    return Listing(_judged(root, candidates, is_git, max_file_size, tuple(extra_excludes), skipped), is_git, is_git,
                   len(listed) if listed is not None else None)


def list_files(
    root: Path, *, max_file_size: int, extra_excludes: Iterable[str] = (), skipped: Skipped | None = None
) -> tuple[list[FileEntry], bool]:
    """Return (entries in path order, is_git). Entries are regular files inside ``root`` within the size limit."""
    listing = open_listing(root, max_file_size=max_file_size, extra_excludes=extra_excludes, skipped=skipped)
    entries = list(listing.entries)
    if not listing.in_order:
        entries.sort(key=lambda e: e.rel)
    return entries, listing.is_git


def _judged(root: Path, candidates: Iterable[str], is_git: bool, max_file_size: int, extra: tuple[str, ...],
            skipped: Skipped) -> Iterator[FileEntry]:
    """The entries among ``candidates`` (paths relative to ``root``), in their order."""
    venv_cache: dict[str, bool] = {}
    root_str = str(root) + os.sep
    vendored = _glob_union(VENDORED_PATH_GLOBS)
    real_dirs: dict[str, str] = {"": str(root)}  # folder -> its real path, resolved once per folder
    excluded_folders: dict[str, bool] = {}
    for rel in candidates:
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError:  # a name that is not UTF-8 cannot be reported faithfully in JSON or markdown
            skipped.add("name not UTF-8", rel.encode("utf-8", "backslashreplace").decode("ascii", "replace"))
            continue
        folder = rel.rpartition("/")[0]
        excluded = excluded_folders.get(folder)
        if excluded is None:  # once per folder
            parts = folder.split("/") if folder else []
            excluded = excluded_folders[folder] = any(_excluded_dir(p) for p in parts) or (
                is_git and _under_virtualenv(root, [*parts, ""], venv_cache))
        if excluded:
            skipped.add("excluded folder", rel)
            continue
        if vendored.match(rel) is not None:
            skipped.add("excluded folder", rel)
            continue
        if _excluded_by_glob(rel, EXCLUDED_FILE_GLOBS) or (extra and _excluded_by_glob(rel, extra)):
            skipped.add("excluded file", rel)
            continue
        full = root_str + rel  # strings, not Path objects: this loop runs once per file of the repository
        try:
            st = os.lstat(full)
        except OSError:
            continue  # listed by git but deleted from the work tree
        # the file, or any folder above it, may be a link: only what really lies under the root is read
        if stat.S_ISLNK(st.st_mode):
            real = os.path.realpath(full)
        else:
            name = rel.rpartition("/")[2]
            above = real_dirs.get(folder)
            if above is None:
                above = _real_folder(folder, real_dirs)
            real = f"{above}{os.sep}{name}"
        if not real.startswith(root_str):
            skipped.add("symlink leaving the repository", rel)
            continue
        if stat.S_ISLNK(st.st_mode):
            try:
                st = Path(real).stat()
            except OSError:
                continue
        if not stat.S_ISREG(st.st_mode):
            if is_git and stat.S_ISDIR(st.st_mode):  # a gitlink: a submodule, a repository of its own
                skipped.add("submodule not scanned", rel)
            continue
        if extra and any(fnmatch.fnmatchcase(rel, g.rstrip("/") + "/*") for g in extra):
            skipped.add("excluded file", rel)
            continue
        limit = max_file_size * NOTEBOOK_SIZE_FACTOR if rel.endswith(".ipynb") else max_file_size
        if st.st_size > limit:
            skipped.add("over the size limit", rel)
            yield FileEntry(rel, st.st_size, too_large=True)
            continue
        yield FileEntry(rel, st.st_size)


def _real_folder(folder: str, known: dict[str, str]) -> str:
    """``os.path.realpath`` of a folder of the repository, from the nearest folder above it already resolved: one
    ``lstat`` per new folder (a link among them is resolved whole), not one per part of every path."""
    todo: list[str] = []
    here = folder
    while here not in known:
        todo.append(here)
        here = here.rpartition("/")[0]
    base = known[here]
    for here in reversed(todo):
        candidate = f"{base}{os.sep}{here.rpartition('/')[2]}"
        try:
            link = stat.S_ISLNK(os.lstat(candidate).st_mode)
        except OSError:
            link = False  # gone meanwhile: realpath would keep the name as it is
        base = known[here] = os.path.realpath(candidate) if link else candidate
    return base


def _under_virtualenv(root: Path, parts: list[str], cache: dict[str, bool]) -> bool:
    base = f"{root}{os.sep}"
    for i in range(1, len(parts)):
        key = "/".join(parts[:i])
        if key not in cache:
            cache[key] = _is_virtualenv(base + key)
        if cache[key]:
            return True
    return False
