"""Shapes of Python code read through ``ast``: what a block does, not which words it contains.

Each shape is a small question answered from the syntax tree of one file (or one notebook cell):

- ``retry_backoff``: a loop that tries a call, catches the failure and waits before trying again;
- ``rate_limit``: a handler for a rate-limit error (or an HTTP 429) that waits or retries;
- ``fallback``: a handler that computes the same result another way (the same name assigned from a call in the
  ``try`` and in the ``except``), or calls something named as a fallback;
- ``timeout_set``: a client or request call given a timeout, however its arguments are split across lines;
- ``llm_retries``: an LLM client built with an explicit retry budget;
- ``structured_output``: model output requested in, or parsed into, a declared schema;
- ``input_rejected``: a branch that rejects a request with a 4xx status;
- ``model_trained``: a model's ``fit`` called with training arguments (epochs, validation data, a train split);

and, for following the thread, the functions a file defines (with their line spans), the names it calls, and the
folders it loads documents from. Nothing here executes the code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_SLEEP = re.compile(r"(?:^|\.)(?:sleep|wait|wait_exponential|backoff)\w*$", re.I)
_RATE_LIMIT_EXC = re.compile(r"RateLimit|TooManyRequests|ResourceExhausted|Throttl", re.I)
_FALLBACK_CALL = re.compile(
    r"(?:^|[._])(?:fallback|backup|secondary|alternate|alternative|offline|heuristic)\w*$", re.I)
_CLIENT_CALL = re.compile(
    r"(?:^|\.)(?:requests|httpx|session|client|aiohttp|urlopen|OpenAI|AsyncOpenAI|AzureOpenAI|Anthropic|"
    r"AsyncAnthropic|Chat\w+|\w*LLM|Groq|Mistral\w*|Cohere\w*|Client|AsyncClient|ClientTimeout|Timeout|"
    r"create|invoke|ainvoke|generate\w*|completion|acompletion|post|get|put|request|stream|fetch\w*)$"
)
_LLM_CLIENT = re.compile(r"(?:^|\.)(?:OpenAI|AsyncOpenAI|AzureOpenAI|Anthropic|AsyncAnthropic|Chat\w+|\w*LLM|Groq)$")
_LOADER = re.compile(r"(?:^|\.)(?:DirectoryLoader|SimpleDirectoryReader|\w*DirectoryReader|ObsidianLoader|"
                     r"NotionDirectoryLoader|load_documents|load_docs|read_documents)$")
_DOCS_NAME = re.compile(
    r"^(?:[A-Z_]*(?:DOCS|DOCUMENTS|KNOWLEDGE|KB|CORPUS|KNOWLEDGE_BASE)[A-Z_]*_(?:DIR|PATH|FOLDER|ROOT))$")
_STRUCTURED_KW = {"response_format", "output_type", "text_format", "output_schema"}
#: instructor's ``response_model`` on a model call (FastAPI's ``response_model`` on a route is not model output)
_LLM_CREATE = re.compile(r"(?:^|\.)(?:create|acreate|create_with_completion|generate|chat|complete)$")
_TIMEOUT_KW = {"timeout", "request_timeout", "read_timeout", "connect_timeout"}
#: keywords of a model's fit call that only training passes (a scaler's fit takes none of them)
_FIT_KW = {"epochs", "validation_data", "validation_split", "callbacks", "batch_size", "eval_set", "steps_per_epoch",
           "early_stopping_rounds", "sample_weight", "max_epochs", "verbose"}


@dataclass
class Shapes:
    """What one syntax tree shows: shape tags with their lines, defined functions, called names, document dirs."""

    found: list[tuple[str, int]] = field(default_factory=list)
    #: functions defined: (name, first line, last line, kind: "" a plain function, "parked" one marked
    #: experimental or deprecated, "hooked" one with another decorator (a framework calls it), "method" a plain
    #: method (a base class or framework may call it without naming it))
    defs: list[tuple[str, int, int, str]] = field(default_factory=list)
    #: every name read (called, passed or referenced) with its line
    refs: list[tuple[str, int]] = field(default_factory=list)
    data_dirs: set[str] = field(default_factory=set)

    def add(self, tag: str, node: ast.AST) -> None:
        self.found.append((tag, getattr(node, "lineno", 1)))


def dotted(node: ast.AST) -> str:
    """``a.b.c`` for a name or attribute chain (calls in the chain kept as their callee: ``a().b`` -> ``a.b``)."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Name):
            parts.append(node.id)
            break
        else:
            break
    return ".".join(reversed(parts))


#: fields that hold only markers (load/store contexts, operators): a third of all nodes, never needed here
_NOT_CHILDREN = frozenset({"ctx", "op", "ops", "type_ignores"})
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _walk_local(nodes: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every node under ``nodes`` without entering nested function or class definitions (nor the context and
    operator markers, which no question here is about)."""
    stack: list[ast.AST] = list(reversed(nodes))
    pop, push, node_type, skip, scopes = stack.pop, stack.append, ast.AST, _NOT_CHILDREN, _NESTED_SCOPES
    while stack:
        node = pop()
        yield node
        for attr in node._fields:
            if attr in skip:
                continue
            value = getattr(node, attr, None)
            if type(value) is list:
                for v in value:
                    if isinstance(v, node_type) and not isinstance(v, scopes):
                        push(v)
            elif isinstance(value, node_type) and not isinstance(value, scopes):
                push(value)


def _status_4xx(call: ast.Call) -> bool:
    args = [k.value for k in call.keywords if k.arg in ("status_code", "status", "code")] + list(call.args[:2])
    for a in args:
        if isinstance(a, ast.Constant) and isinstance(a.value, int) and 400 <= a.value < 500:
            return True
        if isinstance(a, ast.Attribute) and re.match(r"HTTP_4\d\d", a.attr):
            return True
    return False


def _handler_names(handler: ast.ExceptHandler) -> str:
    t = handler.type
    if t is None:
        return ""
    elts = t.elts if isinstance(t, ast.Tuple) else [t]
    return " ".join(dotted(e) for e in elts)




class _Never:
    """A type no node has."""


def read_shapes(tree: ast.AST, refs_too: bool = True, calls_too: bool = True) -> Shapes:
    """Walk the tree once (an explicit stack: reading a repository walks every Python file) and answer every
    question on the way (the names read only with ``refs_too``). Without ``calls_too`` (the code holds none of the
    words a call's shape needs) and ``refs_too``, only statements are walked: the shapes of blocks (loops, ``try``,
    ``if``, assignments, definitions) come out the same, in the same order."""
    shapes = Shapes()
    methods: set[int] = set()
    refs = shapes.refs
    stack: list[ast.AST] = [tree]
    pop, push, extend, node_type, skip = stack.pop, stack.append, stack.extend, ast.AST, _NOT_CHILDREN
    name_t, attr_t, call_t, load_t = ast.Name, ast.Attribute, ast.Call, ast.Load
    if not refs_too:
        name_t = attr_t = _Never  # type: ignore[assignment]
    if not (refs_too or calls_too):
        blocks, shaped = BLOCK_FIELD_SET, _SHAPED
        while stack:
            node = pop()
            for attr in node._fields:
                if attr in blocks:
                    value = getattr(node, attr, None)
                    if type(value) is list:
                        extend(value)
            handler = shaped.get(type(node))
            if handler is not None:
                handler(node, shapes, methods)
        return shapes
    while stack:
        node = pop()
        for attr in node._fields:
            if attr in skip:
                continue
            value = getattr(node, attr, None)
            if type(value) is list:
                extend(v for v in value if isinstance(v, node_type))
            elif isinstance(value, node_type):
                push(value)
        t = type(node)
        if t is name_t:
            if type(node.ctx) is load_t:  # type: ignore[attr-defined]
                refs.append((node.id, node.lineno))  # type: ignore[attr-defined]
        elif t is attr_t:
            if type(node.ctx) is load_t:  # type: ignore[attr-defined]
                refs.append((node.attr, node.lineno))  # type: ignore[attr-defined]
        elif t is call_t:
            _call(node, shapes)  # type: ignore[arg-type]
        elif t in _SHAPED:
            _SHAPED[t](node, shapes, methods)
    return shapes


#: the fields that hold statements (or except handlers, match cases): functions are defined nowhere else
BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
BLOCK_FIELD_SET = frozenset(BLOCK_FIELDS)
#: words without which no call has a shape (``_call``): a timeout, a fit, a retry budget, a schema, a loader
CALL_WORDS = ("timeout", ".fit", "max_retries", "response_format", "output_type", "text_format", "output_schema",
              "response_model", "structured_output", "DirectoryLoader", "ObsidianLoader", "DirectoryReader",
              "load_doc", "read_documents")


def read_defs(tree: ast.AST) -> list[tuple[str, int, int, str]]:
    """The functions a tree defines, as ``read_shapes`` tells them, from its statements alone (no expression is
    visited): for a file whose shapes are not needed."""
    shapes = Shapes()
    methods: set[int] = set()
    stack: list[ast.AST] = [tree]
    func_t, async_t, class_t = ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef
    while stack:
        node = stack.pop()
        for name in BLOCK_FIELDS:
            value = getattr(node, name, None)
            if type(value) is list:
                stack.extend(value)
        t = type(node)
        if t is class_t:
            _class(node, shapes, methods)  # type: ignore[arg-type]
        elif t is func_t or t is async_t:
            _def(node, shapes, methods)  # type: ignore[arg-type]
    return shapes.defs


def _class(node: ast.ClassDef, shapes: Shapes, methods: set[int]) -> None:
    methods.update(id(n) for n in node.body)  # a class is met before the methods in its body


def _def(node: ast.FunctionDef | ast.AsyncFunctionDef, shapes: Shapes, methods: set[int]) -> None:
    kind = _decorated(node)
    if not kind and id(node) in methods:
        kind = "method"
    shapes.defs.append((node.name, node.lineno, getattr(node, "end_lineno", None) or node.lineno, kind))


def _assign(node: ast.Assign, shapes: Shapes) -> None:
    """``DOCS_DIR = "data/handbook"``: a folder of documents the app reads."""
    if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and _DOCS_NAME.match(node.targets[0].id) \
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
        _data_dir(node.value.value, shapes)


_READINESS = re.compile(r"(?:^|\.)\w*(?:health|ping|ready|readiness|heartbeat|wait_for|get_collections|"
                        r"is_alive|connect)\w*$", re.I)
_BROAD = re.compile(r"(?:builtins\.)?(?:Exception|BaseException)")
_PARKED = re.compile(r"(?:^|\.)(?:experimental|deprecated|unused|wip|todo)$", re.I)


def _decorated(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    names = [dotted(d) for d in node.decorator_list]
    if any(_PARKED.search(n) for n in names):
        return "parked"
    return "hooked" if names else ""


def _loop(node: ast.For | ast.AsyncFor | ast.While, shapes: Shapes) -> None:
    """A loop that tries, catches a named failure and waits is a retry with backoff; with a bare ``except:`` that
    swallows everything it is only a retry loop."""
    block = _Block(list(node.body))
    if block.tries and any(_SLEEP.search(c) for c in block.calls):
        named = any(h.type is not None and not _BROAD.fullmatch(_handler_names(h))
                    for t in block.tries for h in t.handlers)
        waiting = any(_READINESS.search(c) for c in block.calls)  # waiting for a service to start: no retry policy
        shapes.add("retry_backoff" if named and not waiting else "retry_loop", node)


class _Block:
    """What a block of statements holds (nested definitions aside), from one walk: the names it calls, the ``try``
    statements in it, the names it assigns from a call, whether it returns a call's result, and whether it has a
    ``continue``."""

    def __init__(self, nodes: list[ast.stmt]) -> None:
        self.calls: list[str] = []
        self.tries: list[ast.Try] = []
        self.assigned: set[str] = set()
        self.returns_call = False
        self.has_continue = False
        for n in _walk_local(nodes):
            t = type(n)
            if t is ast.Call:
                self.calls.append(dotted(n.func))  # type: ignore[attr-defined]
            elif t is ast.Try:
                self.tries.append(n)  # type: ignore[arg-type]
            elif t is ast.Assign or t is ast.AnnAssign:
                value = n.value  # type: ignore[attr-defined]
                if isinstance(value, ast.Await):
                    value = value.value
                if isinstance(value, ast.Call):
                    targets = n.targets if t is ast.Assign else [n.target]  # type: ignore[attr-defined]
                    self.assigned.update(dotted(x) for x in targets if isinstance(x, (ast.Name, ast.Attribute)))
            elif t is ast.Return:
                value = n.value  # type: ignore[attr-defined]
                v = value.value if isinstance(value, ast.Await) else value
                if isinstance(v, ast.Call) and not _NOT_A_RESULT.search(dotted(v.func)):
                    self.returns_call = True
            elif t is ast.Continue:
                self.has_continue = True


#: what a ``return`` of which is not the result of the guarded work (an error response, a log line, a string)
_NOT_A_RESULT = re.compile(r"(?:HTTPException|Response|jsonify|str|print|dict|log\w*)$")


#: calls a guarded path makes: a model, an API or a search (a fallback around reading a CSV is not a guardrail)
_GUARDED_CALL = re.compile(r"(?:^|\.)(?:invoke|ainvoke|predict\w*|generate\w*|create|acreate|complete|chat\w*|"
                           r"completion|get|post|request|fetch\w*|query|search|"
                           r"retrieve\w*|embed\w*|answer\w*|ask|run|call_\w+|classify\w*|score|rerank\w*)$")


def _try(node: ast.Try, shapes: Shapes) -> None:
    body = _Block(node.body)
    if not any(_GUARDED_CALL.search(c) for c in body.calls):
        return
    for h in node.handlers:
        names = _handler_names(h)
        handler = _Block(h.body)
        if _RATE_LIMIT_EXC.search(names) and (any(_SLEEP.search(c) for c in handler.calls) or handler.has_continue):
            shapes.add("rate_limit", h)
        if body.assigned & handler.assigned or any(_FALLBACK_CALL.search(c) for c in handler.calls) \
                or (body.returns_call and handler.returns_call):
            shapes.add("fallback", h)


def _call(node: ast.Call, shapes: Shapes) -> None:
    name = dotted(node.func)
    kws = {k.arg for k in node.keywords if k.arg}
    if kws & _TIMEOUT_KW and _CLIENT_CALL.search(name):
        value = next(k.value for k in node.keywords if k.arg in _TIMEOUT_KW)
        if not (isinstance(value, ast.Constant) and value.value is None):
            shapes.add("timeout_set", node)
    if name.endswith(".fit") and (kws & _FIT_KW or any(
            isinstance(a, ast.Name) and "train" in a.id.lower() for a in node.args[:2])):
        shapes.add("model_trained", node)
    if "max_retries" in kws and _LLM_CLIENT.search(name):
        shapes.add("llm_retries", node)
    structured = kws & _STRUCTURED_KW or ("response_model" in kws and _LLM_CREATE.search(name))
    if structured:
        value = next(k.value for k in node.keywords if k.arg in _STRUCTURED_KW | {"response_model"})
        if isinstance(value, (ast.Name, ast.Attribute, ast.Subscript)) or (
                isinstance(value, ast.Dict) and "json_schema" in ast.dump(value)):
            shapes.add("structured_output", node)
    if re.search(r"(?:^|\.)(?:with_structured_output|parse|create_structured_output_runnable)$", name) and (
            "with_structured_output" in name or structured):
        shapes.add("structured_output", node)
    if _LOADER.search(name) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        _data_dir(node.args[0].value, shapes)
    for k in node.keywords:
        if k.arg in ("input_dir", "directory", "path", "dir_path") and _LOADER.search(name) \
                and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
            _data_dir(k.value.value, shapes)


def _if(node: ast.If, shapes: Shapes) -> None:
    for n in node.body:
        exc = n.exc if isinstance(n, ast.Raise) else (n.value if isinstance(n, ast.Return) else None)
        if isinstance(exc, ast.Call) and re.search(r"(?:HTTPException|Response|abort|jsonify)$", dotted(exc.func)) \
                and _status_4xx(exc):
            shapes.add("input_rejected", n)
            return


def _data_dir(path: str, shapes: Shapes) -> None:
    p = path.strip().strip("/").removeprefix("./")
    if p and p not in (".", "..") and not p.startswith(("/", "..", "~", "http")) and "*" not in p.split("/")[0]:
        shapes.data_dirs.add(p.split("*", 1)[0].rstrip("/"))


_SHAPED: dict[type, Any] = {
    ast.ClassDef: _class,
    ast.FunctionDef: _def,
    ast.AsyncFunctionDef: _def,
    ast.For: lambda n, s, m: _loop(n, s),
    ast.AsyncFor: lambda n, s, m: _loop(n, s),
    ast.While: lambda n, s, m: _loop(n, s),
    ast.Try: lambda n, s, m: _try(n, s),
    ast.If: lambda n, s, m: _if(n, s),
    ast.Assign: lambda n, s, m: _assign(n, s),
}
if hasattr(ast, "TryStar"):
    _SHAPED[ast.TryStar] = lambda n, s, m: _try(n, s)
