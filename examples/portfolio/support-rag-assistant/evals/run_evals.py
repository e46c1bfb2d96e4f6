"""Run the golden set through the agent and score it.

    python -m evals.run_evals --retriever faiss --min-accuracy 0.8 --min-citation-precision 0.8
    python -m evals.run_evals --retriever bm25            # baseline for the README table

Answer accuracy: rule checks (must_include / must_not_include / escalation) AND an
LLM judge score >= 4 for answered cases. Citation precision: share of cited chunks
whose source file is one of the expected sources.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from openai import OpenAI

from app.agent import SupportAgent
from app.retrieval import DocIndex
from app.tools import ToolBox
from evals.bm25_baseline import BM25Index

HERE = Path(__file__).parent
JUDGE_MODEL = "gpt-4o"
JUDGE_PROMPT = """You grade a customer-support answer against the reference context.
Score 1-5: 5 = correct, complete, grounded in the context; 3 = partly correct or vague;
1 = wrong, invented policy, or unsafe. Return JSON {"score": int, "reason": str}.

Question: {question}
Required facts: {facts}
Context given to the assistant:
{context}

Answer: {answer}"""

FAKE_ORDERS = {"ORD-204518": {"order_id": "ORD-204518", "status": "in transit", "carrier": "DHL", "eta": "2024-06-14"}}


class EvalToolBox(ToolBox):
    """Real retrieval, canned order/helpdesk back ends, and a record of tool calls."""

    def __init__(self, index, customer_id):
        super().__init__(index, customer_id, http=None)
        self.calls: list[str] = []

    def dispatch(self, name, args):
        self.calls.append(name)
        return super().dispatch(name, args)

    def get_order_status(self, order_id):
        return FAKE_ORDERS.get(order_id, {"error": "not found"})

    def create_ticket(self, summary, priority="normal"):
        return {"ticket_id": "T-EVAL"}


def judge(client: OpenAI, case: dict, answer: str, context: str) -> dict:
    resp = client.chat.completions.create(
        model=JUDGE_MODEL,
        temperature=0,
        response_format={"type": "json_object"},
        messages=[{"role": "user", "content": JUDGE_PROMPT.format(
            question=case["question"], facts=case["must_include"], context=context[:6000], answer=answer)}],
    )
    return json.loads(resp.choices[0].message.content)


def score_case(client: OpenAI, index, case: dict) -> dict:
    tb = EvalToolBox(index, case.get("customer_id"))
    agent = SupportAgent(client, tb)
    result, model, escalated = agent.answer(case["question"])
    text = result.answer.lower()

    rules_ok = all(f.lower() in text for f in case["must_include"])
    rules_ok &= not any(f.lower() in text for f in case.get("must_not_include", []))
    rules_ok &= escalated == case["expect_escalation"]
    if case.get("expected_tool"):
        rules_ok &= case["expected_tool"] in tb.calls

    verdict = {"score": None, "reason": "escalated"}
    if not escalated:
        context = "\n".join(h.chunk.text for h in tb.last_hits)
        verdict = judge(client, case, result.answer, context)
    correct = rules_ok and (escalated or verdict["score"] >= 4)

    by_id = {h.chunk.chunk_id: h.chunk.source for h in tb.last_hits}
    cited = [by_id[c] for c in result.citations if c in by_id]
    precision = (sum(s in case["expected_sources"] for s in cited) / len(cited)) if cited else None
    retrieved = {h.chunk.source for h in tb.last_hits}
    recall5 = (any(s in retrieved for s in case["expected_sources"])
               if case["expected_sources"] else None)
    return {"id": case["id"], "category": case["category"], "correct": correct, "escalated": escalated,
            "judge": verdict, "citation_precision": precision, "recall@5": recall5,
            "model": model, "tool_calls": tb.calls, "usage": agent.usage}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--golden", default=HERE / "golden_set.jsonl", type=Path)
    ap.add_argument("--index-dir", default=Path("index"), type=Path)
    ap.add_argument("--retriever", choices=["faiss", "bm25"], default="faiss")
    ap.add_argument("--min-accuracy", type=float, default=0.0)
    ap.add_argument("--min-citation-precision", type=float, default=0.0)
    ap.add_argument("--out", default=HERE / "results", type=Path)
    args = ap.parse_args()

    index = DocIndex.load(args.index_dir) if args.retriever == "faiss" else BM25Index.from_faiss_dir(args.index_dir)
    client = OpenAI()
    cases = [json.loads(line) for line in args.golden.read_text().splitlines() if line.strip()]
    rows = [score_case(client, index, c) for c in cases]

    def mean(key):
        vals = [r[key] for r in rows if r[key] is not None]
        return round(statistics.mean(vals), 3) if vals else None

    summary = {"retriever": args.retriever, "n": len(rows), "answer_accuracy": mean("correct"),
               "citation_precision": mean("citation_precision"), "retrieval_recall@5": mean("recall@5"),
               "adversarial_pass": mean_of([r["correct"] for r in rows if r["category"] == "adversarial"])}
    args.out.mkdir(exist_ok=True)
    (args.out / f"{args.retriever}.json").write_text(json.dumps({"summary": summary, "cases": rows}, indent=2))
    print(json.dumps(summary, indent=2))
    for r in rows:
        if not r["correct"]:
            print(f"FAIL {r['id']}: judge={r['judge']}")

    ok = summary["answer_accuracy"] >= args.min_accuracy and (
        summary["citation_precision"] or 0) >= args.min_citation_precision
    return 0 if ok else 1


def mean_of(values: list) -> float | None:
    return round(statistics.mean(values), 3) if values else None


if __name__ == "__main__":
    sys.exit(main())
