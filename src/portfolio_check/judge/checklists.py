"""Role checklists: load TOML data, validate it, and explain errors as ``FILE: item[3].weight: must be a number``.

Checklists never read repositories: they only name evidence kinds, levels, weights, sources and advice.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from portfolio_check import tomlread
from portfolio_check.resources import data_dir


class ChecklistError(Exception):
    """A checklist file that cannot be used; the message names the file, the item and the field."""


@dataclass(frozen=True)
class Source:
    file: str
    claim: str


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    evidence: tuple[str, ...]
    match: str
    level: str
    artifact: str | None
    weight: float
    advice: str
    source: Source


@dataclass(frozen=True)
class Checklist:
    id: str
    title: str
    description: str
    items: tuple[Item, ...]
    notebook_only_penalty: float
    path: str


_TYPE_WORDS = {"number": "a number", "integer": "a whole number", "string": "a string", "array": "a list",
               "object": "a table", "boolean": "true or false"}


def non_finite(data: Any) -> list[str]:
    """Where ``data`` holds a float that is nan or infinite (TOML allows both; JSON has neither), as ``a.b[0]``."""
    found: list[str] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:  # iterative: a deeply nested value is no RecursionError
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            found.append(_where(path))
        elif isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    return sorted(found)


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def did_you_mean(word: str, known: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest known word, or nothing when none is close."""
    import difflib

    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _explain(error: Any, prefix: str = "") -> str:
    """One jsonschema error as ``where: a short, human sentence`` (``prefix`` names the enclosing table)."""
    inner = _where(error.absolute_path)
    where = ".".join(p for p in (prefix, inner) if p).replace(".[", "[")
    v = error.validator
    if v == "type":
        expected = error.validator_value
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))
        msg = f"must be {words}"
    elif v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        msg = f"missing required field {missing!r}"
    elif v == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(known))
        msg = "unknown field " + ", ".join(repr(x) + did_you_mean(x, known) for x in extra)
    elif v == "oneOf" and all(isinstance(o, dict) and o.get("required") for o in error.validator_value):
        keys = [k for o in error.validator_value for k in o["required"]]
        msg = f"needs exactly one of {', '.join(repr(k) for k in keys)}"
    elif v == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        if where.endswith("]") and ".evidence[" in where:
            msg = f"{error.instance!r} is not a known evidence id (see `portfolio-check evidence`)"
        else:
            msg = f"must be one of: {choices} (got {error.instance!r})"
    elif v == "exclusiveMinimum":
        msg = f"must be greater than {error.validator_value}"
    elif v in ("minimum", "maximum"):
        msg = f"must be {'at least' if v == 'minimum' else 'at most'} {error.validator_value}"
    elif v == "pattern":
        msg = f"{error.instance!r} does not have the expected form ({error.schema.get('description', v)})"
    elif v in ("minItems", "minLength"):
        msg = "must not be empty"
    elif v == "const":
        msg = f"must be {error.validator_value!r}"
    else:
        msg = error.message
    return f"{where}: {msg}" if where else msg


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    schema = json.loads((data_dir("schemas") / "checklist.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def parse_checklist(text: str, name: str, known_evidence: tuple[str, ...] | None = None,
                    validate: bool = True) -> Checklist:
    """Validate and build one checklist; raise ChecklistError with every problem, one per line.

    ``validate=False`` is for the bundled checklists only: the test suite validates them against the schema, so
    a scan does not pay for importing jsonschema.
    """
    try:
        data = tomlread.loads(text)
    except tomlread.TOMLDecodeError as exc:
        raise ChecklistError(f"{name}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ChecklistError(f"{name}: not valid TOML: nested too deeply") from None
    errors = sorted(_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)) \
        if validate else []
    problems = [f"{name}: {where}: must be a finite number" for where in non_finite(data)]
    problems += [f"{name}: {_explain(e)}" for e in errors]
    if not problems:
        seen: set[str] = set()
        for i, item in enumerate(data["item"]):
            if item["id"] in seen:
                problems.append(f"{name}: item[{i}].id: {item['id']!r} is used twice")
            seen.add(item["id"])
            if item.get("match") == "all" and len(item["evidence"]) < 2:
                problems.append(f"{name}: item[{i}].match: 'all' needs at least two evidence ids")
            for j, ev in enumerate(item["evidence"]):
                if known_evidence is not None and ev not in known_evidence:
                    problems.append(f"{name}: item[{i}].evidence[{j}]: {ev!r} is not a known evidence id")
    if problems:
        raise ChecklistError("\n".join(problems))
    return Checklist(
        id=data["id"], title=data["title"], description=data["description"],
        notebook_only_penalty=float(data.get("notebook_only_penalty", 0)), path=name,
        items=tuple(
            Item(id=x["id"], title=x["title"], evidence=tuple(x["evidence"]), match=x.get("match", "any"),
                 level=x.get("level", "strong"), artifact=x.get("artifact"), weight=float(x["weight"]),
                 advice=x["advice"], source=Source(x["source"]["file"], x["source"]["claim"]))
            for x in data["item"]
        ),
    )


def load_checklist(path: str | Path, known_evidence: tuple[str, ...] | None = None,
                   validate: bool = True) -> Checklist:
    from portfolio_check.safeio import CHECKLIST_LIMIT, UnsafeFile, read_text_capped

    try:
        text = read_text_capped(path, CHECKLIST_LIMIT)
    except FileNotFoundError:
        raise ChecklistError(f"{path}: no such file") from None
    except UnsafeFile as exc:
        raise ChecklistError(f"{path}: refused: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(f"{path}: cannot read ({exc})") from None
    return parse_checklist(text, str(path), known_evidence, validate)


#: bundled roles, in the order reports list them
ROLE_ORDER = ("ai-engineer", "ml-engineer", "bridge", "swe-to-ai", "ai-to-mle", "mle-to-ai")


@lru_cache(maxsize=1)
def bundled_checklists() -> tuple[Checklist, ...]:
    from portfolio_check.engine.rules import bundled_rules

    known = bundled_rules().evidence_ids
    folder = data_dir("checklists")
    found = {p.stem: load_checklist(p, known, validate=False) for p in sorted(folder.glob("*.toml"))}
    ordered = [found.pop(r) for r in ROLE_ORDER if r in found]
    return tuple(ordered + [found[k] for k in sorted(found)])


@dataclass(frozen=True)
class Article:
    title: str
    author: str | None = None

    def cite(self) -> str:
        return f"“{self.title}”" + (f", {self.author}" if self.author else "")


@lru_cache(maxsize=1)
def articles() -> dict[str, Article]:
    """The hiring articles items cite (checklists/sources/articles.toml), by file name."""
    path = data_dir("checklists") / "sources" / "articles.toml"
    try:
        data = tomlread.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomlread.TOMLDecodeError):
        return {}
    return {s["file"]: Article(s["title"], s.get("author")) for s in data.get("source", [])}


def cite(source: Source) -> str:
    """An item's source as a reader can follow it: the article's title (and author), never a file name."""
    article = articles().get(source.file)
    return article.cite() if article else source.file


def find_item(item_id: str, checklists: tuple[Checklist, ...]) -> tuple[Checklist, Item] | None:
    for cl in checklists:
        for item in cl.items:
            if item.id == item_id:
                return cl, item
    return None
