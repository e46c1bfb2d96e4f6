"""Where bundled data lives: inside the wheel (``_data``) or, in a source checkout, at the repository top."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the bundled ``checklists`` or ``schemas`` folder."""
    for candidate in (_PKG / "_data" / name, _PKG.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled data folder {name!r} not found (is the package installed whole?)")


def rules_dir() -> Path:
    return _PKG / "engine" / "rules"
