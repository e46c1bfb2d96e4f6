import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.retrieval import Chunk, DocIndex  # noqa: E402


def fake_embedder(texts):
    """Deterministic bag-of-words hashing so tests need no API key."""
    out = np.zeros((len(texts), 64), dtype="float32")
    for row, text in enumerate(texts):
        for word in text.lower().split():
            out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
    return out


@pytest.fixture
def small_index():
    chunks = [
        Chunk("returns#0.0", "returns.md", "Return window", "You can return items within 30 days of delivery."),
        Chunk("shipping#0.0", "shipping.md", "Countries", "We ship to Norway; customs fees are paid on delivery."),
        Chunk("account#0.0", "account.md", "Password reset", "Reset emails can take 15 minutes; check spam."),
    ]
    vectors = fake_embedder([f"{c.heading}\n{c.text}" for c in chunks])
    return DocIndex(chunks, vectors, embedder=fake_embedder)
