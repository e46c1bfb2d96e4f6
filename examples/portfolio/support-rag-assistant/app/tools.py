"""Tools the model may call. Each returns a JSON-serialisable dict."""
from __future__ import annotations

import os

import httpx

from app.retrieval import DocIndex, format_context

ORDERS_API = os.getenv("ORDERS_API_URL", "http://orders:8081")
HELPDESK_API = os.getenv("HELPDESK_API_URL", "http://helpdesk:8082")

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "search_docs",
            "description": "Search the help-centre articles. Use for any policy or how-to question.",
            "parameters": {
                "type": "object",
                "properties": {"query": {"type": "string", "description": "Search query"}},
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "get_order_status",
            "description": "Look up shipping status for one order belonging to the current customer.",
            "parameters": {
                "type": "object",
                "properties": {"order_id": {"type": "string", "pattern": "^ORD-\\d{6}$"}},
                "required": ["order_id"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "create_ticket",
            "description": "Hand the conversation to a human agent. Use when unsure or when asked for a refund exception.",
            "parameters": {
                "type": "object",
                "properties": {
                    "summary": {"type": "string"},
                    "priority": {"type": "string", "enum": ["low", "normal", "high"]},
                },
                "required": ["summary"],
            },
        },
    },
]


class ToolBox:
    def __init__(self, index: DocIndex, customer_id: str | None, http: httpx.Client | None = None):
        self.index = index
        self.customer_id = customer_id
        self.http = http or httpx.Client(timeout=httpx.Timeout(3.0, connect=1.0))
        self.last_hits = []

    def search_docs(self, query: str) -> dict:
        self.last_hits = self.index.search(query, k=5)
        return {"context": format_context(self.last_hits) or "NO_RESULTS"}

    def get_order_status(self, order_id: str) -> dict:
        if not self.customer_id:
            return {"error": "customer not signed in; ask them to sign in first"}
        resp = self.http.get(f"{ORDERS_API}/orders/{order_id}", params={"customer": self.customer_id})
        if resp.status_code == 404:
            return {"error": f"no order {order_id} for this customer"}
        resp.raise_for_status()
        data = resp.json()
        return {k: data.get(k) for k in ("order_id", "status", "carrier", "eta")}

    def create_ticket(self, summary: str, priority: str = "normal") -> dict:
        resp = self.http.post(
            f"{HELPDESK_API}/tickets",
            json={"customer_id": self.customer_id, "summary": summary[:500], "priority": priority},
        )
        resp.raise_for_status()
        return {"ticket_id": resp.json()["id"]}

    def dispatch(self, name: str, args: dict) -> dict:
        handler = {"search_docs": self.search_docs, "get_order_status": self.get_order_status,
                   "create_ticket": self.create_ticket}.get(name)
        if handler is None:
            return {"error": f"unknown tool {name}"}
        return handler(**args)
