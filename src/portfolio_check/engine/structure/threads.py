"""Following the thread from a CI step into what it calls.

CI often runs the tests or the evals through something else: ``make test``, ``npm test``, ``bash
scripts/unit_test.sh``, ``tox``. Each reader keeps the commands of the files that define them (make and just
recipes, package.json scripts, shell scripts, tox commands); here a CI step's command is expanded into the
commands it reaches, a few levels deep, so the rules that ask "does CI run the tests?" see what really runs.
"""

from __future__ import annotations

import re
from collections import defaultdict

MAX_DEPTH = 3
MAX_EXPANDED = 200

_MAKE = re.compile(r"\bmake\b((?:\s+-[A-Za-z]\s*\S+|\s+--?[\w-]+(?:=\S+)?)*)((?:\s+[A-Za-z0-9_.%/-]+)+)")
_JUST = re.compile(r"\bjust\s+([A-Za-z0-9_-]+)")
_NPM = re.compile(r"\b(?:npm|pnpm|yarn|bun)\s+(?:run(?:-script)?\s+)?([A-Za-z0-9_:.-]+)")
_SCRIPT = re.compile(r"(?:^|[\s;&|(])(?:(?:ba|z)?sh\s+|source\s+|\.\s+)?\.?/?([\w./-]+\.(?:sh|bash))\b")
_TOX = re.compile(r"(?:^|[\s;&|])(?:uvx\s+|pipx run\s+)?tox\b")
_NPM_BUILTIN = {"install", "ci", "i", "add", "exec", "x", "dlx", "create", "init", "publish", "audit", "outdated"}


def _refs(command: str) -> list[str]:
    """Keys of the commands ``command`` calls: ``make:test``, ``npm:test``, ``sh:scripts/x.sh``, ``tox``."""
    keys: list[str] = []
    for m in _MAKE.finditer(command):
        keys.extend(f"make:{t}" for t in m.group(2).split() if "=" not in t)
    keys.extend(f"just:{m.group(1)}" for m in _JUST.finditer(command))
    keys.extend(f"npm:{m.group(1)}" for m in _NPM.finditer(command) if m.group(1) not in _NPM_BUILTIN)
    keys.extend(f"sh:{m.group(1).lstrip('./')}" for m in _SCRIPT.finditer(command))
    if _TOX.search(command):
        keys.append("tox")
    return keys


def expand_ci(commands: list[tuple[str, str, str, int]]) -> dict[tuple[str, int, str], list[str]]:
    """For each CI step that calls something defined in the repository: (CI file, line, step) -> the commands
    it reaches. ``commands`` holds (file, name, command, line); CI steps have an empty name."""
    defined: dict[str, list[str]] = defaultdict(list)
    for path, name, cmd, _line in commands:
        if not name:
            continue
        if name.startswith("sh:"):
            defined[f"sh:{path}"].append(cmd)
        else:
            defined[name].append(cmd)
    if not defined:
        return {}
    scripts = [k for k in defined if k.startswith("sh:")]
    out: dict[tuple[str, int, str], list[str]] = {}
    for path, name, cmd, line in commands:
        if name:
            continue
        reached: list[str] = []
        seen: set[str] = set()
        frontier = [cmd]
        for _ in range(MAX_DEPTH):
            nxt: list[str] = []
            for c in frontier:
                for key in _refs(c):
                    for k in _resolve(key, defined, scripts):
                        if k in seen:
                            continue
                        seen.add(k)
                        nxt.extend(defined[k][:MAX_EXPANDED])
            if not nxt:
                break
            reached.extend(nxt)
            frontier = nxt
            if len(reached) >= MAX_EXPANDED:
                break
        if reached:
            out[(path, line, cmd[:80])] = reached[:MAX_EXPANDED]
    return out


def _resolve(key: str, defined: dict[str, list[str]], scripts: list[str]) -> list[str]:
    if key in defined:
        return [key]
    if key.startswith("sh:"):
        tail = key[3:]
        return [s for s in scripts if s == key or s.endswith("/" + tail)]
    return []
