"""The engine's shortcuts give exactly what the plain way gives: imports found without walking expressions come
in ``ast.walk``'s order; a set of globs as one regex agrees with fnmatch glob by glob."""

from __future__ import annotations

import ast
import fnmatch
import itertools
import sys

import pytest

from portfolio_check.engine.inventory import VENDORED_PATH_GLOBS, _excluded_by_glob
from portfolio_check.engine.readers.python import _statements

NESTED = '''
import os
def f():
    import json
    try:
        import a.b
    except ImportError:
        from c import d
    else:
        import e
    finally:
        import g
    with open("x") as h:
        import i
    class K:
        import j
        def m(self):
            if True:
                import k
            elif False:
                import l
            for _ in []:
                import n
            else:
                import o
    while False:
        import p
    return lambda: 1
import q
'''

MATCH = '''
match command:
    case "go":
        import r
    case _:
        import s
'''


@pytest.mark.parametrize("source", [NESTED, *([MATCH] if sys.version_info >= (3, 10) else [])])
def test_imports_come_in_ast_walk_order(source):
    tree = ast.parse(source)
    walked = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert len(walked) >= 2
    assert [n for n in _statements(tree) if isinstance(n, (ast.Import, ast.ImportFrom))] == walked


@pytest.mark.parametrize("rel", ["components/ui/button.tsx", "web/components/ui/card.tsx", ".github/prompts/x.md",
                                 "CLAUDE.md", "docs/CLAUDE.md", "src/app.py", ".cursor/rules/a.mdc", "a/.clinerules",
                                 ".clinerules-x", "README.md"])
def test_a_glob_set_as_one_regex_agrees_with_fnmatch(rel):
    name = rel.rsplit("/", 1)[-1]
    plain = any(fnmatch.fnmatchcase(name, g) or fnmatch.fnmatchcase(rel, g) for g in VENDORED_PATH_GLOBS)
    assert _excluded_by_glob(rel, VENDORED_PATH_GLOBS) is plain


@pytest.mark.parametrize(("pattern", "bound"), [
    (r"foo\s+bar", False), (r"foo[^\n]{0,40}bar", True), (r"foo.bar", True), (r"(?s:foo.bar)", False),
    (r"(?s)foo.bar", False), (r"a[^;]b", False), (r"\bx\b(?!\s*\d)", False), (r"\bx\b(?![ \t]*\d)", True),
    (r"a\nb", False), (r"[ \t]+x", True), (r"\W", False), (r"\S+", True), (r"\D", False), (r"(a)\1", False),
])
def test_line_bound_says_whether_a_match_can_see_past_a_line(pattern, bound):
    from portfolio_check.engine.anchors import line_bound

    assert line_bound(pattern) is bound


def test_line_bound_rules_find_the_same_matches_line_by_line_as_over_the_whole_text():
    import re

    from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT

    from portfolio_check.engine.anchors import line_bound
    from portfolio_check.engine.rules import bundled_rules

    texts = [t for files in (AI_APP, MODEL_PROJECT, MEMO_REPO) for t in files.values() if isinstance(t, str)]
    texts += [t.replace("e", "é") for t in texts]
    bound = [s for s in bundled_rules().regex_sources() if line_bound(s)]
    assert len(bound) > 50
    compared = 0
    for src in bound:
        rx = re.compile(src, re.MULTILINE)
        for text in texts:
            whole = [m.span() for m in rx.finditer(text)]
            by_line, start = [], 0
            for line in text.split("\n"):
                by_line += [m.span() for m in rx.finditer(text, start, start + len(line))]
                start += len(line) + 1
            assert by_line == whole, src
            compared += len(whole)
    assert compared > 30


def test_needs_non_ascii_spots_a_positive_non_ascii_character_only():
    from portfolio_check.engine.anchors import needs_non_ascii

    assert needs_non_ascii("r²") and needs_non_ascii("[²2]x")
    assert not needs_non_ascii(r"(?<![~≤])\d+ ms") and not needs_non_ascii("[^≤]x") and not needs_non_ascii("plain")


@pytest.mark.parametrize(("pattern", "heads"), [
    (r"\b(?:foo|Bar)\s+x", ("bar", "foo")), (r"(?<!x)\bab\d", ("ab",)), (r"\d+\s*ms", None),
    (r"(?i:Latency time)", ("latency",)), (r"a|bc", None), (r"r²|rmse", ("r_", "rmse")), (r"(?:xy)?zz", None),
    (r"(?:ab)+c", ("ab",)), (r"^[ \t]*def", None), (r"[Aa]b", ("ab",)), (r"(?=ab)abc", ("abc",)),
])
def test_head_literals_are_what_every_match_starts_with(pattern, heads):
    from portfolio_check.engine.anchors import head_literals

    assert head_literals(pattern) == heads


def test_matching_only_where_a_head_occurs_finds_what_a_whole_search_finds():
    import re

    from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT

    from portfolio_check.engine.anchors import head_literals, head_starts_many
    from portfolio_check.engine.readers.views import markdown_views, python_views
    from portfolio_check.engine.rules import MAX_TRIES, _lowered, _matches_at, bundled_rules

    texts = [t for files in (AI_APP, MODEL_PROJECT, MEMO_REPO) for t in files.values() if isinstance(t, str)]
    texts += [t.replace("e", "é").replace("0.9", "0.9 · r² ") for t in texts]
    texts += [t.replace("s", "ſ").replace("i", "ı").replace("K", "\u212a") for t in texts[:20]]
    texts += ["accuracy: 0.91\nacc=0.5 (r²: 0.7) “I don’t know” p95 latency 120 ms", "x" * 50 + "ACCURACY = 0.93",
              "We re-ran it and reran it: the trade-offs, tradeoffs; lessons learned because it failed; why? cons."]
    rules = bundled_rules()
    headed = [s for s in [*rules.regex_sources(), *rules.writeup_terms.sources] if head_literals(s)]
    assert len(headed) > 100
    compared = 0
    for src in headed:
        rx = re.compile(src, re.MULTILINE)
        for text in texts:
            lowered = _lowered(text)
            if lowered is None:
                continue
            for view in (text, python_views(text).get("text"), markdown_views(text).get("text")):
                starts = head_starts_many((src,), lowered)[0]
                if starts is None:
                    continue
                whole = [m.span() for m in rx.finditer(view)][:MAX_TRIES]
                assert [m.span() for m in _matches_at(rx, view, starts)] == whole, src
                compared += len(whole)
            # heads with their blanks, in the text itself: every match
            starts = head_starts_many((src,), lowered, cut=False)[0]
            if starts is not None:
                whole = [m.span() for m in rx.finditer(text)]
                assert [m.span() for m in _matches_at(rx, text, starts, most=1 << 30)] == whole, src
    assert compared > 100


def test_where_many_patterns_may_start_one_pass_finds_each_patterns_own_starts():
    import random

    from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT

    from portfolio_check.engine.anchors import head_literals, head_starts_many
    from portfolio_check.engine.rules import _lowered, bundled_rules

    texts = [t for files in (AI_APP, MODEL_PROJECT, MEMO_REPO) for t in files.values() if isinstance(t, str)]
    texts += ["We re-ran it and reran it: the trade-offs; lessons learned because it failed. p95 latency 120 ms"]
    rules = bundled_rules()
    sources = [*rules.regex_sources(), *rules.writeup_terms.sources]
    rnd = random.Random(5)
    checked = 0
    for text in texts:
        lowered = _lowered(text)
        assert lowered is not None
        for cut in (True, False):
            group = tuple(rnd.sample(sources, 12))
            # each pattern's starts on its own: every offset where one of its heads occurs
            alone = []
            for src in group:
                heads = head_literals(src, cut)
                alone.append(None if heads is None else sorted(
                    {i for h in heads for i in range(len(lowered)) if lowered.startswith(h, i)}))
            assert head_starts_many(group, lowered, cut) == alone
            checked += sum(len(a) for a in alone if a)
    assert checked > 50


def test_literals_found_natively_come_as_one_aho_corasick_pass_gives_them(monkeypatch):
    import random

    from portfolio_check.engine import hyper
    from portfolio_check.engine.anchors import LiteralFinder, automaton
    from portfolio_check.engine.rules import bundled_rules

    gate = hyper.build_gate(bundled_rules().regex_sources())
    if gate is None:
        pytest.skip("no native gate on this platform")
    rnd = random.Random(17)
    words = ["learned", "lessons learned", "ned", "d", "aa", "a", "aaa", "ons l", "re-ran", "ran"]
    texts = ["".join(rnd.choice(["a", "d", "ned", "lessons ", "learned", " ", "re-", "ran", "\n"])
                     for _ in range(rnd.randint(0, 30))) for _ in range(400)]
    monkeypatch.setattr(hyper, "ACTIVE", gate)
    monkeypatch.setattr(LiteralFinder, "NATIVE_AFTER", 0)  # (natively from the first text on)
    checked = 0
    for _ in range(30):
        chosen = rnd.sample(words, rnd.randint(1, len(words)))
        finder, aho = LiteralFinder(chosen), automaton((w, i) for i, w in enumerate(chosen))
        for text in texts:
            native = finder.iter(text)
            assert isinstance(native, list)  # (found by Hyperscan, not the fallback)
            assert native == list(aho.iter(text)), (chosen, text)
            checked += len(native)
    assert checked > 1000
    # a literal holding NUL is never compiled natively (the binding cuts it there): the plain automaton finds it
    with_nul = LiteralFinder(["a\x00b", "y"])
    assert list(with_nul.iter("xa yab a\x00b")) == [(3, 1), (9, 0)]


def test_context_looked_for_where_its_words_start_is_what_a_search_of_the_window_finds():
    import random

    from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT

    from portfolio_check.engine.rules import _context, _occurs, bundled_rules

    rules = bundled_rules()
    regexes = [_context(p.near, p.ignore_case) for p in rules.patterns if p.near] + \
        [_context(p.not_near, p.ignore_case) for p in rules.patterns if p.not_near]
    assert len(regexes) > 5
    texts = [t for files in (AI_APP, MODEL_PROJECT, MEMO_REPO) for t in files.values() if isinstance(t, str)]
    texts += ["def test_x():\n    assert x == 1  # pytest.raises\n    expect (y).should\n", "ASSERT_EQUAL; assertEqual"]
    rnd = random.Random(23)
    found = 0
    for rx in regexes:
        for text in texts:
            for _ in range(8):
                start = rnd.randint(0, len(text))
                end = rnd.randint(start, len(text))
                window = text[start:end]
                lower = window.lower() if window.isascii() else None
                whole = rx.search(text, start, end) is not None
                assert _occurs(rx, text, start, end, lower) == whole, (rx.pattern, window)
                found += whole
    assert found > 20


def test_fast_spellings_of_a_python_files_searches_find_what_the_plain_ones_find():
    import random
    import re

    from portfolio_check.engine.readers.python import (
        _IMPORT_STMT,
        _STATUS_4XX,
        _TRY_LINE,
        _has_try_line,
        import_statements,
    )

    plain_status = re.compile(r"\b(?:4_?\d_?\d|0[xXoObB][0-9a-fA-F_]+)\b|HTTP_4")

    rnd = random.Random(29)
    alphabet = ["4", "0", "x", "_", "1", " ", "\n", "a", "HTTP_", "é", "try", ":", "\t", "4_0_4", "0x1F"]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        assert (_STATUS_4XX.search(text) is None) == (plain_status.search(text) is None), text
        assert _has_try_line(text) == (_TRY_LINE.search(text) is not None), text
    words = ["from", "import", " ", "\t", "\n", ".", "x", "os", "é", "(", "fromimport", "a.b"]
    for _ in range(20000):
        text = "".join(rnd.choice(words) for _ in range(rnd.randint(0, 12)))
        assert [m.span() for m in import_statements(text)] == [m.span() for m in _IMPORT_STMT.finditer(text)], text


def test_js_imports_found_by_their_words_are_those_the_plain_spelling_finds():
    import random
    import re

    from portfolio_check.engine.readers.javascript import JS_IMPORT

    plain = re.compile(
        r"""(?:\bimport\s{1,20}(?:type\s{1,20})?(?:[\w*${}\s,]{1,500}?\s{1,20}from\s{0,20})?|"""
        r"""\bexport\s{1,20}[\w*{}\s,]{1,500}?\s{1,20}from\s{0,20}|\brequire\s{0,20}\(\s{0,20}|\bimport\s{0,20}\(\s{0,20})"""
        r"""["']([^"'\s]{1,300})["']""")
    rnd = random.Random(41)
    alphabet = ["import", "export", "require", "from", " ", "(", "'", '"', "x", "_", "{ a }", "type", "é", "\n", "re"]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        assert [m.span(1) for m in JS_IMPORT.finditer(text)] == [m.span(1) for m in plain.finditer(text)], text


def test_anchors_looked_for_pattern_by_pattern_are_those_of_one_pass_for_all():
    import random

    from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT

    from portfolio_check.engine.rules import bundled_rules

    texts = [t.lower() for files in (AI_APP, MODEL_PROJECT, MEMO_REPO) for t in files.values() if isinstance(t, str)]
    rnd = random.Random(3)
    rules = bundled_rules()
    checked = 0
    for role in ("code", "doc", "notebook", "test", "config"):
        pre = rules.matcher(role, "x").prefilter
        for text in texts:
            for cap in (1, 3, 64):
                full = pre.candidates(text, cap)
                ids = rnd.sample(range(pre.count), min(6, pre.count))
                presence = frozenset(ids[:2])
                one_by_one = pre.candidates_of(text, ids, cap, presence)
                expected = {i: (full[i][:1] if i in presence else full[i]) for i in ids if i in full}
                assert one_by_one == expected, (role, ids)
                checked += len(expected)
    assert checked > 100


def test_plain_imports_read_without_a_parser_name_what_the_parser_names():
    import ast
    import itertools

    from portfolio_check.engine.readers.python import _plain_import

    def by_ast(line: str) -> list[str] | None:
        try:
            tree = ast.parse(line.strip())
        except SyntaxError:
            return None
        out: list[str] = []
        for node in tree.body:
            if isinstance(node, ast.Import):
                out += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                out += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        return out

    heads = ["import os", "import os.path as p", "import a.b.c, d as e,f", "from a.b import c", "from x import *",
             "from __future__ import annotations", "from . import x", "from ..pkg.mod import y as z, w",
             "import if", "import a as if", "from if import x", "from a import class", "import a.if",
             "from a import b,", "import a . b", "from a import (b)", "import ﬁle", "import a; import b",
             "from a import b as c as d", "import", "from a import", "from .a import b"]
    checked = 0
    for head, lead, tail in itertools.product(heads, ["", "    ", "\t"], ["", "   ", "\t  "]):
        line = lead + head.replace(" ", "  " if tail == "   " else " ") + tail
        fast = _plain_import(line)
        if fast is not None:
            assert list(fast) == by_ast(line), line
            checked += 1
    assert checked > 60


def test_string_bodies_end_where_the_plain_spelling_of_their_grammar_ends():
    import random
    import re

    from portfolio_check.engine.readers.views import _PY_CLOSE

    plain = {  # each body as the grammar says it: any character but the quote or a backslash, or an escape
        '"""': r'(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|\Z)',
        "'''": r"(?:[^'\\]|\\[\s\S]|'(?!''))*(?:'''|\Z)",
        '"': r'(?:[^"\\\n]|\\[\s\S])*(?:"|(?=\n)|\Z)',
        "'": r"(?:[^'\\\n]|\\[\s\S])*(?:'|(?=\n)|\Z)",
    }
    rnd = random.Random(11)
    alphabet = ['"', "'", "\\", "\n", "a", " ", "é", '"""', "'''"]
    for quote, spelled in plain.items():
        rx = re.compile(spelled)
        for _ in range(3000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
            a, b = rx.match(text), _PY_CLOSE[quote].match(text)
            assert (a and a.end()) == (b and b.end()), (quote, text)


def _python_views_plainly(src: str) -> tuple[str, str]:
    """The two code views of Python source the plain way: search for the next comment or string opener (a look-behind
    tried at every offset), then read the string's body."""
    import re

    from portfolio_check.engine.readers.views import _PY_CLOSE, blank

    either = re.compile(r"""#|(?<![\w])[rRbBuUfF]{0,2}(?:\"\"\"|'''|"|')""")
    no_comments, no_strings = [], []
    pos, n = 0, len(src)
    while pos < n:
        m = either.search(src, pos)
        if m is None:
            break
        start = m.start()
        no_comments.append(src[pos:start])
        no_strings.append(src[pos:start])
        if m.group() == "#":
            end = src.find("\n", start)
            end = n if end < 0 else end
            no_comments.append(" " * (end - start))
            no_strings.append(" " * (end - start))
        else:
            body = _PY_CLOSE[m.group().lstrip("rRbBuUfF")].match(src, m.end())
            end = body.end() if body is not None else n
            no_comments.append(src[start:end])
            no_strings.append(m.group() + blank(src[m.end():end]))
        pos = end
    return "".join(no_comments) + src[pos:], "".join(no_strings) + src[pos:]


def test_blanking_turns_every_character_but_newlines_into_a_space():
    import random
    import re

    from portfolio_check.engine.readers.views import blank

    rnd = random.Random(19)
    alphabet = ["a", " ", "\n", "\r", "\t", "é", "😀", "\x00", "\u2028", "\x7f", "\n\n"]
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 20)))
        assert blank(text) == re.sub(r"[^\n]", " ", text), repr(text)


def test_fences_found_by_their_marks_are_those_a_search_for_fence_lines_finds():
    import random

    from portfolio_check.engine.readers.views import _MD_FENCE, fences

    rnd = random.Random(31)
    alphabet = ["`", "```", "~~~", "~", " ", "\t", "\n", "a", "    ", "python", "é"]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        assert [m.span() for m in fences(text)] == [m.span() for m in _MD_FENCE.finditer(text)], repr(text)


def test_notable_markdown_lines_are_the_lines_that_may_be_a_heading_or_hold_an_image():
    import random
    import re

    from portfolio_check.engine.readers.markdown import _FIRST_HEADING_LINE, _notable_lines

    rnd = random.Random(37)
    alphabet = ["#", "=", "-", " ", "\n", "a", "![", "<img", "<IMG", "<video", "<", "!", "[", "https://github.com/",
                "\t", "é"]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        plain, at = [], 0
        for line in text.split("\n"):
            if _FIRST_HEADING_LINE.match(text, at) or "![" in line or re.search("<(?:img|video|IMG)", line):
                plain.append(at)
            at += len(line) + 1
        assert _notable_lines(text) == plain, repr(text)


def test_python_views_are_what_a_plain_search_for_each_comment_and_string_gives():
    import random

    from _portfolio import AI_APP, MODEL_PROJECT

    from portfolio_check.engine.readers.views import python_views

    rnd = random.Random(13)
    alphabet = ['"', "'", "#", "r", "b", "F", "u", "x", "_", "é", "²", " ", "(", "\n", "\\", '"""', "'''", "rb",
                "1", "f'", 'print"']
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 16))) for _ in range(30000)]
    texts += [t for files in (AI_APP, MODEL_PROJECT) for p, t in files.items() if p.endswith(".py")]
    for text in texts:
        views = python_views(text)
        assert (views.strings, views.text) == _python_views_plainly(text), text


@pytest.mark.parametrize(("pattern", "sensitive"), [
    (r"[^s]", True), (r"(?!is)x", True), (r"[^a-z]b", True), (r"\1", True), (r"[^\n]{0,300}", False),
    (r"a(?!=)", False), (r"(?![\w])", False), (r"x(?<!\wx)", False), (r"(?i)use", False),
])
def test_fold_sensitive_patterns_are_negations_that_may_name_a_folding_letter(pattern, sensitive):
    from portfolio_check.engine.anchors import fold_sensitive

    assert fold_sensitive(pattern) is sensitive


@pytest.mark.parametrize(("pattern", "anchors"), [
    (r"\bre-?ran\b", {"reran", "re-ran"}), (r"post[-_]?mortem", {"mortem"}), (r"(?i)Post-?Mortem", {"postmortem",
     "post-mortem"}), (r"a?bc", {"bc"}), (r"[Aa]bc", {"abc"}), (r"x[-_]y", None), (r"lessons? learned",
     {"lesson learned", "lessons learned"}),
])
def test_anchors_fork_at_an_optional_character(pattern, anchors):
    from portfolio_check.engine.anchors import parse_literals

    assert parse_literals(pattern) == (frozenset(anchors) if anchors is not None else None)


def test_every_match_of_every_rule_holds_one_of_its_anchors():
    import re

    from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT

    from portfolio_check.engine.anchors import parse_literals
    from portfolio_check.engine.rules import bundled_rules

    texts = [t for files in (AI_APP, MODEL_PROJECT, MEMO_REPO) for t in files.values() if isinstance(t, str)]
    texts += ["We re-ran it; a post-mortem and a postmortem; lessons learned; trade-offs and tradeoffs."]
    checked = 0
    for src in bundled_rules().regex_sources():
        lits = parse_literals(src)
        if lits is None:
            continue
        rx = re.compile(src, re.MULTILINE)
        for text in texts:
            for m in rx.finditer(text):
                assert any(lit in m.group().lower() for lit in lits), (src[:80], m.group())
                checked += 1
    assert checked > 100


TRY_SOURCE = '''
import requests


def fetch(url):
    try:
        return requests.get(url, params={"q": 1}).json()
    except requests.ConnectionError:
        return requests.get(MIRROR + url).json()
    finally:
        log("done")


class Client:
    def answer(self, q):
        for attempt in range(3):
            try:
                result = self.llm.invoke(q)
                try:
                    parse(result)
                except ValueError:
                    result = self.backup_llm.invoke(q)
            except RateLimitError:
                continue
            else:
                return result
        text = """
try:
    not code
"""
        return None
'''


def test_try_blocks_are_the_outermost_try_statements_with_their_clauses():
    from portfolio_check.engine.readers.python import try_blocks
    from portfolio_check.engine.readers.views import python_views

    code = python_views(TRY_SOURCE).get("text")
    blocks = try_blocks(code)
    assert [TRY_SOURCE[s:e].splitlines()[0].strip() for s, e, _ in blocks] == ["try:", "try:"]
    assert [TRY_SOURCE[s:e].splitlines()[-1].strip() for s, e, _ in blocks] == ['log("done")', "return result"]
    assert [indent for _, _, indent in blocks] == [" " * 4, " " * 12]


@pytest.mark.parametrize("source", [TRY_SOURCE, TRY_SOURCE.replace("    ", "\t"),
                                    TRY_SOURCE.replace("RateLimitError", "RateLimitError as e")])
def test_try_statements_read_alone_give_the_shapes_the_whole_file_gives(source):
    import ast

    from portfolio_check.engine.readers.base import FileFacts
    from portfolio_check.engine.readers.python import _try_shapes_only, shapes
    from portfolio_check.engine.readers.views import python_views

    alone, whole = FileFacts("a.py"), FileFacts("a.py")
    assert _try_shapes_only(alone, source, python_views(source).get("text"), "code", set())
    shapes(whole, source, "code", tree=ast.parse(source), refs=False, calls=False)
    assert alone.hits and alone.hits == whole.hits


def test_libraries_found_by_index_are_those_a_scan_of_every_library_finds():
    from portfolio_check.engine.rules import _norm, _npm_match, bundled_rules

    rules = bundled_rules()
    libs = rules.libraries
    modules = {m for lib in libs for m in lib.modules}
    names = modules | {f"{m}.sub.x" for m in modules} | {m.split(".")[0] for m in modules} | {"", "x", ".rel", "a..b"}
    for module in sorted(names):
        assert rules.library_for_module(module) == [
            lib for lib in libs if any(module == m or module.startswith(m + ".") for m in lib.modules)], module
    packages = {n for lib in libs for n in lib.npm}
    for package in sorted(packages | {p + "x/y" for p in packages} | {"react", "@scope/pkg", ""}):
        assert rules.library_for_npm(package) == [lib for lib in libs if any(_npm_match(package, n) for n in lib.npm)]
    for dist in sorted({d for lib in libs for d in lib.dists} | {"Scikit-Learn", "torch", "x"}):
        assert rules.library_for_dist(dist) == [lib for lib in libs if _norm(dist) in lib.dists]


@pytest.mark.parametrize("count", [1, 23, 120, 3151, 13648, 100_000])
def test_batches_cover_the_work_in_order_and_shrink_towards_the_end(count):
    from portfolio_check.engine.scan import CHUNK, MAX_CHUNK, batches

    got = batches(count, 2)
    assert got[0][0] == 0 and got[-1][1] == count
    assert all(a[1] == b[0] for a, b in itertools.pairwise(got))
    sizes = [b - a for a, b in got]
    assert all(s <= MAX_CHUNK for s in sizes) and all(s >= CHUNK for s in sizes[:-1])
    assert sizes == sorted(sizes, reverse=True)[: len(sizes) - 1] + sizes[-1:]  # never grows (the last is the rest)
    assert sizes[0] <= max(CHUNK, count // 32)  # a first batch no bigger than a sixteenth of a process's share


@pytest.mark.parametrize(("listed", "expected"), [(0, 0), (5, 5), (5000, 5000), (3000, 5000), (16000, 16300),
                                                  (100, 5000)])
def test_work_still_being_listed_is_handed_out_whole_in_order_and_shrinking_at_the_end(listed, expected):
    from portfolio_check.engine.scan import MAX_CHUNK, _batched

    def listing():  # a listing that leaves some of the paths it expected out
        for i in range(listed):
            yield (f"f{i}.py", "python")

    got = list(_batched(listing(), expected, 2))
    assert [item for batch in got for item in batch] == [(f"f{i}.py", "python") for i in range(listed)]
    assert all(batch for batch in got) and all(len(batch) <= MAX_CHUNK for batch in got)
    if len(got) > 2:
        assert len(got[-2]) <= len(got[0])  # the end is cut to the true size of what is left, not the plan's


@pytest.mark.parametrize("text", ["import os", "  x = 1  ", "a  b", "a\tb", "tab\there", "ctl\x07x", "bidi\u202ex",
                                  "é  ü", "x" * 300, " " * 5, "", "a\x7fb", "line\r"])
def test_a_snippet_is_what_removing_controls_and_collapsing_spaces_gives(text):
    import re

    from portfolio_check.engine.readers.base import _CONTROL, _SPACE, SNIPPET_MAX, snippet

    s = _SPACE.sub(" ", _CONTROL.sub("", text)).strip()
    assert snippet(text) == (s if len(s) <= SNIPPET_MAX else s[: SNIPPET_MAX - 1].rstrip() + "…")
    assert not re.search(r"[\x00-\x1f\x7f]", snippet(text))
