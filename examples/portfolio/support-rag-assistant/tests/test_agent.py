"""Agent loop and guardrail tests with a scripted fake OpenAI client (no network)."""
import json
from types import SimpleNamespace as NS

import pytest
from pydantic import ValidationError

from app.agent import FALLBACK_MODEL, PRIMARY_MODEL, SupportAgent
from app.schemas import AskRequest, ModelAnswer
from app.tools import ToolBox


def tool_call(name, args, call_id="call_1"):
    return NS(id=call_id, type="function", function=NS(name=name, arguments=json.dumps(args)))


def message(content=None, tool_calls=None):
    msg = NS(content=content, tool_calls=tool_calls, role="assistant")
    msg.model_dump = lambda exclude_none=True: {"role": "assistant", "content": content,
                                                 "tool_calls": [{"id": c.id} for c in tool_calls or []]}
    return msg


class FakeClient:
    def __init__(self, script):
        self.script = list(script)  # list of (expected_model, message)
        self.models_called = []
        self.chat = NS(completions=NS(create=self._create))

    def with_options(self, **_):
        return self

    def _create(self, model, **_):
        self.models_called.append(model)
        return NS(choices=[NS(message=self.script.pop(0))], usage=NS(prompt_tokens=100, completion_tokens=20))


class RecordingToolBox(ToolBox):
    def __init__(self, index):
        super().__init__(index, customer_id="C000001")
        self.tickets = []

    def create_ticket(self, summary, priority="normal"):
        self.tickets.append(summary)
        return {"ticket_id": "T-1"}


def answer(text, cites, conf):
    return message(json.dumps({"answer": text, "citations": cites, "confidence": conf}))


def test_tool_loop_returns_grounded_answer(small_index):
    client = FakeClient([
        message(tool_calls=[tool_call("search_docs", {"query": "return window"})]),
        answer("You have 30 days to return items.", ["returns#0.0"], 0.9),
    ])
    result, model, escalated = SupportAgent(client, RecordingToolBox(small_index)).answer("return window?")
    assert not escalated and model == PRIMARY_MODEL
    assert result.citations == ["returns#0.0"]


def test_invented_citation_is_dropped_and_escalates(small_index):
    tb = RecordingToolBox(small_index)
    client = FakeClient([
        message(tool_calls=[tool_call("search_docs", {"query": "return items within 30 days"})]),
        answer("Returns are free forever.", ["made-up#9"], 0.8),
    ])
    result, _, escalated = SupportAgent(client, tb).answer("how long can I return things?")
    assert escalated and tb.tickets


def test_low_confidence_escalates(small_index):
    tb = RecordingToolBox(small_index)
    client = FakeClient([answer("Maybe?", [], 0.3)])
    _, _, escalated = SupportAgent(client, tb).answer("something odd")
    assert escalated and "low confidence" in tb.tickets[0]


def test_invalid_json_falls_back_to_second_model(small_index):
    client = FakeClient([message("not json at all"), answer("Here you go.", [], 0.9)])
    _, model, escalated = SupportAgent(client, RecordingToolBox(small_index)).answer("hi there")
    assert client.models_called == [PRIMARY_MODEL, FALLBACK_MODEL]
    assert model == FALLBACK_MODEL and not escalated


def test_failing_tool_is_reported_to_model_not_raised(small_index):
    class Broken(RecordingToolBox):
        def get_order_status(self, order_id):
            raise TimeoutError("orders API down")

    client = FakeClient([
        message(tool_calls=[tool_call("get_order_status", {"order_id": "ORD-123456"})]),
        answer("Order lookup is down right now; I opened a ticket.", [], 0.7),
    ])
    result, _, escalated = SupportAgent(client, Broken(small_index)).answer("where is ORD-123456")
    assert "down" in result.answer and not escalated


# --- input / output validation ---


def test_control_characters_are_stripped():
    req = AskRequest(question="where is my order\x00\x1b[31m ORD-000001?")
    assert "\x00" not in req.question and "\x1b" not in req.question


def test_overlong_question_rejected():
    with pytest.raises(ValidationError):
        AskRequest(question="a" * 5000)


def test_bad_customer_id_rejected():
    with pytest.raises(ValidationError):
        AskRequest(question="hello there", customer_id="1; DROP TABLE")


def test_confidence_must_be_a_probability():
    with pytest.raises(ValidationError):
        ModelAnswer(answer="ok", citations=[], confidence=1.7)
