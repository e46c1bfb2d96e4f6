"""Required literals of a regular expression, and a one-pass prefilter built from them.

CPython's ``re`` tries every branch of an alternation at every position, so one union of a hundred patterns
runs at about 1 MB/s. Instead, each pattern's *anchors* — literal strings at least one of which must occur in any
match — are read off its parse tree; one Aho-Corasick pass over the lower-cased text finds which patterns can
match at all, and only those run, from the line of their first anchor. The anchors are derived, never written by
hand, so the rules stay plain regular expressions.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
else:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

try:
    import ahocorasick as _aho
except ImportError:  # pragma: no cover - the dependency is declared; this keeps a broken install correct
    _aho = None

def automaton(words: Iterable[tuple[str, Any]]) -> Any | None:
    """An Aho-Corasick automaton of ``words`` (word, value), whose ``iter(text)`` yields (end offset, value) for
    every occurrence; None without words, or without pyahocorasick (callers then take their plain path)."""
    pairs = list(words)
    if _aho is None or not pairs:
        return None
    auto = _aho.Automaton()
    for word, value in pairs:
        auto.add_word(word, value)
    auto.make_automaton()
    return auto


class LiteralFinder:
    """Every occurrence of some literals in a text, as (offset of its last character, the literal's index), in the
    order one Aho-Corasick pass gives them: by end and, at one end, the longest first. While the native gate is
    active (a big scan), an ASCII text is searched by Hyperscan's literal compiler (several times faster than
    pyahocorasick once there are more than a few literals); otherwise, and if that fails, by pyahocorasick."""

    #: texts searched by pyahocorasick before the native finder is built (compiling one costs about as much as
    #: searching a few texts: most finders of a rule's few literals are used a handful of times, or never)
    NATIVE_AFTER = 8

    def __init__(self, words: Iterable[str]) -> None:
        self.words = list(words)
        self._aho: Any = None
        self._aho_built = False
        self._native: Any = None
        self._native_gate: object = None  # the gate the native finder was built under
        self._uses = 0

    @property
    def usable(self) -> bool:
        """False without literals or without pyahocorasick: callers then take their plain path."""
        return bool(self.words) and _aho is not None

    def iter(self, text: str) -> Iterable[tuple[int, int]]:
        from portfolio_check.engine import hyper

        gate = hyper.ACTIVE
        self._uses += 1
        if gate is not None and self._uses > self.NATIVE_AFTER and text.isascii():
            if self._native_gate is not gate:
                self._native, self._native_gate = hyper.literals(self.words), gate
            if self._native is not None:
                found: list[tuple[int, int]] | None = self._native.occurrences(text)
                if found is not None:
                    return found
        if not self._aho_built:
            self._aho, self._aho_built = automaton((w, i) for i, w in enumerate(self.words)), True
        found_by_aho: Iterable[tuple[int, int]] = self._aho.iter(text) if self._aho is not None else ()
        return found_by_aho


MIN_ANCHOR = 2
#: words too common in code and prose to tell anything; a pattern anchored only on them runs less often when a
#: rarer literal of the same pattern can anchor it instead
COMMON = frozenset({"def", "for", "class", "import", "from", "self", "return", "the", "and", "with", "not", "model",
                    "data", "in", "is", "to", "of", "if", "else", "print", "const", "let", "var", "work", "time",
                    "this", "that", "was", "were", "are", "have", "has", "more", "than", "use", "used", "using"})


def _choose(cands: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement of a sequence: no common word (``" from"`` is "from"), then the longest
    shortest anchor (spaces around a word do not make it rarer), then the fewest alternatives."""
    good = [c for c in cands if c and min(len(s) for s in c) >= MIN_ANCHOR]
    if not good:
        return None
    return max(good, key=lambda c: (not any(s.strip() in COMMON for s in c), min(len(s.strip()) for s in c), -len(c)))


#: spellings a literal run may fork into at optional characters (``re-?ran``: reran, re-ran) before it is cut there
MAX_SPELLINGS = 8


def _one_char(items: Any) -> str | None:
    """The character a single-character item matches (a literal, or a class of one letter in both cases)."""
    if len(items) != 1:
        return None
    op, av = items[0]
    if op is _c.LITERAL:
        return chr(av)
    if op is _c.IN:
        chars = {chr(a).lower() for o, a in av if o is _c.LITERAL}
        if len(chars) == 1 and all(o is _c.LITERAL for o, _ in av):
            return chars.pop()
    return None


def _required(items: Any) -> frozenset[str] | None:
    cands: list[frozenset[str]] = []
    runs: list[str] = [""]  # the spellings of the literal run so far

    def flush() -> None:
        nonlocal runs
        if any(runs):
            cands.append(frozenset(r.lower() for r in runs))
        runs = [""]

    for op, av in items:
        if op is _c.LITERAL:
            runs = [r + chr(av) for r in runs]
            continue
        if op in (_c.AT,):  # \b, ^, $ take no width: the literal run goes on
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1 and any(runs) \
                and len(runs) * 2 <= MAX_SPELLINGS:
            optional = _one_char(av[2])
            if optional is not None:  # with it or without it: both spellings go on
                runs = runs + [r + optional for r in runs]
                continue
        flush()
        if op is _c.SUBPATTERN:
            sub = _required(av[-1])
            if sub is not None:
                cands.append(sub)
        elif op is _c.BRANCH:
            alts = [_required(b) for b in av[1]]
            if all(a is not None for a in alts):
                cands.append(frozenset().union(*[a for a in alts if a is not None]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = av
            if lo >= 1:
                r = _required(sub)
                if r is not None:
                    cands.append(r)
        elif op is _c.IN:
            # a one-character class like [-_] or [Aa]: the whole run is broken; a choice of two letters
            # that differ only in case is the same lower-cased literal
            char = _one_char([(op, av)])
            if char is not None:
                runs = [char]
    flush()
    return _choose(cands)


#: anchors of the bundled rules, computed ahead (rules/anchors.json, kept current by a test): parsing ~300
#: regexes costs more than a small repository's whole scan; a pattern missing from the table is parsed here
_SHIPPED: dict[str, frozenset[str] | None] | None = None


def _shipped() -> dict[str, frozenset[str] | None]:
    global _SHIPPED
    if _SHIPPED is None:
        import json

        from portfolio_check.resources import rules_dir

        try:
            raw = json.loads((rules_dir() / "anchors.json").read_text(encoding="utf-8"))
            _SHIPPED = {k: (frozenset(v) if v is not None else None) for k, v in raw.items()}
        except (OSError, ValueError, AttributeError, TypeError):
            _SHIPPED = {}
    return _SHIPPED


def required_literals(pattern: str) -> frozenset[str] | None:
    """Lower-cased strings one of which occurs in every match of ``pattern`` (None: no such set found)."""
    table = _shipped()
    if pattern in table:
        return table[pattern]
    return parse_literals(pattern)


@lru_cache(maxsize=4096)
def parse_literals(pattern: str) -> frozenset[str] | None:
    """``required_literals`` read off the regex's parse tree."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except re.error:
        return None
    return _required(list(parsed))


class Prefilter:
    """Finds, in one pass, which of many regexes can match a text, and where their first anchor is."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.count = 0
        self.always: list[int] = []
        self.literals: list[frozenset[str] | None] = []
        table: dict[str, list[int]] = {}
        for i, rx in enumerate(patterns):
            self.count += 1
            lits = required_literals(rx)
            self.literals.append(lits)
            if lits is None:
                self.always.append(i)
            else:
                for lit in lits:
                    table.setdefault(lit, []).append(i)
        self._single: dict[int, tuple[LiteralFinder, list[int]]] = {}
        self._owned = [(len(lit), tuple(ids)) for lit, ids in table.items()]
        self._finder = LiteralFinder(table)
        if not self._finder.usable and table:
            self.always = list(range(self.count))

    def candidates(self, lower: str, cap: int = 64) -> dict[int, list[int]]:
        """Pattern index -> offsets of its anchors (up to ``cap``); patterns with no anchors get ``[]``."""
        seen: dict[int, list[int]] = {i: [] for i in self.always}
        if self._finder.usable:
            owned = self._owned
            for end, lit in self._finder.iter(lower):
                length, ids = owned[lit]
                start = end - length + 1
                for i in ids:
                    pos = seen.get(i)
                    if pos is None:
                        seen[i] = [start]
                    elif len(pos) < cap and i not in self.always:
                        pos.append(start)
        return seen

    def candidates_of(self, lower: str, ids: list[int], cap: int = 64,
                      presence: frozenset[int] = frozenset()) -> dict[int, list[int]]:
        """``candidates`` for the patterns ``ids`` only, the same lists: one pass per pattern over the text, each
        minding only its own anchors (when a gate has ruled out all but a few patterns, far fewer anchors to mind
        than one pass for all). For the patterns in ``presence`` only the first anchor is looked for (the caller
        needs to know whether one occurs, not where)."""
        if not self._finder.usable:
            return {i: [] for i in ids}
        always = set(self.always)
        seen: dict[int, list[int]] = {}
        for i in ids:
            if i in always:
                seen[i] = []
                continue
            single = self._single.get(i)
            if single is None:
                lits = list(self.literals[i] or ())
                single = self._single[i] = (LiteralFinder(lits), [len(lit) for lit in lits])
            finder, lengths = single
            pos: list[int] | None = None
            for end, lit in finder.iter(lower):
                length = lengths[lit]
                if pos is None:
                    pos = seen[i] = [end - length + 1]
                    if i in presence:
                        break
                elif len(pos) < cap:
                    pos.append(end - length + 1)
                else:
                    break
        return seen


# --- what a pattern can match, read off its parse tree (used only on big scans, where parsing pays) ----------------

_NEWLINE = 10
_CATEGORIES_WITH_NEWLINE = frozenset(c for c in (getattr(_c, "CATEGORY_SPACE", None),
                                                getattr(_c, "CATEGORY_NOT_WORD", None),
                                                getattr(_c, "CATEGORY_NOT_DIGIT", None),
                                                getattr(_c, "CATEGORY_LINEBREAK", None),
                                                getattr(_c, "CATEGORY_UNI_SPACE", None),
                                                getattr(_c, "CATEGORY_UNI_NOT_WORD", None),
                                                getattr(_c, "CATEGORY_UNI_NOT_DIGIT", None),
                                                getattr(_c, "CATEGORY_UNI_LINEBREAK", None)) if c is not None)


def _class_has_newline(items: Any) -> bool:
    for op, av in items:
        if op is _c.LITERAL and av == _NEWLINE:
            return True
        if op is _c.RANGE and av[0] <= _NEWLINE <= av[1]:
            return True
        if op is _c.CATEGORY and av in _CATEGORIES_WITH_NEWLINE:
            return True
    return False


def _may_match_newline(items: Any, dotall: bool) -> bool:
    for op, av in items:
        if op is _c.LITERAL:
            if av == _NEWLINE:
                return True
        elif op is _c.NOT_LITERAL:
            if av != _NEWLINE:
                return True
        elif op is _c.ANY:
            if dotall:
                return True
        elif op is _c.IN:
            negated = any(o is _c.NEGATE for o, _ in av)
            has = _class_has_newline([(o, a) for o, a in av if o is not _c.NEGATE])
            if has != negated:  # [\s...] has it; [^;] lacks it, so matches it
                return True
        elif op is _c.AT:
            continue
        elif op is _c.SUBPATTERN:
            add = av[1] if len(av) == 4 else 0
            if _may_match_newline(av[-1], dotall or bool(add & re.DOTALL)):
                return True
        elif op is _c.BRANCH:
            if any(_may_match_newline(b, dotall) for b in av[1]):
                return True
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            if _may_match_newline(av[2], dotall):
                return True
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if _may_match_newline(av[1], dotall):  # a lookahead past the line end sees the next line
                return True
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            if _may_match_newline(av, dotall):
                return True
        else:  # a back-reference, a conditional, anything else: assume it may
            return True
    return False


@lru_cache(maxsize=4096)
def line_bound(pattern: str) -> bool:
    """True when no match of ``pattern`` (lookarounds included) can contain or look at a newline: every match
    then lies on one line, and searching only the lines that hold its anchors finds exactly what a search of the
    whole text finds, in the same order."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except re.error:
        return False
    dotall = bool(parsed.state.flags & re.DOTALL)
    return not _may_match_newline(list(parsed), dotall)


def _nested(op: Any, av: Any) -> list[Any] | None:
    """The sequences nested in a group, a choice, a repeat, a lookaround or an atomic group; None for any other
    item of a parse tree."""
    if op is _c.SUBPATTERN:
        return [av[-1]]
    if op is _c.BRANCH:
        return list(av[1])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        return [av[2]]
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return [av]
    return None


def _positive_non_ascii(items: Any) -> bool:
    for op, av in items:
        if (op is _c.LITERAL and av > 127) or (op is _c.RANGE and av[1] > 127):
            return True
        if op is _c.IN:
            negated = any(o is _c.NEGATE for o, _ in av)
            if not negated and _positive_non_ascii([(o, a) for o, a in av if o is not _c.NEGATE]):
                return True
        elif op is _c.ASSERT_NOT:
            continue  # a negative lookaround needs nothing
        elif (nested := _nested(op, av)) is not None:
            if any(_positive_non_ascii(seq) for seq in nested):
                return True
        elif op not in (_c.AT, _c.NOT_LITERAL, _c.ANY, _c.LITERAL, _c.RANGE, _c.CATEGORY):
            return True
    return False


#: the ASCII letters a character that folds to one under ``re.IGNORECASE`` (ſ, K, İ, ı) is stood in for by
_FOLD_LETTERS = frozenset(map(ord, "sSkKiI"))


def _names_fold_letter(items: Any) -> bool:
    """Whether a sequence (a class's members, a lookaround's body) may match one of the fold letters."""
    for op, av in items:
        if op is _c.NOT_LITERAL or (op is _c.LITERAL and av in _FOLD_LETTERS):
            return True
        if op is _c.RANGE and any(av[0] <= c <= av[1] for c in _FOLD_LETTERS):
            return True
        if op is _c.IN:
            if _names_fold_letter(av):
                return True
        elif (nested := _nested(op, av)) is not None:
            if any(_names_fold_letter(seq) for seq in nested):
                return True
        elif op not in (_c.AT, _c.ANY, _c.CATEGORY, _c.NEGATE, _c.LITERAL, _c.RANGE):
            return True  # a back-reference, a conditional, anything else: assume it may
    return False


def _fold_sensitive(items: Any) -> bool:
    for op, av in items:
        if op is _c.NOT_LITERAL:
            if av in _FOLD_LETTERS:
                return True
        elif op is _c.IN:
            if any(o is _c.NEGATE for o, _ in av) and _names_fold_letter(av):
                return True
        elif op is _c.ASSERT_NOT:
            if _names_fold_letter(av[1]):
                return True
        elif (nested := _nested(op, av)) is not None:
            if any(_fold_sensitive(seq) for seq in nested):
                return True
        elif op not in (_c.AT, _c.ANY, _c.LITERAL, _c.RANGE, _c.CATEGORY):
            return True  # a back-reference, a conditional, anything else: assume it is
    return False


@lru_cache(maxsize=4096)
def fold_sensitive(pattern: str) -> bool:
    """True when a character that folds to an ASCII letter under ``re.IGNORECASE`` (ſ, K, İ, ı) stood in for by that
    letter (see hyper.stand_in) might make ``pattern`` miss a match it has on the text itself: a negation (a
    negated class, a negative lookaround, ``[^s]``) that may name one of those letters. Such a pattern is never
    ruled out on a text holding one of those characters."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except re.error:
        return True
    return _fold_sensitive(list(parsed))


@lru_cache(maxsize=4096)
def needs_non_ascii(pattern: str) -> bool:
    """True when a match of ``pattern`` may need a non-ASCII character (a literal, class member or range outside
    a negative lookaround): such a pattern cannot be judged on an ASCII stand-in of a text."""
    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except re.error:
        return True
    return _positive_non_ascii(list(parsed))


# --- where a match can start: the literals every match begins with ---------------------------------------------------

#: a pattern with more head occurrences than this in one text is searched the ordinary way
MAX_HEAD_STARTS = 4096


def _heads(items: Any) -> frozenset[str] | None:
    """Literals (lower-cased) one of which every match of the sequence ``items`` starts with; None if unknown."""
    run: list[str] = []
    items = list(items)
    for at, (op, av) in enumerate(items):
        if op is _c.LITERAL:
            run.append(chr(av).lower())
            continue
        if op is _c.IN:
            chars = {chr(a).lower() for o, a in av if o is _c.LITERAL}
            if len(chars) == 1 and all(o is _c.LITERAL for o, _ in av):
                run.append(chars.pop())
                continue
        if run and op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            optional = _one_char(av[2])
            if optional is not None:  # ``re-?ran``: reran, re-ran (with it or without it, and what follows)
                prefix, rest = "".join(run), items[at + 1:]
                without = _heads(rest) if rest else None
                with_it = _heads([(_c.LITERAL, ord(optional)), *rest])
                return frozenset({prefix + h for h in without} if without else {prefix}) | frozenset(
                    prefix + h for h in with_it or ())
        if run:  # the literal run, and what the choice after it starts with (``r(?:2|²)``: r2, r²)
            prefix = "".join(run)
            after = _heads([(op, av)]) if op in (_c.SUBPATTERN, _c.BRANCH) else None
            return frozenset(prefix + h for h in after) if after else frozenset({prefix})
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero width: the match still starts here
            continue
        if op is _c.SUBPATTERN:
            return _heads(av[-1])
        if op is _c.BRANCH:
            alts = [_heads(b) for b in av[1]]
            return None if any(a is None for a in alts) else frozenset().union(*alts)  # type: ignore[arg-type]
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            return _heads(av[2]) if av[0] >= 1 else None
        if op is getattr(_c, "ATOMIC_GROUP", None):
            return _heads(av)
        return None
    return frozenset({"".join(run)}) if run else None  # the whole sequence is one literal


@lru_cache(maxsize=4096)
def head_literals(pattern: str, cut: bool = True) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` starts with, as they appear in the lower-cased ASCII stand-in
    of a text (see hyper.stand_in): with ``cut``, cut at the first blank, so that a text's view (which only blanks
    characters) holds one only where the text itself does (without, for searching the very text they were found
    in). None when some match may start otherwise, or a head would be shorter than two characters."""
    from portfolio_check.engine.hyper import stand_in

    try:
        parsed = _p.parse(pattern, re.MULTILINE)
    except re.error:
        return None
    heads = _heads(list(parsed))
    if not heads:
        return None
    out: set[str] = set()
    for head in heads:
        stood = stand_in(head)
        if stood is None:
            return None
        stood = stood.lower()
        end = next((i for i, ch in enumerate(stood) if ch.isspace()), len(stood)) if cut else len(stood)
        if end < 2:
            return None
        out.add(stood[:end])
    return tuple(sorted(out))


#: per (patterns, cut): a finder of their heads, and each head's length and the patterns it starts
_MANY_HEADS: dict[tuple[tuple[str, ...], bool], tuple[LiteralFinder, list[tuple[int, tuple[int, ...]]]]] = {}


def head_starts_many(patterns: tuple[str, ...], lowered: str, cut: bool = True) -> list[list[int] | None]:
    """For each of ``patterns``, every offset of ``lowered`` (a text's lower-cased ASCII stand-in) where a match of
    it may start, in order; None for a pattern with no head literals, or too many occurrences (search the whole
    text then). ``cut``: the match is looked for in a view of the text (see ``head_literals``). One pass over all
    the patterns' heads (a pass per pattern costs a read of the text each)."""
    heads = [head_literals(p, cut) for p in patterns]
    key = (patterns, cut)
    if key not in _MANY_HEADS:
        owners: dict[str, list[int]] = {}
        for i, hs in enumerate(heads):
            for h in hs or ():
                owners.setdefault(h, []).append(i)
        _MANY_HEADS[key] = (LiteralFinder(owners), [(len(w), tuple(ids)) for w, ids in owners.items()])
    finder, owned = _MANY_HEADS[key]
    out: list[list[int] | None] = [None] * len(patterns)
    if not finder.usable:
        return out
    found: list[set[int] | None] = [set() if hs is not None else None for hs in heads]
    for end, word in finder.iter(lowered):
        length, ids = owned[word]
        start = end - length + 1
        for i in ids:
            got = found[i]
            if got is not None:
                got.add(start)
                if len(got) > MAX_HEAD_STARTS:
                    found[i] = None
    for i, got in enumerate(found):
        if got is not None and heads[i] is not None:
            out[i] = sorted(got)
    return out
