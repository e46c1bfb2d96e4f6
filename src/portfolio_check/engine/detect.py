"""Detectors: turn a repository's facts into one finding per evidence kind, plus notebook-only and artifact.

Tags raised by signals are combined as the rules say; the few judgments that need logic (is a write-up
substantial? is a postmortem section more than a line?) are small named functions below. Nothing here scores.
"""

from __future__ import annotations

from dataclasses import replace

from portfolio_check.engine.facts import Hit, RepoFacts
from portfolio_check.engine.rules import EvidenceKind, Rules
from portfolio_check.model import Artifact, Finding, Location, Status

MAX_LOCATIONS = 5
PER_TAG_LOCATIONS = 2


# --- combining tags into a status ------------------------------------------------------------------------------

def _satisfied(facts: RepoFacts, sets: tuple[tuple[str, ...], ...], experimental: bool) -> list[tuple[str, ...]]:
    return [tags for tags in sets if all(facts.has(t, experimental) for t in tags)]


def _picked(facts: RepoFacts, sets: list[tuple[str, ...]], experimental: bool) -> list[Hit]:
    """The best places to look: files where most of the satisfied signals agree come first."""
    tags = list(dict.fromkeys(t for s in sets for t in s))
    hits = {t: [h for h in facts.hits.get(t, ()) if experimental or not h.experimental] for t in tags}
    density: dict[str, int] = {}
    for t in tags:
        for path in {h.path for h in hits[t]}:
            density[path] = density.get(path, 0) + 1
    picked: list[tuple[str, Hit]] = []
    seen: set[tuple[str, int | None]] = set()
    for t in tags:
        ranked = sorted(hits[t], key=lambda h: (-density[h.path], *h.key()))
        for h in ranked[:PER_TAG_LOCATIONS]:
            if (h.path, h.line) not in seen:
                seen.add((h.path, h.line))
                picked.append((t, h))
    picked.sort(key=lambda th: (-density[th[1].path], th[1].path, th[1].line or 0))
    return [_with_reason(facts, t, h) for t, h in picked[:MAX_LOCATIONS]]


def _with_reason(facts: RepoFacts, tag: str, hit: Hit) -> Hit:
    if hit.reason:
        return hit
    return replace(hit, reason=facts.rules.reasons.get(tag, tag.replace("_", " ")))


def _locations(hits: list[Hit]) -> tuple[Location, ...]:
    return tuple(Location(h.path, h.line, h.text) for h in hits)


def _reason(hits: list[Hit]) -> str:
    """The reasons of the signals shown: a reader sees why each location was picked."""
    return "; ".join(dict.fromkeys(h.reason for h in hits))


def evaluate(kind: EvidenceKind, facts: RepoFacts) -> Finding:
    sets = _satisfied(facts, kind.strong, experimental=False)
    if sets:
        hits = _picked(facts, sets, False)
        return Finding(kind.id, "strong", _locations(hits), _reason(hits))
    sets = _satisfied(facts, kind.strong, experimental=True)
    if sets:
        hits = _picked(facts, sets, True)
        return Finding(kind.id, "weak", _locations(hits),
                       "only in experiment or scratch code, or in code nothing calls: " + _reason(hits))
    sets = _satisfied(facts, kind.weak, experimental=True)
    if sets:
        hits = _picked(facts, sets, True)
        return Finding(kind.id, "weak", _locations(hits), _reason(hits))
    return Finding(kind.id, "missing", (), f"not found; strong looks like: {kind.strong_looks_like}")


def detect(facts: RepoFacts, rules: Rules) -> tuple[Finding, ...]:
    return tuple(evaluate(kind, facts) for kind in rules.evidence)


# --- per-repository signals --------------------------------------------------------------------------------------

TRAINING_TAGS = ("training_code", "model_trained", "hyperparameter_search")
#: ML work done in modules (not a mere import): training, data preparation, evaluation
MODULE_WORK_TAGS = (*TRAINING_TAGS, "data_prep_module", "data_script", "metric_computed", "eval_suite_path")


def notebook_only(facts: RepoFacts) -> bool:
    """The ML code lives only in notebooks, even if an app loads the saved model.

    Training in notebooks makes a repository notebook-only unless modules do ML work of their own (training, data
    preparation or evaluation); without training, the rest of the ML code decides.
    """
    def where(tags: tuple[str, ...] | frozenset[str]) -> tuple[bool, bool]:
        hits = [h for t in tags for h in facts.hits.get(t, ())]
        return (any(h.role in ("notebook", "executed") for h in hits),
                any(h.role == "code" and not h.experimental for h in hits))

    in_nb, in_code = where(TRAINING_TAGS)
    if in_nb and not in_code:
        return not where(MODULE_WORK_TAGS)[1]
    if not (in_nb or in_code):
        in_nb, in_code = where(facts.rules.ml_code_tags)
    return in_nb and not in_code


AI_APP_KINDS = ("retrieval", "tool_use")
MODEL_KINDS = ("training", "data_pipeline", "error_analysis", "drift_checks")


def artifact_role(findings: tuple[Finding, ...], facts: RepoFacts) -> Artifact:
    """Which bridge-portfolio artifact the repository best plays, weighed over all of its kinds of evidence.

    An AI application shows retrieval and tool use around a model it calls; a model project trains a model and
    builds its data, error analysis and drift checks. Each side is scored from every kind it is made of (weak
    evidence counts a little), so a RAG app with one fine-tuning script stays an AI application and a recommender
    with an agent chat panel stays a model project; a tie goes to the side that trains a model.
    """
    status: dict[str, Status] = {f.id: f.status for f in findings}
    ai_points = {"strong": 2, "weak": 1, "missing": 0}
    model_points = {"strong": 2, "weak": 0.5, "missing": 0}
    ai = sum(ai_points[status[k]] for k in AI_APP_KINDS) + (1 if facts.has("llm_client", False) else 0)
    model = sum(model_points[status[k]] for k in MODEL_KINDS)
    trains = status["training"] == "strong"
    if not trains:
        model = min(model, 1.5)
    code_files = facts.role_files.get("code", 0) + facts.role_files.get("notebook", 0)
    if code_files <= 2 and status["tech_memo"] == "strong":
        return "tech_memo"
    if ai >= 2 and (ai > model or (ai == model and not trains)):
        return "ai_application"
    if model >= 2:
        return "model_project"
    if status["tech_memo"] == "strong" or (status["tech_memo"] == "weak" and status["evals"] == "strong"
                                           and status["baselines"] == "strong"):
        return "tech_memo"  # a study or a report: its write-up and its measured comparison are the artifact
    if ai >= 1:
        return "ai_application"
    return "none"
