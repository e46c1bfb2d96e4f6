"""Who wrote a file and for whom: the author's own project work, or text that is not their portfolio writing.

A repository holds more than its author's write-ups: course and lesson material, the knowledge base an app's
agent reads, instructions and plans for AI coding assistants, generated model cards and docs, contribution and
change logs. Evidence counts only from the author's work; the other classes are named in the rules file
(``[[provenance]]``: path globs and content cues), so a new assistant's folder is a data change.

Classes: ``author`` (the default), ``course``, ``knowledge_base``, ``assistant``, ``generated``, ``meta``,
``brief`` (a task statement written by someone else). They
apply to write-ups (markdown, text, notebooks' prose is the author's): code and configuration in a folder named
``corpus/`` or ``knowledge/`` is still the project's code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portfolio_check.engine.globs import GlobSet

AUTHOR = "author"
#: how much of a file's start content cues look at
HEAD_CHARS = 3000


@dataclass(frozen=True)
class ProvenanceRule:
    cls: str
    reason: str
    globs: tuple[str, ...]
    #: cues, any of which in a file's start says the class (each searched alone, where its words occur: one union
    #: of them all tries every cue at every offset)
    content: tuple[re.Pattern[str], ...] = ()


class Provenance:
    def __init__(self, rules: list[ProvenanceRule]) -> None:
        self.rules = rules
        globbed = [(g, r) for r in rules for g in r.globs]
        #: a glob naming a folder matches the path; one without a "/" matches the file's name too
        self._globs = GlobSet([g for g, _ in globbed], by_name=["/" not in g for g, _ in globbed])
        self._rule_of = [r for _, r in globbed]
        from portfolio_check.engine.anchors import required_literals

        #: per rule, its cues with the strings one of which any match of the cue holds (None: always search)
        self._cues = [[(cue, required_literals(cue.pattern)) for cue in r.content] for r in rules]

    def by_path(self, rel: str) -> ProvenanceRule | None:
        i = self._globs.first(rel)
        return None if i is None else self._rule_of[i]

    def classify(self, rel: str, head: str = "") -> str:
        """The class of a file from its path and, for content cues, the start of its text."""
        rule = self.by_path(rel)
        if rule is not None:
            return rule.cls
        if head:
            start = head[:HEAD_CHARS]
            lower = start.lower() if start.isascii() else None  # (case folding outside ASCII: search them all)
            for r, cues in zip(self.rules, self._cues, strict=True):
                for cue, needs in cues:
                    if lower is not None and needs is not None and not any(n in lower for n in needs):
                        continue  # none of the words the cue needs: no match possible
                    if cue.search(start):
                        return r.cls
        return AUTHOR


def under(rel: str, folders: set[str]) -> bool:
    """Whether ``rel`` lies inside one of ``folders`` (repo-relative, as code names them)."""
    return any(rel == f or rel.startswith(f + "/") or f"/{f}/" in f"/{rel}" for f in folders)
