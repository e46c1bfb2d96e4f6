"""Facts about one repository, gathered file by file and kept compact (a few hits per tag, never file text).

After the last file, ``finish`` settles what needs the whole repository: dependencies never imported, documents
the code loads as data (an app's knowledge base, not the author's write-up), and what CI runs once its steps are
followed into the Makefiles, scripts and package scripts they call.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from portfolio_check.engine.provenance import AUTHOR, under
from portfolio_check.engine.readers.base import JS_EXT, FileFacts, file_kind, snippet
from portfolio_check.engine.readers.views import Views
from portfolio_check.engine.rules import Library, Rules
from portfolio_check.engine.structure import threads
from portfolio_check.engine.structure.stack import StackFacts

MAX_HITS_PER_TAG = 40
ROLE_ORDER = {"code": 0, "executed": 1, "notebook": 1, "config": 2, "ci": 3, "test": 4, "doc": 5, "output": 6,
              "path": 7}


@dataclass(frozen=True, order=True)
class Hit:
    """Where one tag was seen, and the text that matched (one trimmed line; empty for a path)."""

    path: str
    line: int | None
    role: str
    experimental: bool = False
    text: str = field(default="", compare=False)
    reason: str = field(default="", compare=False)

    def key(self) -> tuple[bool, int, str, int]:
        return (self.experimental, ROLE_ORDER.get(self.role, 9), self.path, self.line or 0)


@dataclass
class RepoFacts:
    rules: Rules
    local_modules: frozenset[str] = frozenset()
    top_dirs: frozenset[str] = frozenset()
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    stack: StackFacts = field(default_factory=StackFacts)  # technologies used or listed (engine/structure/stack.py)
    used_library_tags: set[str] = field(default_factory=set)
    deps: list[tuple[str, str, int | None, str]] = field(default_factory=list)  # (name, path, line, ecosystem)
    warnings: list[str] = field(default_factory=list)
    role_files: dict[str, int] = field(default_factory=dict)
    files_seen: int = 0
    files_read: int = 0
    binary_named_as_text: list[str] = field(default_factory=list)
    not_authored: dict[str, int] = field(default_factory=dict)  # provenance class -> files
    commands: list[tuple[str, str, str, int]] = field(default_factory=list)  # (file, name, command, line)
    data_dirs: set[str] = field(default_factory=set)
    #: names read anywhere outside experiment folders, and hits inside functions nothing may call
    refs: set[str] = field(default_factory=set)
    in_functions: list[tuple[str, Hit, str, bool]] = field(default_factory=list)  # (tag, hit, function, parked)
    notebook_cells: dict[str, list[tuple[int, int, int]]] = field(default_factory=dict)  # see FileFacts.cells
    _lib_cache: dict[tuple[str, str], list[Library]] = field(default_factory=dict)

    def add_hit(self, tag: str, hit: Hit) -> None:
        bucket = self.hits.setdefault(tag, [])
        if len(bucket) < MAX_HITS_PER_TAG and hit not in bucket:
            bucket.append(hit)

    def add_path(self, rel: str, size: int = 1, kind: str | bool | None = False) -> None:
        """A file's path as evidence (``kind``: the file's kind when the caller knows it already)."""
        self.files_seen += 1
        if size == 0:  # an empty file shows nothing, whatever its name
            return
        self.stack.add_path(rel)
        if kind is False:
            kind = file_kind(rel)
        if kind in (None, "doc") and self.rules.provenance.by_path(rel) is not None:
            return
        exp = self.rules.is_experimental(rel)
        for sig in self.rules.path_tags(rel):
            self.add_hit(sig.tag, Hit(rel, None, "path", exp, "", sig.reason))

    def add_file(self, ff: FileFacts) -> None:
        self.files_read += 1
        self.warnings.extend(ff.warnings)
        if ff.binary:
            self.binary_named_as_text.append(ff.rel)
            return
        if ff.provenance != AUTHOR:
            self.not_authored[ff.provenance] = self.not_authored.get(ff.provenance, 0) + 1
            return
        for role in ff.roles:
            self.role_files[role] = self.role_files.get(role, 0) + 1
        exp = self.rules.is_experimental(ff.rel)
        if not exp:
            self.refs |= ff.calls
        spans = sorted(d for d in ff.defs if d[3] in ("", "parked") and not _called_by_framework(d[0]))
        for tag, line, role, text, reason in ff.hits:
            hit = Hit(ff.rel, line, role, exp, text, reason)
            self.add_hit(tag, hit)
            if spans and role == "code" and line is not None and not exp:
                func = _enclosing(spans, line)
                if func is not None:
                    self.in_functions.append((tag, hit, func[0], func[3] == "parked"))
        is_js = "." + ff.rel.rsplit(".", 1)[-1].lower() in JS_EXT
        for module, line, role, text in ff.imports:
            self.stack.add_import(module, ff.rel, line, text)
            for lib in self._libraries(module, is_js):
                self.used_library_tags.add(lib.tag)
                if role in lib.roles:
                    self.add_hit(lib.tag, Hit(ff.rel, line, role, exp, text, lib.reason))
        for name, line, eco in ff.deps:
            self.stack.add_dependency(name, ff.rel, line)
            self.deps.append((name, ff.rel, line, eco))
        self.commands.extend((ff.rel, name, cmd, line) for name, cmd, line in ff.commands)
        self.data_dirs |= ff.data_dirs
        if ff.cells:
            self.notebook_cells[ff.rel] = ff.cells

    def _libraries(self, module: str, is_js: bool) -> list[Library]:
        key = ("js" if is_js else "py", module)
        if key not in self._lib_cache:
            if is_js:
                local = module.split("/")[0] in self.top_dirs
                found = [] if local else self.rules.library_for_npm(module)
            else:
                local = module.split(".")[0] in self.local_modules
                found = [] if local else self.rules.library_for_module(module)
            self._lib_cache[key] = found
        return self._lib_cache[key]

    def finish(self) -> None:
        self._veto()
        self._park_unused()
        self._drop_knowledge_base()
        self._listed_only()
        self._follow_ci()

    def _veto(self) -> None:
        """A tag's hits do not count in a file where its veto tag is raised, nor in the rest of that file's folder
        (an app's folder; at the top of the repository, only the file itself): the code says what it is for."""
        for tag, by in self.rules.vetoes:
            files = {h.path for h in self.hits.get(by, ())}
            if not files or tag not in self.hits:
                continue
            folders = {f.rsplit("/", 1)[0] for f in files if "/" in f}
            self.hits[tag] = [h for h in self.hits[tag] if h.path not in files and not under(h.path, folders)]

    def _park_unused(self) -> None:
        """Built and used, or defined and forgotten: a signal inside a function that no code outside experiment
        folders reads (or one marked experimental) counts like experiment code."""
        for tag, hit, func, parked in self.in_functions:
            if not parked and func in self.refs:
                continue
            bucket = self.hits.get(tag, [])
            for i, h in enumerate(bucket):
                if h == hit and not h.experimental:
                    why = "marked experimental" if parked else "never called"
                    bucket[i] = replace(h, experimental=True, reason=f"{h.reason or self.rules.reasons.get(tag, tag)}"
                                        f" (in {func}(), {why})")
        self.in_functions.clear()

    def _listed_only(self) -> None:
        """Dependencies listed but never imported raise ``<tag>@listed``."""
        for name, path, line, eco in self.deps:
            if eco == "pypi-freeze":  # an environment dump lists what was installed, not what was chosen
                continue
            libs = self.rules.library_for_npm(name) if eco == "npm" else self.rules.library_for_dist(name)
            for lib in libs:
                if lib.tag not in self.used_library_tags:
                    self.add_hit(f"{lib.tag}@listed", Hit(path, line, "config", False, name))

    def _drop_knowledge_base(self) -> None:
        """Write-ups inside folders the code loads documents from are the app's content, not the author's."""
        dirs = {d for d in self.data_dirs if d and not d.startswith(".")}
        if not dirs:
            return
        for tag, bucket in self.hits.items():
            kept = [h for h in bucket if not (h.role in ("doc", "path") and under(h.path, dirs))]
            if len(kept) != len(bucket):
                self.hits[tag] = kept

    def _follow_ci(self) -> None:
        """What CI runs, followed into make targets, package scripts, shell scripts and tox (``via`` tags)."""
        runs = threads.expand_ci(self.commands)
        if not runs:
            return
        matcher = self.rules.matcher("ci", ".github/workflows/followed.yml")
        for (path, line, step), commands in runs.items():
            text = "\n".join(commands)
            for m in matcher.find(Views.plain(text)):
                self.add_hit(m.tag, Hit(path, line, "ci", False, snippet(f"{step} → {_line_at(text, m.offset)}"),
                                        m.reason + " (through the scripts it calls)"))

    def has(self, tag: str, include_experimental: bool = True) -> bool:
        return any(include_experimental or not h.experimental for h in self.hits.get(tag, ()))


#: functions a runtime calls by convention, never by name in the repository
_CONVENTIONAL = frozenset({"forward", "main", "handler", "lambda_handler", "setup", "teardown", "call", "run",
                           "create_app", "get_app", "lifespan", "startup", "shutdown", "predict_step",
                           "training_step", "validation_step", "test_step", "configure_optimizers"})


def _called_by_framework(name: str) -> bool:
    return name in _CONVENTIONAL or name.startswith(("__", "on_", "test_"))


def _enclosing(spans: list[tuple[str, int, int, str]], line: int) -> tuple[str, int, int, str] | None:
    """The innermost function around ``line`` among ``spans`` (sorted by name; few per file)."""
    best: tuple[str, int, int, str] | None = None
    for span in spans:
        if span[1] <= line <= span[2] and (best is None or span[1] >= best[1]):
            best = span
    return best


def _line_at(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return text[start : end if end >= 0 else len(text)]


def local_module_names(paths: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """Top-level names a Python import or a bare JS import could resolve to inside the repository."""
    modules: set[str] = set()
    tops: set[str] = set()
    for rel in paths:
        parts = rel.split("/")
        if len(parts) > 1:
            tops.add(parts[0])
        name = parts[-1]
        if name.endswith(".py"):
            modules.add(name[:-3])
            if name == "__init__.py" and len(parts) > 1:
                modules.add(parts[-2])
    return frozenset(modules), frozenset(tops)
