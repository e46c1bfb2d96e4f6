"""Configuration: ``[tool.portfolio-check]`` in pyproject.toml or ``.portfolio-check.toml``, validated by a schema.

Precedence: command-line flags, then ``--config FILE``, then the first scanned repository's own file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portfolio_check import tomlread
from portfolio_check.judge.verdict import Waiver
from portfolio_check.layout import Home, Project
from portfolio_check.resources import data_dir

CONFIG_FILE = ".portfolio-check.toml"


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    source: str | None = None
    roles: tuple[str, ...] = ()
    target: str | None = None  # the role build-next works toward
    fail_under: float | None = None
    exclude: tuple[str, ...] = ()
    checklists: tuple[str, ...] = ()
    max_file_size: str | None = None
    waivers: tuple[Waiver, ...] = field(default_factory=tuple)
    projects: tuple[Project, ...] = ()  # a portfolio repository's projects (folders resolved; URLs as given)
    notices: tuple[str, ...] = ()  # one line each: a repository's file that was not read, and why


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()  # a datetime where a date is wanted: the pattern rejects it
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def parse_config(data: dict[str, Any], source: str, prefix: str, contained: bool = False) -> Config:
    """Validate and build a configuration; ``contained``: its checklist paths must stay inside its folder."""
    import jsonschema

    from portfolio_check.judge.checklists import _explain, non_finite

    bad = non_finite(data)
    if bad:
        where = ".".join(x for x in (prefix, bad[0]) if x).replace(".[", "[")
        raise ConfigError(f"{source}: {where}: must be a finite number")
    schema = json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(_jsonable(data)),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise ConfigError("\n".join(f"{source}: {_explain(e, prefix)}" for e in errors))
    base = Path(source).parent
    if contained:
        top = base.resolve()
        for i, c in enumerate(data.get("checklists", ())):
            if not (base / c).resolve().is_relative_to(top):
                where = ".".join(x for x in (prefix, f"checklists[{i}]") if x)
                raise ConfigError(f"{source}: {where}: {c!r} is outside the repository")
    roles = tuple(data.get("roles", ())) + ((data["role"],) if "role" in data else ())
    waivers = []
    for i, w in enumerate(data.get("waivers", [])):
        until = w.get("until")
        if isinstance(until, str):
            try:
                until = dt.date.fromisoformat(until)
            except ValueError:
                where = ".".join(x for x in (prefix, f"waivers[{i}].until") if x)
                raise ConfigError(f"{source}: {where}: {until!r} is not a real date (YYYY-MM-DD)") from None
        waivers.append(Waiver(w["item"], w["reason"], until))
    projects = []
    for i, pr in enumerate(data.get("projects", [])):
        where = ".".join(x for x in (prefix, f"projects[{i}]") if x)
        if "path" in pr:
            folder = base / pr["path"]
            if contained and not folder.resolve().is_relative_to(base.resolve()):
                raise ConfigError(f"{source}: {where}.path: {pr['path']!r} is outside the repository")
            projects.append(Project(str(folder), None, pr.get("artifact"), pr.get("name"), local=True))
        else:
            projects.append(Project(pr["url"], pr.get("ref"), pr.get("artifact"), pr.get("name"), local=False))
    size = data.get("max-file-size")
    return Config(
        source=source, roles=roles, target=data.get("target"), fail_under=data.get("fail-under"),
        exclude=tuple(data.get("exclude", ())),
        checklists=tuple(str(base / c) for c in data.get("checklists", ())),
        max_file_size=None if size is None else str(size), waivers=tuple(waivers), projects=tuple(projects),
    )


def _read_toml(path: Path, inside: Path | None = None) -> dict[str, Any]:
    """A TOML file read through safeio: a regular file of at most 1 MiB (inside ``inside`` when given)."""
    from portfolio_check.safeio import CONFIG_LIMIT, UnsafeFile, read_text_capped

    try:
        return tomlread.loads(read_text_capped(path, CONFIG_LIMIT, inside=inside))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except UnsafeFile as exc:
        raise ConfigError(f"{path}: refused: {exc}") from None
    except tomlread.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None


def load_config_file(path: str | Path) -> Config:
    """An explicit ``--config FILE``: a .portfolio-check.toml, or a pyproject.toml with the tool table."""
    p = Path(path)
    data = _read_toml(p)
    if p.name == "pyproject.toml" or "tool" in data:
        tool = data.get("tool")
        table = tool.get("portfolio-check") if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: has no [tool.portfolio-check] table")
        return parse_config(table, str(path), "tool.portfolio-check")
    return parse_config(data, str(path), "")


def discover_config(home: Home) -> Config:
    """The settings of a scan of local folders, found as ruff finds its own: the nearest folder from ``home.start``
    up to the top of its git work tree with a ``.portfolio-check.toml`` or a ``pyproject.toml`` holding
    ``[tool.portfolio-check]``; an empty configuration when none has."""
    folder = home.start
    while True:
        found = find_config(folder, inside=home.top)
        if found.source is not None or found.notices or folder == home.top or not folder.is_relative_to(home.top):
            return found
        folder = folder.parent


def find_config(root: str | Path, inside: str | Path | None = None) -> Config:
    """The configuration in one folder, or an empty one.

    Its files are read only when they are regular files inside the repository (``inside``, default the folder),
    of at most 1 MiB: a link leading outside (or a FIFO, a device, a huge file) is a notice, and none of its
    content is read or shown.
    """
    r = Path(root)
    top = Path(inside) if inside is not None else r
    own = r / CONFIG_FILE
    if os.path.lexists(own):
        try:
            data = _read_toml(own, inside=top)
        except ConfigError as exc:
            if "refused:" not in str(exc):
                raise
            return Config(notices=(f"{exc}; the repository's settings were not read",))
        return parse_config(data, str(own), "", contained=True)
    py = r / "pyproject.toml"
    if os.path.lexists(py):
        try:
            data = _read_toml(py, inside=top)
        except ConfigError as exc:
            if "refused:" in str(exc):
                return Config(notices=(f"{exc}; the repository's settings were not read",))
            return Config()  # the scan reports a malformed pyproject.toml as a warning
        table = data.get("tool", {}).get("portfolio-check") if isinstance(data.get("tool"), dict) else None
        if isinstance(table, dict):
            return parse_config(table, str(py), "tool.portfolio-check", contained=True)
    return Config()
