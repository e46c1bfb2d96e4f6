"""Request/response models and the schema the model's final answer must match."""
from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

MAX_QUESTION_CHARS = 1500


class AskRequest(BaseModel):
    question: str = Field(..., min_length=3, max_length=MAX_QUESTION_CHARS)
    customer_id: str | None = Field(default=None, pattern=r"^C\d{6}$")

    @field_validator("question")
    @classmethod
    def strip_control_chars(cls, value: str) -> str:
        # Pasted tickets sometimes carry NULs and terminal escapes; drop them.
        cleaned = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
        return cleaned.strip()


class ModelAnswer(BaseModel):
    """What we ask the LLM to return (JSON mode). Anything else is rejected."""

    answer: str = Field(..., min_length=1)
    citations: list[str] = Field(default_factory=list)
    confidence: float = Field(..., ge=0.0, le=1.0)


class Citation(BaseModel):
    chunk_id: str
    source: str
    snippet: str


class AskResponse(BaseModel):
    answer: str
    citations: list[Citation]
    confidence: float
    escalated: bool
    model: str
    latency_ms: float
    usage: dict[str, int] = Field(default_factory=dict)
