"""portfolio-check: scan AI/ML project repositories for the proof hiring managers look for."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
