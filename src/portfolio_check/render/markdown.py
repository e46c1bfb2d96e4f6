"""The gap report as GitHub-flavoured markdown: the file a candidate reads and a mentor forwards."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from portfolio_check import __version__
from portfolio_check.judge.verdict import ItemVerdict, RoleVerdict, closest_role
from portfolio_check.model import Location, RepoResult
from portfolio_check.render import sanitize

_BADGE = {"strong": "🟢 strong", "weak": "🟡 weak", "missing": "🔴 missing"}
_ITEM = {"met": "✅ met", "partial": "🟡 partial", "gap": "❌ gap", "waived": "⚪ waived"}
ARTIFACT_TITLE = {"ai_application": "AI application", "model_project": "model project", "tech_memo": "technical memo",
                  "none": "none"}


def esc(text: str) -> str:
    """Untrusted text in a markdown paragraph or table cell (see render/sanitize.py)."""
    return sanitize.markdown(text)


def code(text: str, in_table: bool = False) -> str:
    """Untrusted text as inline code (see render/sanitize.py)."""
    return sanitize.code(text, in_table)


_FORGE = re.compile(r"^https://(?:www\.)?(github\.com|gitlab\.com)/([^/\s]+/[^/\s]+?)(?:\.git)?/?$")


def link(repo: RepoResult, loc: Location) -> str:
    """A link to a line: relative for a local folder (it opens on GitHub from where the scan ran), a blob link at
    the scanned commit for a GitHub or GitLab URL, plain text for other URLs."""
    base = repo.path.rstrip("/")
    label = f"{loc.path}:{loc.line}" if loc.line else loc.path
    if "://" in base or base.startswith("git@"):
        forge = _FORGE.match(base)
        if forge is None or repo.commit is None:
            return code(label)
        sep = "/-/blob/" if forge.group(1) == "gitlab.com" else "/blob/"
        owner_repo = quote(forge.group(2), safe="/-_.~")  # from the URL given: untrusted, e.g. ')' or '<'
        url = f"https://{forge.group(1)}/{owner_repo}{sep}{quote(repo.commit, safe='')}/" + \
            quote(loc.path, safe="/-_.~")
        return f"[{esc(label)}]({url}{f'#L{loc.line}' if loc.line else ''})"
    rel = loc.path if base in ("", ".") or base.startswith("/") else f"{base}/{loc.path}"
    rel = rel.removeprefix("./")
    target = quote(rel, safe="/-_.~") + (f"#L{loc.line}" if loc.line else "")
    return f"[{esc(label)}]({target})"


#: how much of a location's matched text a table cell shows
SHOWN_TEXT = 60


def shown(repo: RepoResult, loc: Location, in_table: bool = True) -> str:
    """A location's link followed by the text found there, so a reader sees at a glance why it was picked."""
    text = loc.text if len(loc.text) <= SHOWN_TEXT else loc.text[: SHOWN_TEXT - 1].rstrip() + "…"
    return link(repo, loc) + (f" {code(text, in_table)}" if text else "")


def _repo_section(repo: RepoResult, titles: dict[str, str]) -> list[str]:
    out = [f"### {esc(repo.name)}", ""]
    meta = [code(repo.path), f"artifact: **{ARTIFACT_TITLE[repo.artifact]}**"]
    if repo.commit:
        meta.insert(1, f"commit {code(repo.commit[:12])}")
    out.append(" · ".join(meta))
    out.append("")
    if repo.notebook_only:
        out += ["> [!WARNING]", "> Notebook-only: the ML code of this repository lives only in notebooks. "
                "Hiring guides say not to present only a notebook: move data preparation, training and "
                "evaluation into modules or scripts that a pipeline runs.", ""]
    out += ["| Evidence | Status | Where | Why |", "|---|---|---|---|"]
    for f in repo.evidence:
        where = ", ".join(shown(repo, loc) for loc in f.locations[:3]) or "—"
        reason = esc(f.reason) if f.status != "missing" else "—"
        out.append(f"| {esc(titles.get(f.id, f.id))} | {_BADGE[f.status]} | {where} | {reason} |")
    if repo.warnings:
        out += ["", "<details><summary>Warnings (could not tell)</summary>", ""]
        out += [f"- {esc(w)}" for w in repo.warnings]
        out += ["", "</details>"]
    out.append("")
    return out


def _found_line(v: ItemVerdict, repos: dict[str, RepoResult]) -> str | None:
    parts = []
    for fd in v.found[:2]:
        repo = repos[fd.repo]
        where = ", ".join(shown(repo, loc, in_table=False) for loc in fd.finding.locations[:2])
        parts.append(f"{fd.finding.id} is {fd.finding.status} in {esc(fd.repo)}" + (f" ({where})" if where else ""))
    return "; ".join(parts) if parts else None


def _role_gaps(rv: RoleVerdict, repos: dict[str, RepoResult]) -> list[str]:
    out = [f"### {esc(rv.checklist.title)} — {rv.score:g}/100", "", esc(rv.checklist.description), ""]
    out += [f"> {esc(n)}" for n in rv.notes]
    if rv.notes:
        out.append("")
    gaps = rv.gaps()
    if not gaps:
        out += ["Every item is met. 🎉", ""]
    for n, v in enumerate(gaps, start=1):
        pad = " " * len(f"{n}. ")  # sub-items align with the item's text, so "10." keeps them nested
        out.append(f"{n}. **{esc(v.item.title)}** — {_ITEM[v.status]}, +{v.gain:g} points if met")
        out.append(f"{pad}- Why it matters: {esc(v.item.source.claim)} (source: {code(v.item.source.file)})")
        out.append(f"{pad}- What to add: {esc(v.item.advice)}")
        found = _found_line(v, repos)
        if found:
            out.append(f"{pad}- Found so far: {found}")
        if v.note:
            out.append(f"{pad}- Note: {esc(v.note)}")
    waived = [v for v in rv.items if v.status == "waived"]
    for v in waived:
        assert v.waiver is not None
        until = f" until {v.waiver.until.isoformat()}" if v.waiver.until else ""
        out.append(f"- ⚪ waived: **{esc(v.item.title)}**{until} — {esc(v.waiver.reason)}")
    out.append("")
    return out


def render(repos: list[RepoResult], verdicts: list[RoleVerdict], titles: dict[str, str],
           all_roles: bool = True, progress: list[str] | None = None) -> str:
    by_name = {r.name: r for r in repos}
    out = ["# Portfolio report", ""]
    n = len(repos)
    out.append(f"portfolio-check {__version__} read {n} repositor{'y' if n == 1 else 'ies'} "
               "(statically: nothing was run). Every claim below links to the line that shows it.")
    out.append("")
    if verdicts:
        best = closest_role(verdicts)
        out += ["## Summary", "", "| Role | Score | Met | Partial | Gaps |", "|---|---:|---:|---:|---:|"]
        for rv in verdicts:
            counts = {s: sum(1 for v in rv.items if v.status == s) for s in ("met", "partial", "gap")}
            name = esc(rv.checklist.title) + (" (closest)" if rv.checklist.id == best and len(verdicts) > 1 else "")
            out.append(f"| {name} | {rv.score:g} | {counts['met']} | {counts['partial']} | {counts['gap']} |")
        out.append("")
        top = next(rv for rv in verdicts if rv.checklist.id == best)
        out.append(f"Closest role: **{esc(top.checklist.title)}** ({top.score:g}/100).")
        artifacts = {a: [r.name for r in repos if r.artifact == a] for a in ("ai_application", "model_project",
                                                                             "tech_memo")}
        out.append("Bridge artifacts: " + "; ".join(
            f"{ARTIFACT_TITLE[a]}: {', '.join(esc(x) for x in names) if names else '**missing**'}"
            for a, names in artifacts.items()) + ".")
        nb = [r.name for r in repos if r.notebook_only]
        if nb:
            out.append(f"Notebook-only: {', '.join(esc(x) for x in nb)} (see the warning in each repository).")
        out.append("")
    if progress:
        out += ["## Progress since the earlier report", ""] + [f"- {esc(line)}" for line in progress] + [""]
    out += ["## Repositories", ""]
    for repo in repos:
        out += _repo_section(repo, titles)
    if verdicts:
        out += ["## Gaps, by what closes the most score", ""]
        for rv in verdicts:
            out += _role_gaps(rv, by_name)
        out += _next_steps(verdicts, all_roles)
    return "\n".join(out).rstrip() + "\n"


def _next_steps(verdicts: list[RoleVerdict], all_roles: bool) -> list[str]:
    chosen = [next(rv for rv in verdicts if rv.checklist.id == closest_role(verdicts))] if all_roles else verdicts
    out = ["## Next steps", ""]
    if all_roles and len(verdicts) > 1:
        out += [f"For the closest role, {esc(chosen[0].checklist.title)} (use `--role` for another):", ""]
    for rv in chosen:
        if len(chosen) > 1:
            out += [f"**{esc(rv.checklist.title)}**", ""]
        gaps = rv.gaps()
        if not gaps:
            out.append("- [x] Every item of this checklist is met.")
        for v in gaps:
            out.append(f"- [ ] {esc(v.item.title)}: {esc(v.item.advice)}")
        out.append("")
    return out


def render_index(reports: list[Any], failures: list[Any]) -> str:
    """The overview page of a batch: one row per candidate with the score of each role."""
    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    n_repos = sum(len(r.results) for r in reports)
    role_ids = [v.checklist.id for v in reports[0].verdicts] if reports else []
    lines = ["# Portfolio reports", "",
             count(len(reports), "candidate", "candidates") + ", " + count(n_repos, "repository", "repositories")
             + " scanned" + (f", {len(failures)} failed" if failures else "") + ".", "",
             "| Candidate | Repositories | " + " | ".join(esc(r) for r in role_ids) + " | Closest role |",
             "|---|---|" + "---:|" * len(role_ids) + "---|"]
    for r in reports:
        scores = " | ".join(f"{v.score:g}" for v in r.verdicts)
        closest = esc(r.closest) if r.closest else "—"
        lines.append(f"| [{esc(r.name)}]({quote(r.slug, safe='-_.~')}.md) | "
                     f"{', '.join(esc(x.name) for x in r.results)} | {scores} | {closest} |")
    if failures:
        lines += ["", "## Not scanned", ""] + [f"- {esc(f.source)}: {esc(f.reason)}" for f in failures]
    return "\n".join(lines) + "\n"
