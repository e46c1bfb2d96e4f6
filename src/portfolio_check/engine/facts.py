"""Facts about one repository, gathered file by file and kept compact (a few hits per tag, never file text)."""

from __future__ import annotations

from dataclasses import dataclass, field

from portfolio_check.engine.readers.reader import JS_EXT, FileFacts
from portfolio_check.engine.rules import Library, Rules

MAX_HITS_PER_TAG = 40
ROLE_ORDER = {"code": 0, "notebook": 1, "config": 2, "ci": 3, "test": 4, "doc": 5, "output": 6, "path": 7}


@dataclass(frozen=True, order=True)
class Hit:
    """Where one tag was seen."""

    path: str
    line: int | None
    role: str
    experimental: bool = False

    def key(self) -> tuple[bool, int, str, int]:
        return (self.experimental, ROLE_ORDER.get(self.role, 9), self.path, self.line or 0)


@dataclass
class RepoFacts:
    rules: Rules
    local_modules: frozenset[str] = frozenset()
    top_dirs: frozenset[str] = frozenset()
    hits: dict[str, list[Hit]] = field(default_factory=dict)
    used_library_tags: set[str] = field(default_factory=set)
    deps: list[tuple[str, str, int | None, str]] = field(default_factory=list)  # (name, path, line, ecosystem)
    warnings: list[str] = field(default_factory=list)
    role_files: dict[str, int] = field(default_factory=dict)
    files_seen: int = 0
    files_read: int = 0
    binary_named_as_text: list[str] = field(default_factory=list)
    _lib_cache: dict[tuple[str, str], list[Library]] = field(default_factory=dict)

    def add_hit(self, tag: str, hit: Hit) -> None:
        bucket = self.hits.setdefault(tag, [])
        if len(bucket) < MAX_HITS_PER_TAG and hit not in bucket:
            bucket.append(hit)

    def add_path(self, rel: str, size: int = 1) -> None:
        self.files_seen += 1
        if size == 0:  # an empty file shows nothing, whatever its name
            return
        exp = self.rules.is_experimental(rel)
        for sig in self.rules.path_tags(rel):
            self.add_hit(sig.tag, Hit(rel, None, "path", exp))

    def add_file(self, ff: FileFacts) -> None:
        self.files_read += 1
        self.warnings.extend(ff.warnings)
        if ff.binary:
            self.binary_named_as_text.append(ff.rel)
            return
        for role in ff.roles:
            self.role_files[role] = self.role_files.get(role, 0) + 1
        exp = self.rules.is_experimental(ff.rel)
        for tag, line, role in ff.hits:
            self.add_hit(tag, Hit(ff.rel, line, role, exp))
        is_js = "." + ff.rel.rsplit(".", 1)[-1].lower() in JS_EXT
        for module, line, role in ff.imports:
            for lib in self._libraries(module, is_js):
                self.used_library_tags.add(lib.tag)
                if role in lib.roles:
                    self.add_hit(lib.tag, Hit(ff.rel, line, role, exp))
        for name, line, eco in ff.deps:
            self.deps.append((name, ff.rel, line, eco))

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
        """Dependencies listed but never imported raise ``<tag>@listed``."""
        for name, path, line, eco in self.deps:
            if eco == "pypi-freeze":  # an environment dump lists what was installed, not what was chosen
                continue
            libs = self.rules.library_for_npm(name) if eco == "npm" else self.rules.library_for_dist(name)
            for lib in libs:
                if lib.tag not in self.used_library_tags:
                    self.add_hit(f"{lib.tag}@listed", Hit(path, line, "config", False))

    def has(self, tag: str, include_experimental: bool = True) -> bool:
        return any(include_experimental or not h.experimental for h in self.hits.get(tag, ()))


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
