"""Structured log lines for the assistant (no metrics backend yet: see README, "What's next")."""
from __future__ import annotations

import json
import logging
from contextlib import contextmanager

log = logging.getLogger("assistant")


class _Event:
    """A named event written as one JSON log line; `labels(...)` adds fields, like a metric would."""

    def __init__(self, name: str, fields: dict | None = None) -> None:
        self.name, self.fields = name, fields or {}

    def labels(self, **fields) -> "_Event":
        return _Event(self.name, {**self.fields, **fields})

    def inc(self, amount: float = 1) -> None:
        log.info(json.dumps({"event": self.name, "value": amount, **self.fields}))

    def observe(self, value: float) -> None:
        self.inc(round(value, 4))


REQUESTS = _Event("request")  # outcome: answered | escalated | error
LATENCY = _Event("request_seconds")
LLM_CALL_LATENCY = _Event("llm_call_seconds")
TOKENS = _Event("tokens")
FALLBACKS = _Event("fallback")
TOOL_CALLS = _Event("tool_call")
RETRIEVAL_TOP_SCORE = _Event("retrieval_top_score")


@contextmanager
def log_step(name: str, **fields):
    """Log the start of an LLM step or tool call (debug level)."""
    log.debug(json.dumps({"event": "step", "name": name, **fields}))
    yield


def record_usage(model: str, usage) -> None:
    if usage is None:
        return
    TOKENS.labels(model=model, kind="prompt").inc(usage.prompt_tokens)
    TOKENS.labels(model=model, kind="completion").inc(usage.completion_tokens)
