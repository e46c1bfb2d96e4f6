"""An optional native gate for the rules' regular expressions: Hyperscan, in prefilter mode.

One Hyperscan pass over a text says which of the rules' regexes *may* match it (prefilter mode approximates what
Hyperscan cannot express, always by something broader, and the gate widens long bounded repeats before compiling,
again broader). A regex the gate rules out cannot match, so it is not run; the ones it lets through run exactly as
before, with Python's ``re``. Reports are therefore the same with and without the gate (tested), only faster on
big trees. Where the ``hyperscan`` wheel is missing (not Linux x86-64), the pure-Python prefilter (anchors.py)
does the whole job.

The gate judges a text as ``re`` would see it: ASCII passes as it is; each other character is stood in for by an
ASCII one of its class for every construct a rule can use on it (a letter or other word character by ``_``, a
space by ``\\v``, anything else by DEL), and rules that spell a non-ASCII character themselves are never gated on
such a text. The characters ``re.IGNORECASE`` matches to an ASCII letter (ſ, K, İ, ı: common in Turkish, and in
the case tables of JavaScript bundled into HTML reports) are stood in for by that letter; the few rules with a
negation that may name it (``[^a-z]``, a negative lookahead) are then never gated. Texts it cannot judge that way
— with non-ASCII decimal digits, or the separator controls ``\\x1c``-``\\x1f`` that Python's ``\\s`` matches and
Hyperscan's does not — get None: no gating.

The compiled database is cached (``$XDG_CACHE_HOME/portfolio-check``, else ``~/.cache/portfolio-check``) under a
name derived from the patterns, the flags, this module's format and the Hyperscan version; the file carries a
SHA-256 of its content, checked before it is loaded. A missing, corrupt or foreign cache is rebuilt (about a
second), never trusted; an unwritable cache folder only means compiling again next time.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FORMAT = b"portfolio-check hyperscan gate 1\n"
#: bounded repeats at least this long are widened to unbounded ones for the gate (a superset; compiles 10x faster)
WIDEN_FROM = 10
_SEPARATORS = ("\x1c", "\x1d", "\x1e", "\x1f")
#: the characters ``re.IGNORECASE`` matches to an ASCII letter (ſ to s, the Kelvin sign to k, İ and ı to i): each
#: stood in for by that letter
_FOLDS_TO_ASCII = {"\u017f": "s", "\u212a": "k", "\u0130": "i", "\u0131": "i"}


class _CannotJudge(LookupError):
    pass


_STANDS: dict[str, str] = {}


def _stand_in(err: UnicodeError) -> tuple[str, int]:
    """A codec error handler: each non-ASCII character -> an ASCII one of the same class for ``re`` (called only
    for the runs of non-ASCII characters, so mostly-ASCII text encodes at C speed)."""
    assert isinstance(err, UnicodeEncodeError)
    out = []
    for c in err.object[err.start:err.end]:
        stand = _STANDS.get(c)
        if stand is None:
            if c.isdecimal():
                raise _CannotJudge
            stand = _FOLDS_TO_ASCII.get(c) or ("\v" if c.isspace() else "_" if c.isalnum() else "\x7f")
            _STANDS[c] = stand
        out.append(stand)
    return "".join(out), err.end


codecs.register_error("portfolio-check-stand-in", _stand_in)



def widen(rx: str) -> str:
    """``rx`` with every bounded repeat ``{m,n}`` (n >= WIDEN_FROM) outside character classes made unbounded."""
    out: list[str] = []
    i, n, in_class = 0, len(rx), False
    while i < n:
        c = rx[i]
        if c == "\\":
            out.append(rx[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            if i < n and rx[i] == "^":
                out.append("^")
                i += 1
            if i < n and rx[i] == "]":  # a leading ] is a member
                out.append("]")
                i += 1
            continue
        m = _REPEAT.match(rx, i) if c == "{" else None
        if m is not None and int(m.group(2)) >= WIDEN_FROM:
            low = int(m.group(1))
            out.append("*" if low == 0 else "+" if low == 1 else f"{{{low},}}")
            i = m.end()
            continue
        out.append(c)
        i += 1
    return "".join(out)


_REPEAT = re.compile(r"\{(\d+),(\d+)\}")


def stand_in(text: str) -> str | None:
    """``text`` with each non-ASCII character stood in for by an ASCII one of its class (same length, so every
    offset holds); None when that cannot be done faithfully (see the module's docstring)."""
    if text.isascii():
        return text
    try:
        return text.encode("ascii", "portfolio-check-stand-in").decode("ascii")
    except _CannotJudge:
        return None


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "portfolio-check"


#: the id callers use for a regex the gate does not know: always let through
UNKNOWN = -1


class Gate:
    """Which of ``sources`` may match a text: one Hyperscan pass, each regex reported at most once."""

    def __init__(self, sources: list[str], db: Any, hs: Any) -> None:
        self.index = {s: i for i, s in enumerate(sources)}
        #: regexes a match of which may need a non-ASCII character: never ruled out on a non-ASCII text (a
        #: non-ASCII character only inside a negative lookaround, as in ``(?<![≈≤])``, needs nothing)
        from portfolio_check.engine.anchors import fold_sensitive, needs_non_ascii

        self.spelled = frozenset(i for i, s in enumerate(sources) if not s.isascii() and needs_non_ascii(s))
        #: regexes a character stood in for by the ASCII letter it folds to might hide a match from (a negation
        #: naming that letter, see anchors.fold_sensitive): never ruled out on a text holding such a character
        self.fold_sensitive = frozenset(i for i, s in enumerate(sources) if fold_sensitive(s))
        self._db = db
        self._hs = hs
        self._found: set[int] = set()
        #: the last text judged and its answer: a document's prose is judged for its patterns and again for its
        #: write-up cues (the same string object: compared by identity, never by value)
        self._last: tuple[str, frozenset[int] | None] | None = None

    def _on_match(self, pid: int, start: int, end: int, flags: int, context: Any) -> None:
        self._found.add(pid)

    def scan(self, text: str) -> frozenset[int] | None:
        """The ids of the regexes that may match ``text``; None when the gate cannot judge it (then every regex
        runs, as without the gate)."""
        last = self._last
        if last is not None and last[0] is text:
            return last[1]
        found = self._judge(text)
        self._last = (text, found)
        return found

    def _judge(self, text: str) -> frozenset[int] | None:
        if any(sep in text for sep in _SEPARATORS):  # four substring searches: far faster than a regex class
            return None
        plain = text.isascii()
        try:
            data = text.encode("ascii", "portfolio-check-stand-in")
        except _CannotJudge:
            return None
        self._found = set()
        try:
            self._db.scan(data, match_event_handler=self._on_match)
        except Exception:  # any failure of the native scan: no gating, never a missed match
            return None
        self._found.add(UNKNOWN)  # a regex the gate was not built with is never ruled out
        if plain:
            return frozenset(self._found)
        if any(c in text for c in _FOLDS_TO_ASCII):
            self._found |= self.fold_sensitive
        return frozenset(self._found | self.spelled)


def _flags(hs: Any) -> int:
    return int(hs.HS_FLAG_PREFILTER | hs.HS_FLAG_CASELESS | hs.HS_FLAG_MULTILINE | hs.HS_FLAG_ALLOWEMPTY
               | hs.HS_FLAG_SINGLEMATCH)


def _key(sources: list[str], hs: Any) -> str:
    h = hashlib.sha256(FORMAT)
    h.update(str(getattr(hs, "__version__", "?")).encode())
    h.update(str(_flags(hs)).encode())
    h.update(str(WIDEN_FROM).encode())
    for s in sources:
        h.update(s.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()[:32]


def _load(path: Path, key: str, hs: Any) -> Any:
    """The cached database, or None when the file is missing, foreign or corrupt."""
    try:
        with path.open("rb") as f:
            data = f.read(64 * 1024 * 1024)
    except OSError:
        return None
    head = FORMAT + key.encode() + b"\n"
    if not data.startswith(head) or len(data) < len(head) + 32:
        return None
    digest, body = data[len(head):len(head) + 32], data[len(head) + 32:]
    if hashlib.sha256(body).digest() != digest:
        return None
    try:
        db = hs.loadb(body, mode=hs.HS_MODE_BLOCK)
        db.scratch = hs.Scratch(db)  # a loaded database has no scratch space of its own
        db.scan(b"probe", match_event_handler=lambda *args: None)
        return db
    except Exception:  # a database Hyperscan refuses (another version, another CPU): rebuild it
        return None


def _store(path: Path, key: str, body: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gate-")
        with os.fdopen(fd, "wb") as f:
            f.write(FORMAT + key.encode() + b"\n" + hashlib.sha256(body).digest() + body)
        Path(tmp).replace(path)
    except OSError:
        return  # no cache: compile again next time


def build_gate(sources: Iterable[str], use_cache: bool = True) -> Gate | None:
    """The gate for ``sources``, or None without Hyperscan (or when it cannot compile them)."""
    try:
        import hyperscan as hs
    except ImportError:
        return None
    srcs = list(dict.fromkeys(sources))
    key = _key(srcs, hs)
    path = cache_dir() / f"gate-{key}.hsdb"
    db = _load(path, key, hs) if use_cache else None
    if db is None:
        try:
            db = hs.Database(mode=hs.HS_MODE_BLOCK)
            db.compile(expressions=[widen(s).encode("utf-8") for s in srcs], ids=list(range(len(srcs))),
                       elements=len(srcs), flags=[_flags(hs)] * len(srcs))
        except Exception:  # a pattern Hyperscan cannot take even as a prefilter: no gate, same results
            return None
        if use_cache:
            _store(path, key, hs.dumpb(db))
    return Gate(srcs, db, hs)


class Literals:
    """Every occurrence of some ASCII literals in a text, found by Hyperscan's literal compiler, in the order an
    Aho-Corasick pass gives them (see ``anchors.LiteralFinder``, which uses it while the gate is active)."""

    def __init__(self, db: Any, lengths: list[int]) -> None:
        self._db = db
        self._lengths = lengths

    def occurrences(self, text: str) -> list[tuple[int, int]] | None:
        """(offset of its last character, the literal's index) of every occurrence in ``text`` (ASCII), overlapping
        ones too, by end and, at one end, the longest first; None when the native scan fails (then callers take
        their pure-Python path)."""
        found: list[tuple[int, int]] = []
        add = found.append
        try:
            self._db.scan(text.encode("ascii"), match_event_handler=lambda i, _start, end, _f, _c: add((end - 1, i)))
        except Exception:
            return None
        lengths = self._lengths
        found.sort(key=lambda f: (f[0], -lengths[f[1]]))  # (Hyperscan reports by end; ties in no set order)
        return found


def literals(words: list[str]) -> Literals | None:
    """A native finder of ``words`` (ASCII, non-empty, without NUL: the binding would cut a literal there), or
    None without an active gate (a small scan, where compiling costs more than it saves) or when it cannot be
    built."""
    if ACTIVE is None or not words or not all(w and w.isascii() and "\0" not in w for w in words):
        return None
    hs = ACTIVE._hs
    try:
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(expressions=[w.encode("ascii") for w in words], ids=list(range(len(words))), elements=len(words),
                   flags=[0] * len(words), literal=True)
    except Exception:
        return None
    return Literals(db, [len(w) for w in words])


#: the gate the scan of a big repository turns on (None: the pure-Python path alone)
ACTIVE: Gate | None = None


def activate(gate: Gate | None) -> None:
    global ACTIVE
    ACTIVE = gate
