"""The engine's shortcuts give exactly what the plain way gives: imports found without walking expressions come
in ``ast.walk``'s order; a set of globs as one regex agrees with fnmatch glob by glob."""

from __future__ import annotations

import ast
import fnmatch
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
