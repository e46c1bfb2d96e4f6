"""Chunk the help-centre markdown, embed it, and search it with FAISS.

Build the index once:  python -m app.retrieval build docs/help_centre/ index/
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import faiss
import numpy as np
import tiktoken

EMBED_MODEL = "text-embedding-3-small"
CHUNK_TOKENS = 350
CHUNK_OVERLAP = 60


@lru_cache(maxsize=1)
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding("cl100k_base")


Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass
class Chunk:
    chunk_id: str
    source: str
    heading: str
    text: str


@dataclass
class Hit:
    chunk: Chunk
    score: float


def split_sections(markdown: str) -> list[tuple[str, str]]:
    """Split on ## headings so a chunk never straddles two help articles' sections."""
    parts = re.split(r"^(#{1,3} .+)$", markdown, flags=re.MULTILINE)
    sections, heading = [], ""
    for part in parts:
        if re.match(r"^#{1,3} ", part):
            heading = part.lstrip("# ").strip()
        elif part.strip():
            sections.append((heading, part.strip()))
    return sections


def chunk_text(text: str, size: int = CHUNK_TOKENS, overlap: int = CHUNK_OVERLAP) -> list[str]:
    if overlap >= size:
        raise ValueError("overlap must be smaller than chunk size")
    enc = _encoding()
    tokens = enc.encode(text)
    step = size - overlap
    return [enc.decode(tokens[i : i + size]) for i in range(0, max(len(tokens) - overlap, 1), step)]


def chunk_document(path: Path) -> list[Chunk]:
    chunks = []
    for s_idx, (heading, body) in enumerate(split_sections(path.read_text(encoding="utf-8"))):
        for c_idx, piece in enumerate(chunk_text(body)):
            chunks.append(Chunk(f"{path.stem}#{s_idx}.{c_idx}", path.name, heading, piece))
    return chunks


def openai_embedder(texts: Sequence[str]) -> np.ndarray:
    from openai import OpenAI

    client = OpenAI(timeout=15, max_retries=2)
    out = []
    for start in range(0, len(texts), 256):
        resp = client.embeddings.create(model=EMBED_MODEL, input=list(texts[start : start + 256]))
        out.extend(item.embedding for item in resp.data)
    return np.asarray(out, dtype="float32")


class DocIndex:
    """Inner-product FAISS index over L2-normalised embeddings (= cosine similarity)."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray, embedder: Embedder = openai_embedder):
        self.chunks = chunks
        self.embedder = embedder
        vectors = np.ascontiguousarray(vectors, dtype="float32")
        faiss.normalize_L2(vectors)
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(vectors)

    @classmethod
    def build(cls, doc_dir: Path, embedder: Embedder = openai_embedder) -> "DocIndex":
        chunks = [c for p in sorted(doc_dir.glob("*.md")) for c in chunk_document(p)]
        return cls(chunks, embedder([f"{c.heading}\n{c.text}" for c in chunks]), embedder)

    def search(self, query: str, k: int = 5, min_score: float = 0.25) -> list[Hit]:
        q = np.ascontiguousarray(self.embedder([query]), dtype="float32")
        faiss.normalize_L2(q)
        scores, ids = self.index.search(q, k)
        return [
            Hit(self.chunks[i], float(s))
            for s, i in zip(scores[0], ids[0])
            if i != -1 and s >= min_score
        ]

    def save(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(out_dir / "faiss.index"))
        (out_dir / "chunks.json").write_text(json.dumps([asdict(c) for c in self.chunks]))

    @classmethod
    def load(cls, out_dir: Path, embedder: Embedder = openai_embedder) -> "DocIndex":
        obj = cls.__new__(cls)
        obj.chunks = [Chunk(**c) for c in json.loads((out_dir / "chunks.json").read_text())]
        obj.index = faiss.read_index(str(out_dir / "faiss.index"))
        obj.embedder = embedder
        return obj


def format_context(hits: list[Hit]) -> str:
    """Context block handed to the model; ids in brackets are what it must cite."""
    return "\n\n".join(f"[{h.chunk.chunk_id}] ({h.chunk.heading})\n{h.chunk.text}" for h in hits)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "build":
        sys.exit("usage: python -m app.retrieval build DOC_DIR OUT_DIR")
    idx = DocIndex.build(Path(sys.argv[2]))
    idx.save(Path(sys.argv[3]))
    print(f"indexed {len(idx.chunks)} chunks from {sys.argv[2]}")
