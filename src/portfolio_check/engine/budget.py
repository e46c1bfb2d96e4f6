"""The time one file may take to read.

Every reader is linear in its input; this bounds the rest. A file over budget becomes a warning ("could not
tell") instead of holding up a scan or a whole batch of them.
"""

from __future__ import annotations

import contextvars
import time

READ_BUDGET = 10.0
_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("read_deadline", default=float("inf"))


class OverBudget(Exception):
    """Reading one file took longer than READ_BUDGET."""


def start(seconds: float = READ_BUDGET) -> contextvars.Token[float]:
    return _deadline.set(time.monotonic() + seconds)


def end(token: contextvars.Token[float]) -> None:
    _deadline.reset(token)


def check() -> None:
    """Raise OverBudget when the file being read has used up its time."""
    if time.monotonic() > _deadline.get():
        raise OverBudget
