"""BM25 keyword search over the same chunks, used as the retrieval baseline.

It exposes the same .search() as DocIndex so the agent and evals can swap it in.
"""
from __future__ import annotations

import re
from pathlib import Path

from rank_bm25 import BM25Okapi

from app.retrieval import Chunk, DocIndex, Hit

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = {"the", "a", "an", "and", "or", "to", "of", "in", "is", "i", "my", "do", "you", "for", "what", "how"}


def tokenize(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOP]


class BM25Index:
    def __init__(self, chunks: list[Chunk]):
        self.chunks = chunks
        self.bm25 = BM25Okapi([tokenize(f"{c.heading} {c.text}") for c in chunks])

    @classmethod
    def from_faiss_dir(cls, index_dir: Path) -> "BM25Index":
        # Reuse the chunking of the dense index so only the ranking differs.
        return cls(DocIndex.load(index_dir).chunks)

    def search(self, query: str, k: int = 5, min_score: float = 0.0) -> list[Hit]:
        scores = self.bm25.get_scores(tokenize(query))
        top = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)[:k]
        return [Hit(self.chunks[i], float(scores[i])) for i in top if scores[i] > min_score]
