"""The gap report as GitHub-flavoured markdown: the file a candidate reads and a mentor forwards."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from portfolio_check import __version__
from portfolio_check.judge.checklists import cite
from portfolio_check.judge.verdict import ItemVerdict, RoleVerdict
from portfolio_check.model import Location, RepoResult
from portfolio_check.render import sanitize
from portfolio_check.render.view import (
    ARTIFACT_TITLE,
    Picture,
    View,
    bar,
    href,
    kinds_split,
    layout_line,
    location_label,
    matrix,
    picture,
)

_BADGE = {"strong": "🟢 strong", "weak": "🟡 weak", "missing": "🔴 missing"}
_ITEM = {"met": "✅ met", "partial": "🟡 partial", "gap": "❌ gap", "waived": "⚪ waived"}


def esc(text: str) -> str:
    """Untrusted text in a markdown paragraph or table cell (see render/sanitize.py)."""
    return sanitize.markdown(text)


def code(text: str, in_table: bool = False) -> str:
    """Untrusted text as inline code (see render/sanitize.py)."""
    return sanitize.code(text, in_table)


def link(repo: RepoResult, loc: Location, view: View | None = None) -> str:
    """A link to a line: a permalink on the repository's host at the scanned commit when it is known, else a path
    relative to the folder the report is written to; plain text when neither can be opened."""
    label = location_label(loc)
    view = view or View()
    target = href(repo, loc, view.out_dir, view.relative_links)
    return f"[{esc(label)}]({target})" if target else code(label)


#: how much of a location's matched text a table cell shows
SHOWN_TEXT = 60


def shown(repo: RepoResult, loc: Location, in_table: bool = True, view: View | None = None) -> str:
    """A location's link followed by the text found there, so a reader sees at a glance why it was picked."""
    text = loc.text if len(loc.text) <= SHOWN_TEXT else loc.text[: SHOWN_TEXT - 1].rstrip() + "…"
    return link(repo, loc, view) + (f" {code(text, in_table)}" if text else "")


_DOT = {"strong": "🟢", "weak": "🟡", "missing": "🔴"}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def render(repos: list[RepoResult], verdicts: list[RoleVerdict], titles: dict[str, str],
           view: View | None = None, progress: list[str] | None = None) -> str:
    """The gap report: the readiness picture and what to build next first, then each role's open items and each
    repository's evidence, folded."""
    view = view or View()
    pic = picture(repos, verdicts, view)
    out = ["# Portfolio report", ""]
    scanned = f"portfolio-check {__version__} read {_count(len(repos), 'repository', 'repositories')}"
    if view.failures:
        total = len(repos) + len(view.failures)
        scanned += f" ({len(repos)} of {total} could be scanned; see *Not scanned* below)"
    out += [scanned + " statically: nothing was run. Each finding links to the line that shows it.", ""]
    layout = layout_line(view)
    if layout:
        out += [esc(layout), ""]
    if verdicts:
        out += _readiness(pic, titles, view)
        out += _build_next(pic, view)
    if progress:
        out += ["## Progress since the earlier report", ""] + [f"- {esc(line)}" for line in progress] + [""]
    if verdicts:
        out += _roles(pic, view)
    out += ["## Repositories", ""]
    order = kinds_split(verdicts, list(titles), selected=not view.all_roles)
    for repo in repos:
        out += _repo_section(repo, titles, order, view)
    if view.failures:
        out += ["## Not scanned", ""]
        out += [f"- {code(str(f.source))}: {esc(str(f.reason))}" for f in view.failures] + [""]
    return "\n".join(out).rstrip() + "\n"


def _readiness(pic: Picture, titles: dict[str, str], view: View) -> list[str]:
    out = ["## Readiness", "", "| Role | Score | | Met | Partial | Gaps |", "|---|---:|---|---:|---:|---:|"]
    for rv in pic.verdicts:
        counts = {s: sum(1 for v in rv.items if v.status == s) for s in ("met", "partial", "gap")}
        mark = " (target)" if rv.checklist.id == pic.focus else (
            " (closest)" if rv.checklist.id == pic.closest and len(pic.verdicts) > 1 and not pic.focus else "")
        below = " ⚠️" if view.below(rv) else ""
        out.append(f"| {esc(rv.checklist.title)}{mark}{below} | {rv.score:g} | `{bar(rv.score)}` | "
                   f"{counts['met']} | {counts['partial']} | {counts['gap']} |")
    out.append("")
    if view.fail_under is not None and any(view.below(rv) for rv in pic.verdicts):
        out += [f"⚠️ marks a role below the threshold of {view.fail_under:g}.", ""]
    repos = pic.repos
    if repos:
        order, _ = kinds_split(pic.verdicts, list(titles), selected=not view.all_roles)
        out += ["| Evidence | " + " | ".join(esc(r.name) for r in repos) + " |",
                "|---|" + ":---:|" * len(repos)]
        for kind, statuses in matrix(repos, order):
            out.append(f"| {esc(titles.get(kind, kind))} | " + " | ".join(_DOT[s] for s in statuses) + " |")
        out += ["", "🟢 strong (built and visible) · 🟡 weak (talked about, or a lone signal) · 🔴 missing", ""]
        artifacts = {a: [r.name for r in repos if r.artifact == a]
                     for a in ("ai_application", "model_project", "tech_memo")}
        out.append("Bridge artifacts: " + "; ".join(
            f"{ARTIFACT_TITLE[a]}: {', '.join(esc(x) for x in names) if names else '**missing**'}"
            for a, names in artifacts.items()) + ".")
        nb = [r.name for r in repos if r.notebook_only]
        if nb:
            out.append(f"Notebook-only: {', '.join(esc(x) for x in nb)} (see the warning in each repository).")
        empty = [r.name for r in repos if r.stats.get("files_read", 0) == 0]
        if empty:
            out.append(f"⚠️ Nothing was read in {', '.join(esc(x) for x in empty)}: "
                       "an empty folder, or every file was skipped.")
        out.append("")
    return out


def _build_next(pic: Picture, view: View) -> list[str]:
    out = ["## Build next", ""]
    if pic.focus:
        title = next(rv.checklist.title for rv in pic.verdicts if rv.checklist.id == pic.focus)
        out += [f"Toward the target role, **{esc(title)}**; each action shows the points it adds.", ""]
    else:
        out += ["For every role not yet complete; an action that several roles want adds their points "
                "(set a target role with `--target ROLE` to focus).", ""]
    if not pic.actions:
        done = "The target role is complete." if pic.focus else "Every selected role is complete."
        return [*out, f"- [x] {done}", ""]
    repos = {r.name: r for r in pic.repos}
    for a in pic.actions[: view.limit]:
        title = esc(_kind_title(a.evidence))
        where = f"in {code(a.repo)}" if a.repo else f"in a new {ARTIFACT_TITLE.get(a.artifact or '', 'repository')}"
        roles = ", ".join(f"+{g:g} {esc(t)}" for _, t, g in a.per_role())
        out.append(f"- [ ] **{title}** {where} ({a.current} → {a.target}): **+{a.gain:g} points** ({roles})")
        out.append(f"  - Why it matters: {esc(a.why)}")
        out.append(f"  - What to add: {esc(a.advice)}")
        repo = repos.get(a.repo or "")
        if repo is not None and a.current != "missing":
            locs = repo.finding(a.evidence).locations[:2]
            if locs:
                out.append("  - There so far: " + ", ".join(shown(repo, loc, False, view) for loc in locs))
    more = len(pic.actions) - view.limit
    if more > 0:
        out.append(f"- … and {_count(more, 'more action', 'more actions')} (see each role below).")
    out.append("")
    return out


def _kind_title(kind: str) -> str:
    from portfolio_check.render.output import evidence_titles

    return evidence_titles().get(kind, kind)


def _roles(pic: Picture, view: View) -> list[str]:
    out = ["## Roles", ""]
    repos = {r.name: r for r in pic.repos}
    for rv in pic.verdicts:
        gaps = rv.gaps()
        state = "every item met" if not gaps else _count(len(gaps), "open item", "open items")
        out += ["<details>", f"<summary>{sanitize.html(rv.checklist.title)} — {rv.score:g}/100: "
                f"{state}</summary>", ""]
        out += _role_gaps(rv, repos, view)
        out += ["</details>", ""]
    return out


def _role_gaps(rv: RoleVerdict, repos: dict[str, RepoResult], view: View) -> list[str]:
    out = [esc(rv.checklist.description), ""]
    out += [f"> {esc(n)}" for n in rv.notes]
    if rv.notes:
        out.append("")
    gaps = rv.gaps()
    if not gaps:
        out += ["Every item is met. 🎉", ""]
    for n, v in enumerate(gaps, start=1):
        pad = " " * len(f"{n}. ")  # sub-items align with the item's text, so "10." keeps them nested
        out.append(f"{n}. **{esc(v.item.title)}** — {_ITEM[v.status]}, +{v.gain:g} points if met")
        out.append(f"{pad}- Why it matters: {esc(v.item.source.claim)} (source: {esc(cite(v.item.source))})")
        out.append(f"{pad}- What to add: {esc(v.item.advice)}")
        found = _found_line(v, repos, view)
        if found:
            out.append(f"{pad}- Found so far: {found}")
        if v.note:
            out.append(f"{pad}- Note: {esc(v.note)}")
    for v in (v for v in rv.items if v.status == "waived"):
        assert v.waiver is not None
        until = f" until {v.waiver.until.isoformat()}" if v.waiver.until else ""
        out.append(f"- ⚪ waived: **{esc(v.item.title)}**{until} — {esc(v.waiver.reason)}")
    out.append("")
    return out


def _found_line(v: ItemVerdict, repos: dict[str, RepoResult], view: View) -> str | None:
    parts = []
    for fd in v.found[:2]:
        repo = repos[fd.repo]
        where = ", ".join(shown(repo, loc, False, view) for loc in fd.finding.locations[:2])
        parts.append(f"{fd.finding.id} is {fd.finding.status} in {esc(fd.repo)}" + (f" ({where})" if where else ""))
    return "; ".join(parts) if parts else None


def _repo_section(repo: RepoResult, titles: dict[str, str], order: tuple[list[str], list[str]],
                  view: View) -> list[str]:
    shown_kinds = sum(1 for f in repo.evidence if f.status != "missing")
    out = ["<details>", f"<summary>{sanitize.html(repo.name)} — {ARTIFACT_TITLE[repo.artifact]}, "
           f"{shown_kinds} of {len(repo.evidence)} kinds of evidence shown</summary>", ""]
    meta = [code(repo.path), f"artifact: **{ARTIFACT_TITLE[repo.artifact]}**"]
    if repo.commit:
        meta.insert(1, f"commit {code(repo.commit[:12])}")
    out += [" · ".join(meta), ""]
    if repo.stack:
        out += [_stack_line(repo, view), ""]
    if repo.notebook_only:
        out += ["> [!WARNING]", "> Notebook-only: the ML code of this repository lives only in notebooks. "
                "Hiring guides say not to present only a notebook: move data preparation, training and "
                "evaluation into modules or scripts that a pipeline runs.", ""]
    out += ["| Evidence | Status | Where | Why |", "|---|---|---|---|"]
    by_id = {f.id: f for f in repo.evidence}
    needed, others = order
    for kind in needed:
        f = by_id[kind]
        where = ", ".join(shown(repo, loc, True, view) for loc in f.locations[:3]) or "—"
        reason = esc(f.reason) if f.status != "missing" else "—"
        out.append(f"| {esc(titles.get(f.id, f.id))} | {_BADGE[f.status]} | {where} | {reason} |")
    if others:
        out += ["", "Not used by the selected roles: " + ", ".join(
            f"{esc(titles.get(k, k))} {_DOT[by_id[k].status]}" for k in others) + "."]
    if repo.warnings:
        out += ["", "**Warnings (could not tell):**", ""]
        out += [f"- {esc(w)}" for w in repo.warnings]
    out += ["", "</details>", ""]
    return out


def _stack_line(repo: RepoResult, view: View) -> str:
    from portfolio_check.engine.structure.stack import catalog

    groups: dict[str, list[str]] = {}
    for s in repo.stack:
        if s.status == "used":
            groups.setdefault(s.group, []).append(f"{esc(s.name)} ({link(repo, s.location, view)})")
    parts = [f"**{esc(catalog().group(g).title)}**: {', '.join(items)}" for g, items in groups.items()]
    listed = [esc(s.name) for s in repo.stack if s.status == "listed"]
    line = "Stack: " + ("; ".join(parts) if parts else "nothing from the catalog is imported or configured")
    return line + (f". Listed but never imported: {', '.join(listed)}." if listed else ".")


def render_index(reports: list[Any], failures: list[Any]) -> str:
    """The overview page of a batch: one row per candidate with the score of each role, the cohort's common gaps,
    and every target that could not be scanned."""
    n_repos = sum(len(r.results) for r in reports)
    total = n_repos + len(failures)
    role_ids = [v.checklist.id for v in reports[0].verdicts] if reports else []
    lines = ["# Portfolio reports", "",
             _count(len(reports), "candidate", "candidates") + "; "
             + f"{n_repos} of {_count(total, 'repository', 'repositories')} scanned"
             + (f", {len(failures)} could not be" if failures else "") + ".", "",
             "| Candidate | Repositories | " + " | ".join(esc(r) for r in role_ids) + " | Closest role | Top action |",
             "|---|---|" + "---:|" * len(role_ids) + "---|---|"]
    for r in reports:
        scores = " | ".join(f"{v.score:g}" for v in r.verdicts)
        closest = esc(r.closest) if r.closest else "—"
        top = r.top[0] if r.top else None
        action = f"{esc(_kind_title(top.evidence))} in {esc(top.repo or 'a new repository')} (+{top.gain:g})" \
            if top else "—"
        lines.append(f"| [{esc(r.name)}]({quote(r.slug, safe='-_.~')}.md) | "
                     f"{', '.join(esc(x.name) for x in r.results)} | {scores} | {closest} | {action} |")
    common = cohort_gaps(reports)
    if common:
        lines += ["", "## Common gaps", ""]
        lines += [f"- {esc(_kind_title(kind))} missing for {n} of {len(reports)}" for kind, n in common]
    if failures:
        lines += ["", "## Not scanned", ""] + [f"- {code(str(f.source))}: {esc(str(f.reason))}" for f in failures]
    return "\n".join(lines) + "\n"


def cohort_gaps(reports: list[Any], at_least: float = 0.5) -> list[tuple[str, int]]:
    """Evidence kinds missing from every repository of at least half the candidates, most common first."""
    if not reports:
        return []
    kinds = [f.id for f in reports[0].results[0].evidence] if reports[0].results else []
    counts = []
    for kind in kinds:
        n = sum(1 for r in reports if all(x.finding(kind).status == "missing" for x in r.results))
        if n and n >= at_least * len(reports):
            counts.append((kind, n))
    return sorted(counts, key=lambda kn: (-kn[1], kinds.index(kn[0])))
