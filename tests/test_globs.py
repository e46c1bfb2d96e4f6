"""Glob sets answer exactly what fnmatch answers, one glob at a time, however the path is spelled."""

from __future__ import annotations

import fnmatch
import random
import re

import pytest

from portfolio_check.engine.globs import GlobSet, literal_run
from portfolio_check.engine.rules import bundled_rules

PATHS = [
    "README.md", "readme.MD", "docs/CHANGELOG.rst", "src/app/evals/golden.jsonl", "EVALS/cases.JSONL",
    "models/clf.PKL", "a/b/c/screenshot-1.png", "Dockerfile", "deploy/dockerfile.prod", "tests/test_api.py",
    "pkg/tests/unit/test_x.py", "web/src/App.test.tsx", "x/.github/workflows/ci.yml", ".github/workflows/ci.yaml",
    "notes/ﬁle-ſcreenshot.png", "docs/KELVIN-\u212aB.md", "data/İstanbul/golden.csv", "a/[weird]/name?.txt",
    "deep/" * 30 + "model.onnx", "", "x", "café/evals/ü.jsonl", "grafana/dashboards/main.json",
]


def brute(regexes: list[re.Pattern[str]], by_name: list[bool], rel: str) -> list[int]:
    name = rel.rsplit("/", 1)[-1]
    out = []
    for i, rx in enumerate(regexes):
        if rx.match(rel) or (by_name[i] and rx.match(name)):
            out.append(i)
    return out


def rule_globs() -> list[str]:
    rules = bundled_rules()
    found = [g for sig in rules.path_signals for g in sig.globs]
    found += [g for p in rules.patterns for g in p.paths]
    found += list(rules.test_globs)
    found += [g for r in rules.provenance.rules for g in r.globs]
    return list(dict.fromkeys(found))


@pytest.mark.parametrize("ignore_case", [True, False])
def test_every_rule_glob_matches_exactly_as_fnmatch_does(ignore_case):
    globs = rule_globs()
    rnd = random.Random(5)
    by_name = [rnd.random() < 0.5 for _ in globs]
    gs = GlobSet(globs, by_name=by_name, ignore_case=ignore_case)
    paths = list(PATHS)
    for g in globs:  # a path made from each glob, in several spellings
        made = g.replace("*", "x/y").replace("?", "q").replace("[jt]", "t").replace("[!", "[")
        made = re.sub(r"\[([^\]]*)\]", lambda m: m.group(1)[:1] or "z", made)
        paths += [made, made.upper(), made.swapcase(), "top/" + made, made.replace("s", "\u017f")]
    regexes = [re.compile(fnmatch.translate(g), re.IGNORECASE if ignore_case else 0) for g in globs]
    for rel in paths:
        expected = brute(regexes, by_name, rel)
        assert gs.matching(rel) == expected, rel
        assert gs.first(rel) == (expected[0] if expected else None)
        assert gs.any(rel) == bool(expected)


def test_the_literal_of_a_glob_is_text_every_match_holds():
    assert literal_run("*/evals/*.jsonl") == "/evals/"
    assert literal_run("*.[jt]sx") == "sx"
    assert literal_run("CHANGELOG*") == "changelog"
    assert literal_run("*") == ""


def test_globs_without_literals_are_still_tried():
    gs = GlobSet(["*", "?", "[ab]*"], by_name=False)
    assert gs.matching("b/c") == [0, 2]
    assert gs.matching("q") == [0, 1]
