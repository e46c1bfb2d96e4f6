"""The native regex gate (Hyperscan): it may only rule out regexes that cannot match, so reports are the same with
and without it; its cache is never trusted blindly. Skipped where the hyperscan wheel is missing (the pure-Python
path is then the only one, and every other test exercises it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from _ci import run
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT, NOTEBOOK_ONLY
from _repos import EVIDENCE_CASES, write_tree

from portfolio_check.engine import hyper
from portfolio_check.engine.rules import bundled_rules

hs = pytest.importorskip("hyperscan")


@pytest.fixture(scope="module")
def gate(tmp_path_factory) -> hyper.Gate:
    import os

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    g = hyper.build_gate(bundled_rules().regex_sources())
    assert g is not None
    return g


@pytest.mark.parametrize(("rx", "wide"), [
    (r"a[^\n]{0,300}?b", r"a[^\n]*?b"),
    (r"x.{1,40}y", r"x.+y"),
    (r"x.{3,40}y", r"x.{3,}y"),
    (r"x.{0,5}y", r"x.{0,5}y"),  # short repeats stay
    (r"[{0,20}]\{0,20}", r"[{0,20}]\{0,20}"),  # in a class, or escaped: not a repeat
    (r"[]{0,20}]{0,30}", r"[]{0,20}]*"),
])
def test_widen_makes_long_bounded_repeats_unbounded_and_nothing_else(rx, wide):
    assert hyper.widen(rx) == wide


def _texts() -> list[str]:
    texts = []
    for files in [AI_APP, MODEL_PROJECT, MEMO_REPO, NOTEBOOK_ONLY, *(case[3] for case in EVIDENCE_CASES)]:
        texts += [t for t in files.values() if isinstance(t, str)]
    # the same texts as a non-English author writes them: accents, other scripts, typographic punctuation
    texts += [t.replace("e", "é").replace(" - ", " — ").replace("ms", "ms · 日本") for t in texts[:40]]
    texts += ["Latency p95: 120 ms → 95 ms (−21 %) après le cache", "Précision 0,91 · rappel 0,88 · F1 0,89",
              "Ｆｕｌｌ-width ｌａｔｅｎｃｙ 120ms", "naïve baseline r² = 0.71\u00a0(vs 0.52)"]
    # characters re.IGNORECASE matches to ASCII letters (Turkish dotted and dotless i, the long s, the Kelvin sign)
    folds = [("s", "ſ"), ("k", "\u212a"), ("i", "ı"), ("I", "İ")]
    texts += [t.replace(a, b) for t in texts[:60] for a, b in folds]
    texts += ["Doğruluk İyileştirme: latency 120 ms", "ſelf-conſiſtency eval; risk: high", "a[^s]b ſ k\u212a"]
    return texts


def test_the_gate_never_rules_out_a_regex_that_matches(gate):
    sources = list(gate.index)
    compiled = [re.compile(s, re.MULTILINE) for s in sources]
    checked = 0
    for text in _texts():
        allowed = gate.scan(text)
        if allowed is None:
            continue
        for i, rx in enumerate(compiled):
            if rx.search(text):
                assert i in allowed, (sources[i][:120], text[:200])
                checked += 1
    assert checked > 200  # the texts exercise many rules


@pytest.mark.parametrize("text", ["a\x1cb", "version ٣"])
def test_texts_the_gate_cannot_judge_are_not_gated(gate, text):
    assert gate.scan(text) is None


@pytest.mark.parametrize("text", ["ſecret", "\u212aelvin", "İstanbul", "Yıldız"])
def test_letters_that_fold_to_ascii_are_judged_and_negations_naming_them_never_ruled_out(gate, text):
    from portfolio_check.engine.anchors import fold_sensitive

    allowed = gate.scan(text)
    assert allowed is not None
    negations = [i for s, i in gate.index.items() if fold_sensitive(s)]
    assert negations and all(i in allowed for i in negations)
    assert gate.scan(text.encode("ascii", "replace").decode()) is not None


def test_reports_are_identical_with_and_without_the_gate(tmp_path, monkeypatch):
    files: dict[str, str | bytes] = {}
    for name, tree in (("rag", AI_APP), ("churn", MODEL_PROJECT), ("memo", MEMO_REPO), ("nb", NOTEBOOK_ONLY)):
        files |= {f"{name}/{k}": v for k, v in tree.items()}
    for n, case in enumerate(EVIDENCE_CASES):
        files |= {f"case{n}/{k}": v for k, v in case[3].items()}
    files["docs/fr.md"] = ("# Résultats\n\n| modèle | précision | latence p95 |\n|---|---|---|\n"
                           "| base | 0,81 | 120 ms |\n")
    root = write_tree(tmp_path / "tree", files)
    outs = {}
    for mode in ("on", "off"):
        monkeypatch.setenv("PORTFOLIO_CHECK_GATE", mode)
        result = run(str(root), "--format", "json")
        assert result.exit_code == 0, result.output
        outs[mode] = result.stdout
    assert outs["on"] == outs["off"]
    assert any(e["status"] != "missing" for e in json.loads(outs["on"])["repos"][0]["evidence"])


def test_a_corrupt_or_foreign_cache_is_rebuilt_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    sources = [r"(?:\blatency\b)", r"(?i:\bp95\b)"]
    first = hyper.build_gate(sources)
    assert first is not None
    assert first.scan("p95 is fine") == frozenset({1, hyper.UNKNOWN})
    (cached,) = (tmp_path / "portfolio-check").glob("gate-*.hsdb")
    data = bytearray(cached.read_bytes())
    data[-10] ^= 0xFF  # one flipped byte in the database
    cached.write_bytes(bytes(data))
    again = hyper.build_gate(sources)
    assert again is not None and again.scan("latency p95") == frozenset({0, 1, hyper.UNKNOWN})
    assert cached.read_bytes() != bytes(data)  # rebuilt and stored afresh
    cached.write_bytes(b"not a gate at all")
    assert hyper.build_gate(sources).scan("latency") == frozenset({0, hyper.UNKNOWN})  # type: ignore[union-attr]


def test_an_unwritable_cache_only_means_compiling_again(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where the folder should be
    g = hyper.build_gate([r"(?:\bdrift\b)"])
    assert g is not None and g.scan("data drift") == frozenset({0, hyper.UNKNOWN})


def test_big_repositories_turn_the_gate_on_small_ones_do_not(monkeypatch):
    from portfolio_check.engine.scan import GATE_MIN_FILES, gate_for

    rules = bundled_rules()
    monkeypatch.delenv("PORTFOLIO_CHECK_GATE", raising=False)
    assert gate_for(rules, GATE_MIN_FILES - 1) is None  # a small scan never pays for the database
    assert gate_for(rules, GATE_MIN_FILES) is not None
    monkeypatch.setenv("PORTFOLIO_CHECK_GATE", "off")
    assert gate_for(rules, 10 * GATE_MIN_FILES) is None
    monkeypatch.setenv("PORTFOLIO_CHECK_GATE", "on")
    assert gate_for(rules, 1) is not None
    assert Path(hyper.cache_dir()).name == "portfolio-check"


@pytest.mark.parametrize(("rel", "role", "text", "tag"), [
    ("a.py", "code", "x = ſanitize(y)\n", "input_limit"),
    ("a.py", "code", "x = SANİTIZE(y)\n", "input_limit"),
    ("README.md", "doc", "We compare against a baſeline model.\n", "baseline_prose"),
    ("README.md", "doc", "We compare against a baselıne model.\n", "baseline_prose"),
])
def test_words_written_with_letters_that_fold_to_ascii_match_as_the_regex_matches_them(gate, rel, role, text, tag,
                                                                                         monkeypatch):
    """re.IGNORECASE matches ſ to s and ı, İ to i: a rule's word written with them is found, gate or no gate (the
    literal prefilter used to miss it: str.lower() keeps ſ and ı, and makes İ two characters)."""
    from portfolio_check.engine.readers.views import markdown_views, python_views

    views = python_views(text) if rel.endswith(".py") else markdown_views(text)
    matcher = bundled_rules().matcher(role, rel)
    assert any(re.search(e.source, text, re.M) for e in matcher.entries if e.tag == tag)
    for active in (None, gate):
        monkeypatch.setattr(hyper, "ACTIVE", active)
        assert tag in {m.tag for m in matcher.find(views)}, active
