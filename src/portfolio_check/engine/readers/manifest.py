"""Dependency manifests: pyproject.toml, setup.cfg, setup.py, Pipfile, requirements files, conda environments and
package.json. Each dependency keeps the line that names it, found through one index of the file's words (one
pass, however many dependencies)."""

from __future__ import annotations

import configparser
import json
import re

from portfolio_check import tomlread
from portfolio_check.engine.readers.base import FileFacts, scan_views
from portfolio_check.engine.readers.views import Views
from portfolio_check.engine.rules import Rules

REQ_LINE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")
_ENTRY_POINT = re.compile(r"[\w.]{1,200}:([A-Za-z_]\w{0,100})\b")
_WORD = re.compile(r"[A-Za-z0-9@][A-Za-z0-9._/@-]*")
_SETUP_REQ = re.compile(
    r"""["']([A-Za-z0-9][A-Za-z0-9._-]{0,200})\s{0,20}(?:\[[^\]\n]{0,200}\])?\s{0,20}(?:[<>=!~;][^"'\n]{0,200})?["']"""
)
#: packages nearly every environment pins as a dependency of a dependency: a requirements file pinning several of
#: them was written by `pip freeze`, not by a person choosing libraries
TRANSITIVE = frozenset({"certifi", "idna", "urllib3", "charset-normalizer", "typing-extensions", "typing_extensions",
                        "anyio", "sniffio", "h11", "packaging", "six", "python-dateutil", "pytz", "tzdata",
                        "attrs", "markupsafe", "pyyaml", "pydantic-core", "pydantic_core", "annotated-types",
                        "httpcore", "jinja2", "click", "filelock", "fsspec", "tqdm", "zipp", "wrapt",
                        "importlib-metadata", "protobuf", "grpcio", "frozenlist", "multidict", "yarl",
                        "aiosignal", "async-timeout", "distro", "jiter", "exceptiongroup", "pyparsing"})


class _WordLines:
    """The first line of each word of a text (lower-cased), built in one pass; a line where the word stands as a
    requirement (at the start of a line or of a quoted string) is preferred to a mention in a description."""

    def __init__(self, text: str) -> None:
        self.first: dict[str, int] = {}
        self.spec: dict[str, int] = {}
        line, pos = 1, 0
        for m in _WORD.finditer(text):
            line += text.count("\n", pos, m.start())
            pos = m.start()
            w = m.group().lower().strip("._/-")
            self.first.setdefault(w, line)
            before = text[max(0, m.start() - 1) : m.start()]
            line_start = text.rfind("\n", 0, m.start()) + 1
            if before in ("\"", "'") or not text[line_start : m.start()].strip(" \t-"):
                self.spec.setdefault(w, line)

    def line(self, name: str) -> int | None:
        n = name.lower()
        for key in (n, n.replace("_", "-"), n.replace("-", "_")):
            if key in self.spec:
                return self.spec[key]
        for key in (n, n.replace("_", "-"), n.replace("-", "_")):
            if key in self.first:
                return self.first[key]
        return None


def read_manifest(ff: FileFacts, text: str, rules: Rules) -> None:
    ff.roles.add("config")
    name = ff.rel.rsplit("/", 1)[-1].lower()
    words = _WordLines(text)

    def add(dep: str, eco: str) -> None:
        ff.deps.append((dep, words.line(dep), eco))

    try:
        if name == "pyproject.toml":
            for dep in _pyproject_deps(text):
                add(dep, "pypi")
        elif name == "pipfile":
            data = tomlread.loads(text)
            for sect in ("packages", "dev-packages"):
                for dep in data.get(sect, {}) or {}:
                    add(dep, "pypi")
        elif name == "package.json":
            data = json.loads(text)
            for sect in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
                for dep in (data.get(sect) or {}) if isinstance(data, dict) else {}:
                    add(dep, "npm")
            scripts = data.get("scripts") if isinstance(data, dict) else None
            if isinstance(scripts, dict):
                for key, cmd in scripts.items():
                    if isinstance(cmd, str):
                        ff.commands.append((f"npm:{key}", cmd[:2000], words.line(str(key)) or 1))
        elif name == "setup.cfg":
            cp = configparser.ConfigParser(interpolation=None)
            cp.read_string(text)
            reqs = cp.get("options", "install_requires", fallback="")
            if cp.has_section("options.extras_require"):
                reqs += "\n" + "\n".join(cp["options.extras_require"].values())
            for dep in _req_names(reqs):
                add(dep, "pypi")
        elif name == "setup.py":
            for m in _SETUP_REQ.finditer(_between(text, "install_requires", "]")):
                add(m.group(1), "pypi")
        elif name.startswith(("environment.", "conda.")):
            for dep in _req_names("\n".join(
                    ln.strip()[2:].split("=")[0] for ln in text.split("\n") if ln.strip().startswith("- "))):
                add(dep, "pypi")
        else:
            pinned = _req_lines(text)
            eco = "pypi-freeze" if _is_environment_dump(text, [d for d, _ in pinned]) else "pypi"
            ff.deps.extend((dep, line, eco) for dep, line in pinned)
    except (tomlread.TOMLDecodeError, ValueError, TypeError, AttributeError, RecursionError,
            configparser.Error) as exc:
        ff.warnings.append(
            f"{ff.rel}: could not be parsed ({str(exc).splitlines()[0][:100]}); dependencies in it unknown"
        )
    for m in _ENTRY_POINT.finditer(text):  # console scripts call their function by a string: "pkg.cli:train"
        ff.calls.add(m.group(1))
    if name in ("pyproject.toml", "setup.cfg", "package.json", "pipfile"):
        scan_views(ff, rules.matcher("config", ff.rel), Views.plain(text), "config")


def _between(text: str, start: str, end: str) -> str:
    i = text.find(start)
    if i < 0:
        return ""
    j = text.find(end, i)
    return text[i : j if j > 0 else len(text)]


def _is_environment_dump(text: str, names: list[str]) -> bool:
    """A requirements file that pins a whole environment (``pip freeze``): nearly every line pinned with ``==``,
    and either many lines or several packages nobody lists on purpose."""
    reqs = [ln for ln in (raw.split("#", 1)[0].strip() for raw in text.split("\n")) if ln and not ln.startswith("-")]
    pinned = sum(1 for ln in reqs if "==" in ln or " @ " in ln)
    if not reqs or pinned < 0.9 * len(reqs):
        return False
    transitive = sum(1 for n in names if n.lower() in TRANSITIVE)
    return len(reqs) >= 40 or (len(reqs) >= 12 and transitive >= 3)


def _req_names(block: str) -> list[str]:
    return [dep for dep, _ in _req_lines(block)]


def _req_lines(block: str) -> list[tuple[str, int]]:
    out = []
    for i, raw in enumerate(block.split("\n"), start=1):
        s = raw.split("#", 1)[0].strip() if not raw.strip().startswith(("git+", "http")) else raw.strip()
        if not s or s.startswith("-"):
            continue
        egg = EGG.search(s)
        m = egg or (None if s.startswith(("git+", "http")) else REQ_LINE.match(s))
        if m:
            out.append((m.group(1), i))
    return out


def _pyproject_deps(text: str) -> list[str]:
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
    out = []
    for spec in names:
        m = REQ_LINE.match(spec)
        if m:
            out.append(m.group(1))
    return out
