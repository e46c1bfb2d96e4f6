"""Replay questions against a running API and report latency percentiles and cost.

    python bench/latency_bench.py --url http://localhost:8000 --n 500 --concurrency 8

Questions are sampled from QUESTIONS (anonymised ticket subjects) unless --questions is given.
Cost uses the token counts the API returns, priced per 1M tokens below.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from pathlib import Path

import httpx

# USD per 1M tokens (input, output), OpenAI list prices June 2024
PRICES = {"gpt-4o-mini": (0.15, 0.60), "gpt-4o": (5.00, 15.00)}
EMBED_PRICE = 0.02  # text-embedding-3-small, per 1M tokens; ~20 tokens per query

QUESTIONS = [
    "how do I return an item",
    "can I change my delivery address after ordering",
    "the reset password email is not arriving",
    "do you deliver to switzerland",
    "an item arrived damaged what do I do",
    "how long does a refund take to show on my card",
    "can I cancel an order that already shipped",
    "how do I delete my account",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    idx = min(int(round(q / 100 * (len(ordered) - 1))), len(ordered) - 1)
    return ordered[idx]


async def one(client: httpx.AsyncClient, url: str, question: str) -> dict:
    start = time.perf_counter()
    try:
        resp = await client.post(f"{url}/ask", json={"question": question}, timeout=30)
        body = resp.json() if resp.status_code == 200 else {}
    except httpx.HTTPError:
        body = {}
    return {"ms": (time.perf_counter() - start) * 1000, "ok": bool(body), **body}


async def run(url: str, questions: list[str], n: int, concurrency: int) -> list[dict]:
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient() as client:
        async def guarded(q):
            async with sem:
                return await one(client, url, q)
        return await asyncio.gather(*(guarded(random.choice(questions)) for _ in range(n)))


def cost_usd(row: dict) -> float:
    price_in, price_out = PRICES.get(row.get("model", "gpt-4o-mini"), PRICES["gpt-4o-mini"])
    usage = row.get("usage") or {}
    return (usage.get("prompt_tokens", 0) * price_in
            + usage.get("completion_tokens", 0) * price_out
            + 20 * EMBED_PRICE) / 1_000_000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://localhost:8000")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--questions", type=Path, help="one question per line")
    args = ap.parse_args()

    questions = QUESTIONS
    if args.questions:
        questions = [q for q in args.questions.read_text().splitlines() if q.strip()]
    wall = time.perf_counter()
    rows = asyncio.run(run(args.url, questions, args.n, args.concurrency))
    wall = time.perf_counter() - wall

    ok = [r for r in rows if r["ok"]]
    lat = [r["ms"] for r in ok]
    costs = [cost_usd(r) for r in ok]
    tokens = [sum((r.get("usage") or {}).values()) for r in ok]
    fallback_share = sum(r.get("model") == "gpt-4o" for r in ok) / max(len(ok), 1)

    print(f"| requests | {len(rows)} ({len(rows) - len(ok)} errors) |")
    print(f"| throughput | {len(rows) / wall:.1f} req/s at concurrency {args.concurrency} |")
    print(f"| p50 / p95 / p99 | {percentile(lat, 50):.0f} / {percentile(lat, 95):.0f} / {percentile(lat, 99):.0f} ms |")
    print(f"| mean tokens / request | {statistics.mean(tokens):.0f} |")
    print(f"| fallback share | {fallback_share:.1%} |")
    print(f"| cost | ${statistics.mean(costs) * 1000:.2f} per 1k requests |")


if __name__ == "__main__":
    main()
