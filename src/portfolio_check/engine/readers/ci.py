"""CI workflows and the files they may call: what CI runs (comments, installs and echo-only steps dropped), and
the commands of Makefiles, justfiles, shell scripts and tox files, kept so a CI step can be followed into them."""

from __future__ import annotations

import re

from portfolio_check.engine.readers.base import FileFacts, scan_views
from portfolio_check.engine.readers.views import Views
from portfolio_check.engine.rules import Rules

#: CI lines that only install tools: naming pytest there is not running the tests
INSTALL = re.compile(
    r"\b(?:pip3?|uv pip|pipx|poetry|conda|mamba|npm|pnpm|yarn|bun|apt(?:-get)?|brew)\s+(?:install|add|ci|i)\b"
)
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9_.%/-]{1,100})(?:\s+[A-Za-z0-9_.%/-]{1,100}){0,20}\s*:(?![=:])")
_JUST_RECIPE = re.compile(r"^@?([A-Za-z0-9_-]{1,100})(?:\s+[^:\n]{0,200})?:(?![=])")
MAX_COMMANDS = 500


def ci_commands(text: str) -> list[tuple[str, int]]:
    """The lines a CI file runs, with their line numbers (comments, installs and echo-only lines left out)."""
    out: list[tuple[str, int]] = []
    for i, line in enumerate(text.split("\n"), start=1):
        s = line.strip().lstrip("-").strip()
        for key in ("run:", "script:", "command:", "cmd:"):
            if s.startswith(key):
                s = s[len(key):].strip()
        s = s.strip("'\"|>").strip()
        if not s or s.startswith(("#", "//", "echo ", "echo\t", "- echo", "printf ", "Write-Host")) \
                or INSTALL.search(s):
            continue
        out.append((s[:2000], i))
        if len(out) >= MAX_COMMANDS:
            break
    return out


def read_ci(ff: FileFacts, text: str, rules: Rules) -> None:
    ff.roles.update(("ci", "config"))
    scan_views(ff, rules.matcher("config", ff.rel), Views.plain(text), "config")
    kept = ci_commands(text)
    lines = [""] * (text.count("\n") + 1)
    for cmd, i in kept:
        lines[i - 1] = cmd
        ff.commands.append(("", cmd, i))
    scan_views(ff, rules.matcher("ci", ff.rel), Views.plain("\n".join(lines)), "ci")


def read_config(ff: FileFacts, text: str, rules: Rules) -> None:
    ff.roles.add("config")
    scan_views(ff, rules.matcher("config", ff.rel), Views.plain(text), "config")
    name = ff.rel.rsplit("/", 1)[-1].lower()
    if name in ("makefile", "gnumakefile") or name.endswith(".mk"):
        _recipes(ff, text, "make", _MAKE_TARGET, tab_only=True)
    elif name == "justfile":
        _recipes(ff, text, "just", _JUST_RECIPE, tab_only=False)
    elif name.endswith((".sh", ".bash")):
        for i, line in enumerate(text.split("\n"), start=1):
            s = line.strip()
            if s and not s.startswith("#") and len(ff.commands) < MAX_COMMANDS:
                ff.commands.append((f"sh:{ff.rel}", s[:2000], i))
    elif name == "tox.ini":
        in_commands = False
        for i, line in enumerate(text.split("\n"), start=1):
            s = line.strip()
            if s.startswith("commands"):
                in_commands, s = True, s.split("=", 1)[-1].strip()
            elif s.startswith("[") or (s and not line[:1].isspace() and "=" in s):
                in_commands = False
            if in_commands and s and len(ff.commands) < MAX_COMMANDS:
                ff.commands.append(("tox", s[:2000], i))


def _recipes(ff: FileFacts, text: str, tool: str, target: re.Pattern[str], tab_only: bool) -> None:
    current: list[str] = []
    for i, line in enumerate(text.split("\n"), start=1):
        if len(ff.commands) >= MAX_COMMANDS:
            return
        if line[:1] in ("\t", " ") and current:
            if tab_only and not line.startswith("\t"):
                continue
            cmd = line.strip().lstrip("@-").strip()
            if cmd and not cmd.startswith("#"):
                for name in current:
                    ff.commands.append((f"{tool}:{name}", cmd[:2000], i))
        else:
            m = target.match(line)
            if m and not line.startswith((".PHONY", "#")):
                current = line.split(":", 1)[0].split()[:20]
            elif line.strip() and not line.startswith("#"):
                current = []
