"""Write-ups judged whole: technical memos and postmortems, from what a document says, not its headings alone.

A memo weighs tradeoffs, reports metrics and decisions and says what would come next; a postmortem says what
failed, why, and how it was fixed. Both are judged per section (a heading and the prose under it) and per
document (a README, a dedicated file, or all the markdown cells of a notebook taken together, so a write-up split
over many short cells or subsections is not judged piece by piece as thin). The cue words and thresholds live in
the rules file (``[memo]``, ``[postmortem]``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from portfolio_check.engine.globs import GlobSet
from portfolio_check.engine.readers.base import FileFacts, Section
from portfolio_check.engine.rules import Rules

#: a section that tells what failed, why and what fixed it, under any heading
PM_SECTION_MIN_WORDS = 80
#: a notebook or README whose prose, taken whole, weighs choices: words and rationale terms
WHOLE_DOC_MIN_WORDS = 500
WHOLE_DOC_MIN_RATIONALE = 8
#: ... and dense enough: one rationale term per this many words (a long run guide with a few "because" is not)
WHOLE_DOC_WORDS_PER_TERM = 150


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in patterns)


@lru_cache(maxsize=4)
def _doc_globs(globs: tuple[str, ...]) -> GlobSet:
    """The globs of a dedicated memo's file (its path or its name, case as written)."""
    return GlobSet(globs, by_name=True, ignore_case=False)


def _matches(patterns: list[str], text: str) -> bool:
    return any(rx.search(text) for rx in _compiled(tuple(patterns)))


def _tells_a_failure(failure: int, cause: int, fix: int) -> bool:
    """Several failures named, with causes and fixes: a debugging story, not a passing 'fixes its mistakes'."""
    return failure >= 3 and cause >= 2 and fix >= 2


def _thin_failure_note(sec: Section, thin_headings: list[str]) -> bool:
    """A known-issues, limitations or troubleshooting note, or a section that says what failed and why but not how
    it was fixed."""
    if _matches(thin_headings, sec.title) and sec.words >= 10:
        return True
    return sec.failure >= 3 and sec.cause >= 2 and sec.words >= 80 and sec.level >= 2


def judge(ff: FileFacts, rules: Rules) -> list[tuple[str, int | None, str]]:
    """Tags for one file's write-ups: ``memo_doc``, ``memo_section``, ``memo_thin``, ``postmortem_section``,
    ``postmortem_thin`` (each with a line and the heading it stands under)."""
    if not ff.sections and not ff.doc_words:
        return []
    memo, pm = rules.memo, rules.postmortem
    out: list[tuple[str, int | None, str]] = []
    first: Section | None = min(ff.sections, key=lambda sec: sec.line, default=None)
    first_line, first_title = (first.line, "#" * first.level + " " + first.title) if first else (1, "")
    name = ff.rel.rsplit("/", 1)[-1]
    notebook = ff.rel.endswith(".ipynb")
    dedicated = not notebook and _doc_globs(tuple(memo["doc_globs"])).any(ff.rel)
    if dedicated and ff.doc_words >= memo["doc_min_words"] and ff.doc_rationale >= memo["doc_min_rationale"]:
        out.append(("memo_doc", first_line, first_title))
    elif (notebook or name.lower().startswith("readme")) and ff.doc_words >= WHOLE_DOC_MIN_WORDS \
            and ff.doc_rationale >= WHOLE_DOC_MIN_RATIONALE \
            and ff.doc_rationale * WHOLE_DOC_WORDS_PER_TERM >= ff.doc_words:
        out.append(("memo_section", first_line, first_title + " (the write-up taken whole)"))
    excludes = memo.get("heading_excludes", [])
    for sec in ff.sections:
        title = "#" * sec.level + " " + sec.title
        is_title = sec is first and not notebook  # a document's first heading names the project ("... Analysis")
        if _matches(memo["headings"], sec.title) and not _matches(excludes, sec.title) and not is_title:
            if sec.words >= memo["section_min_words"] and sec.rationale >= memo["section_min_rationale"]:
                out.append(("memo_section", sec.line, title))
            elif sec.words >= 25 or sec.rationale >= 1:
                out.append(("memo_thin", sec.line, title))
        if _matches(pm["headings"], sec.title):
            out.append(("postmortem_section" if sec.words >= pm["min_words"] else "postmortem_thin", sec.line, title))
        elif _tells_a_failure(sec.failure, sec.cause, sec.fix) and sec.words >= PM_SECTION_MIN_WORDS:
            out.append(("postmortem_section", sec.line, title))
        elif _thin_failure_note(sec, pm.get("thin_headings", [])):
            out.append(("postmortem_thin", sec.line, title))
    if ff.doc_rationale >= memo["thin_min_rationale"] and ff.doc_words >= 80:
        out.append(("memo_thin", first_line, first_title))
    return out
