import pytest

from app.retrieval import chunk_text, format_context, split_sections
from evals.bm25_baseline import BM25Index


def test_chunks_overlap_and_cover_text():
    text = " ".join(f"word{i}" for i in range(1000))
    chunks = chunk_text(text, size=200, overlap=50)
    assert len(chunks) > 1
    assert chunks[0].split()[-1] in chunks[1]  # overlap carries context across the boundary
    assert "word999" in chunks[-1]


def test_overlap_must_be_smaller_than_size():
    with pytest.raises(ValueError):
        chunk_text("abc", size=10, overlap=10)


def test_split_sections_keeps_headings():
    md = "# Returns\nIntro.\n## Window\n30 days.\n## Exceptions\nFinal sale items."
    assert [h for h, _ in split_sections(md)] == ["Returns", "Window", "Exceptions"]


def test_dense_search_finds_relevant_chunk(small_index):
    hits = small_index.search("return items within 30 days", k=1, min_score=0.0)
    assert hits[0].chunk.source == "returns.md"


def test_min_score_filters_unrelated_queries(small_index):
    assert small_index.search("zzz qqq", k=3, min_score=0.5) == []


def test_context_contains_citable_ids(small_index):
    ctx = format_context(small_index.search("password reset spam", k=2, min_score=0.0))
    assert "[account#0.0]" in ctx


def test_bm25_baseline_ranks_keyword_match_first(small_index):
    bm25 = BM25Index(small_index.chunks)
    assert bm25.search("customs Norway", k=1)[0].chunk.source == "shipping.md"
