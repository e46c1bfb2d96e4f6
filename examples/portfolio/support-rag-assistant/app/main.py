"""FastAPI entry point: POST /ask and GET /healthz."""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from fastapi import FastAPI, HTTPException
from openai import OpenAI

from app.agent import SupportAgent
from app.observability import LATENCY, REQUESTS, RETRIEVAL_TOP_SCORE
from app.retrieval import DocIndex
from app.schemas import AskRequest, AskResponse, Citation
from app.tools import ToolBox

logging.basicConfig(level=os.getenv("LOG_LEVEL", "INFO"), format="%(message)s")

app = FastAPI(title="Parcelly support assistant", version="0.4.0")

INDEX = DocIndex.load(Path(os.getenv("INDEX_DIR", "index")))
CLIENT = OpenAI()


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok", "chunks": len(INDEX.chunks)}


@app.post("/ask", response_model=AskResponse)
def ask(req: AskRequest) -> AskResponse:
    start = time.perf_counter()
    toolbox = ToolBox(INDEX, req.customer_id)
    agent = SupportAgent(CLIENT, toolbox)
    try:
        result, model, escalated = agent.answer(req.question)
    except Exception as exc:
        REQUESTS.labels(outcome="error").inc()
        raise HTTPException(status_code=503, detail="assistant unavailable, please retry") from exc
    finally:
        LATENCY.observe(time.perf_counter() - start)

    if toolbox.last_hits:
        RETRIEVAL_TOP_SCORE.observe(toolbox.last_hits[0].score)
    REQUESTS.labels(outcome="escalated" if escalated else "answered").inc()

    by_id = {h.chunk.chunk_id: h.chunk for h in toolbox.last_hits}
    citations = [
        Citation(chunk_id=cid, source=by_id[cid].source, snippet=by_id[cid].text[:240])
        for cid in result.citations
    ]
    return AskResponse(
        answer=result.answer,
        citations=citations,
        confidence=result.confidence,
        escalated=escalated,
        model=model,
        latency_ms=round((time.perf_counter() - start) * 1000, 1),
        usage=agent.usage,
    )
