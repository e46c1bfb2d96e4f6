"""The stack: which technologies a repository actually uses (imports them, or configures them with a file) and
which it only lists as dependencies, grouped as the hiring articles group them. The catalog is data
(engine/rules/stack.toml); job postings are read with the same entries (judge/jobfit.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from portfolio_check import tomlread
from portfolio_check.engine.globs import GlobSet
from portfolio_check.model import Location, StackItem
from portfolio_check.resources import rules_dir


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    side: str  # ai | ml | both: the loop a posting that asks for it leans to


@dataclass(frozen=True)
class Tech:
    name: str
    group: str
    modules: tuple[str, ...]
    dists: tuple[str, ...]
    npm: tuple[str, ...]
    files: tuple[str, ...]
    aliases: tuple[str, ...]


def _norm_dist(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class Catalog:
    def __init__(self, data: dict[str, Any]) -> None:
        self.groups = [Group(g["id"], g["title"], g["side"]) for g in data["group"]]
        self.techs = [Tech(t["name"], t["group"], tuple(t.get("modules", ())), tuple(t.get("dists", ())),
                           tuple(t.get("npm", ())), tuple(t.get("files", ())), tuple(t.get("aliases", ())))
                      for t in data["tech"]]
        self.phrases: list[tuple[str, tuple[str, ...]]] = [(p["kind"], tuple(p["words"]))
                                                            for p in data.get("phrase", [])]
        self.group_order = {g.id: i for i, g in enumerate(self.groups)}
        self._modules = {m: t for t in self.techs for m in t.modules}
        self._npm = {m: t for t in self.techs for m in t.npm}
        self._dists = {_norm_dist(d): t for t in self.techs for d in (*t.dists, *t.npm)}
        globbed = [(g, t) for t in self.techs for g in t.files]
        self._files = GlobSet([g for g, _ in globbed])
        self._tech_of = [t for _, t in globbed]
        self._module_cache: dict[str, Tech | None] = {}

    def by_module(self, module: str) -> Tech | None:
        """The technology an import names (a module or any of its parent packages; npm package names too)."""
        hit = self._module_cache.get(module, False)
        if hit is not False:
            return hit  # type: ignore[return-value]
        found = self._npm.get(module)
        name = module
        while found is None and name:
            found = self._modules.get(name)
            name = name.rpartition(".")[0]
        if found is None and (module.startswith("@") or "/" in module):  # an npm package's subpath
            parts = module.split("/")
            found = self._npm.get("/".join(parts[:2]) if module.startswith("@") else parts[0])
        self._module_cache[module] = found
        return found

    def by_dist(self, name: str) -> Tech | None:
        return self._dists.get(_norm_dist(name))

    def by_path(self, rel: str) -> list[Tech]:
        return [self._tech_of[i] for i in self._files.matching(rel)]

    def group(self, gid: str) -> Group:
        return next(g for g in self.groups if g.id == gid)


@cache
def catalog() -> Catalog:
    return Catalog(tomlread.loads((rules_dir() / "stack.toml").read_text(encoding="utf-8")))


class StackFacts:
    """What one repository shows of each technology: the first place it is used, the first place it is listed."""

    def __init__(self) -> None:
        self.used: dict[str, Location] = {}
        self.listed: dict[str, Location] = {}
        self.cat = catalog()

    def add_import(self, module: str, path: str, line: int | None, text: str) -> None:
        tech = self.cat.by_module(module)
        if tech is not None and tech.name not in self.used:
            self.used[tech.name] = Location(path, line, text)

    def add_dependency(self, name: str, path: str, line: int | None) -> None:
        tech = self.cat.by_dist(name)
        if tech is not None and tech.name not in self.listed:
            self.listed[tech.name] = Location(path, line, name)

    def add_path(self, rel: str) -> None:
        for tech in self.cat.by_path(rel):
            if tech.name not in self.used:
                self.used[tech.name] = Location(rel, None, "")

    def items(self) -> tuple[StackItem, ...]:
        techs = {t.name: t for t in self.cat.techs}
        out = [StackItem(name, techs[name].group, "used", loc) for name, loc in self.used.items()]
        out += [StackItem(name, techs[name].group, "listed", loc) for name, loc in self.listed.items()
                if name not in self.used]
        return tuple(sorted(out, key=lambda s: (self.cat.group_order.get(s.group, 99), s.name.lower())))
