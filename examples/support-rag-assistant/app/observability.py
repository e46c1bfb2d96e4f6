"""Prometheus metrics and OpenTelemetry tracing for the assistant."""
from __future__ import annotations

import os

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "assistant_requests_total", "Questions answered", ["outcome"]
)  # outcome: answered | escalated | error
LATENCY = Histogram(
    "assistant_request_seconds",
    "End-to-end latency of /ask",
    buckets=(0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13),
)
LLM_CALL_LATENCY = Histogram(
    "assistant_llm_call_seconds", "Latency of a single chat completion", ["model"]
)
TOKENS = Counter("assistant_tokens_total", "Tokens used", ["model", "kind"])
FALLBACKS = Counter("assistant_fallbacks_total", "Times the fallback model was used", ["reason"])
TOOL_CALLS = Counter("assistant_tool_calls_total", "Tool invocations", ["tool", "status"])
RETRIEVAL_TOP_SCORE = Histogram(
    "assistant_retrieval_top_score",
    "Cosine similarity of the best chunk",
    buckets=(0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
)


def setup_tracing(service_name: str = "support-rag-assistant") -> trace.Tracer:
    """Send spans to the OTLP collector from docker-compose (Jaeger in dev)."""
    endpoint = os.getenv("OTEL_EXPORTER_OTLP_ENDPOINT")
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if endpoint:
        exporter = OTLPSpanExporter(endpoint=f"{endpoint}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return trace.get_tracer(service_name)


tracer = trace.get_tracer("support-rag-assistant")


def record_usage(model: str, usage) -> None:
    if usage is None:
        return
    TOKENS.labels(model=model, kind="prompt").inc(usage.prompt_tokens)
    TOKENS.labels(model=model, kind="completion").inc(usage.completion_tokens)
