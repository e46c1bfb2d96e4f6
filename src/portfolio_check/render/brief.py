"""The interview brief (and the fit to a job posting) as markdown, text, JSON and HTML.

Every quoted line is text found in a repository, shown with the link to where it stands; nothing here makes up a
number or a claim.
"""

from __future__ import annotations

import json
from typing import Any

from portfolio_check import __version__
from portfolio_check.judge.brief import Brief, Quote, SignalBrief, source_title
from portfolio_check.model import Location, RepoResult
from portfolio_check.render import sanitize
from portfolio_check.render.view import View, href, location_label

_STATE = {"strong": "backed", "weak": "partly backed", "missing": "cannot back yet"}
_MARK = {"strong": "✅", "weak": "🟡", "missing": "❌"}
_FIT = {"met": "✅ met", "weak": "🟡 weak", "missing": "❌ no evidence"}


def _esc(text: str) -> str:
    return sanitize.markdown(text)


def _code(text: str) -> str:
    return sanitize.code(text)


def _md_link(repo: RepoResult | None, loc: Location, view: View) -> str:
    label = location_label(loc)
    target = href(repo, loc, view.out_dir, view.relative_links) if repo is not None else None
    return f"[{_esc(label)}]({target})" if target else _code(label)


def _quote_md(q: Quote, repos: dict[str, RepoResult], view: View) -> str:
    return f"{_md_link(repos.get(q.repo), q.location, view)}: “{_esc(q.location.text)}”"


def markdown(brief: Brief, repos: list[RepoResult], view: View | None = None) -> str:
    view = view or View()
    by_name = {r.name: r for r in repos}
    out = ["# Interview brief", "",
           f"portfolio-check {__version__}: what your {len(repos)} repositor{'y' if len(repos) == 1 else 'ies'} "
           "can prove in each part of the interview, the follow-up questions to expect, and what you cannot back "
           "yet. Quotes are lines found in your repositories, linked to where they stand.", ""]
    if brief.fit is not None:
        out += _fit_md(brief.fit, by_name, view)
    for loop, signals in brief.loops:
        backed = sum(1 for s in signals if s.status == "strong")
        out += [f"## {_esc(loop.title)}", "", _esc(loop.description), "",
                f"{backed} of {len(signals)} signals backed by strong proof.", ""]
        for sb in signals:
            out += _signal_md(sb, by_name, view)
    out += ["## Past-project review cards", ""]
    for card in brief.cards:
        out += [f"### {_esc(card.repo.name)}", "", f"What it is: {_esc(card.what)}."]
        if card.stack:
            out.append(f"Stack: {_esc(', '.join(card.stack))}.")
        out.append("")
        for title, quotes, none in (("Headline numbers", card.headline, "no number found to quote"),
                                    ("What failed and what was done", card.failed, "no postmortem found"),
                                    ("With more time", card.next_time, "no memo found")):
            if quotes:
                out += [f"- {title}:"] + [f"  - {_quote_md(q, by_name, view)}" for q in quotes]
            else:
                out.append(f"- {title}: {none}.")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _signal_md(sb: SignalBrief, repos: dict[str, RepoResult], view: View) -> list[str]:
    s = sb.signal
    out = [f"### {_MARK[sb.status]} {_esc(s.title)} — {_STATE[sb.status]}", "",
           f"Why interviewers ask: {_esc(s.source.claim)} (source: {_esc(source_title(s))})", ""]
    if sb.proof:
        out.append("Proof to talk about:")
        for p in sb.proof:
            where = ", ".join(_md_link(repos.get(p.repo), loc, view) + (f" “{_esc(loc.text)}”" if loc.text else "")
                              for loc in p.locations)
            out.append(f"- {_esc(p.evidence)} ({p.status}) in {_esc(p.repo)}" + (f": {where}" if where else ""))
        out.append("")
    if sb.status != "strong":
        out += [f"**You cannot back this {'fully ' if sb.status == 'weak' else ''}yet** — build: {_esc(sb.build)}; "
                f"or prepare: {_esc(s.prepare)}", ""]
    out.append("Follow-up questions to expect:")
    out += [f"- {_esc(q)}" for q in s.questions] + [""]
    return out


def _fit_md(fit: Any, repos: dict[str, RepoResult], view: View) -> list[str]:
    loop = {"ai-engineer": "an AI engineer loop", "ml-engineer": "an ML engineer loop",
            "mix": "a mix of the AI engineer and ML engineer loops"}[fit.loop]
    out = ["## Fit to the job posting", "",
           f"`{_esc(fit.source)}` reads like **{loop}** ({fit.ai} requirements lean to AI engineering, {fit.ml} to "
           f"ML engineering; decided by: {_esc(', '.join(fit.deciding))}). "
           f"{len(fit.requirements)} of {len(fit.requirements) + len(fit.unmapped)} stated requirements map to "
           "evidence or technologies.", "",
           "| Requirement | Portfolio | Backed by |", "|---|---|---|"]
    for rf in fit.requirements:
        backs = []
        for b in rf.backing:
            state = b.status if b.status != "missing" else "none"
            loc = f" {_md_link(repos.get(b.repo or ''), b.location, view)}" if b.location and b.status != "missing" \
                else ""
            backs.append(f"{_esc(b.what)}: {state}{loc}")
        out.append(f"| {_esc(rf.requirement.text)} | {_FIT[rf.status]} | {'; '.join(backs)} |")
    out.append("")
    if fit.missing_techs:
        out += [f"Technologies the posting names that no repository uses: {_esc(', '.join(fit.missing_techs))}.", ""]
    if fit.unmapped:
        out += ["Phrases not mapped to any evidence kind or technology (read them yourself):", ""]
        out += [f"- {_esc(u.text)}" for u in fit.unmapped] + [""]
    return out


def text(brief: Brief, repos: list[RepoResult]) -> str:
    t = sanitize.terminal
    out = [f"portfolio-check {__version__}: interview brief for {len(repos)} repositories"]
    if brief.fit is not None:
        f = brief.fit
        out += ["", f"Job posting {t(f.source)}: looks like {f.loop} (AI {f.ai}, ML {f.ml}); "
                f"{len(f.requirements)} of {len(f.requirements) + len(f.unmapped)} requirements mapped"]
        out += [f"  {rf.status:<7} {t(rf.requirement.text[:90])}" for rf in f.requirements]
        out += [f"  unmapped {t(u.text[:90])}" for u in f.unmapped]
    for loop, signals in brief.loops:
        out += ["", t(loop.title)]
        for sb in signals:
            out.append(f"  {_STATE[sb.status]:<15} {t(sb.signal.title)}")
            for p in sb.proof[:2]:
                loc = p.locations[0] if p.locations else None
                where = f": {t(location_label(loc))}" if loc else ""
                out.append(f"      {p.evidence} ({p.status}) in {t(p.repo)}{where}")
            if sb.status != "strong":
                out.append(f"      build: {t(sb.build)}")
    out += ["", "Review cards"]
    for card in brief.cards:
        out.append(f"  {t(card.repo.name)}: {t(card.what)}")
        for q in card.headline:
            out.append(f"      {t(location_label(q.location))}: {t(q.location.text)}")
    return "\n".join(out) + "\n"


def to_json(brief: Brief, repos: list[RepoResult]) -> str:
    from portfolio_check.render.report import location_dict
    from portfolio_check.render.sanitize import json_text

    def quotes(qs: tuple[Quote, ...]) -> list[dict[str, Any]]:
        return [{"repo": q.repo, **location_dict(q.location)} for q in qs]

    data: dict[str, Any] = {"schema_version": 1, "tool": {"name": "portfolio-check", "version": __version__},
                            "loops": [], "cards": []}
    for loop, signals in brief.loops:
        data["loops"].append({"role": loop.role, "title": loop.title, "signals": [
            {"id": sb.signal.id, "title": sb.signal.title, "status": sb.status, "state": _STATE[sb.status],
             "evidence": list(sb.signal.evidence), "source": {"title": source_title(sb.signal),
                                                              "claim": sb.signal.source.claim},
             "proof": [{"repo": p.repo, "evidence": p.evidence, "status": p.status,
                        "locations": [location_dict(loc) for loc in p.locations]} for p in sb.proof],
             "build": sb.build, "prepare": sb.signal.prepare if sb.status != "strong" else "",
             "questions": list(sb.signal.questions)} for sb in signals]})
    for card in brief.cards:
        data["cards"].append({"repo": card.repo.name, "what": card.what, "stack": list(card.stack),
                              "headline": quotes(card.headline), "failed": quotes(card.failed),
                              "next_time": quotes(card.next_time)})
    if brief.fit is not None:
        f = brief.fit
        data["job"] = {"source": f.source, "loop": f.loop, "ai": f.ai, "ml": f.ml, "deciding": list(f.deciding),
                       "mapped_share": round(f.mapped_share, 3),
                       "requirements": [{"line": rf.requirement.line, "text": rf.requirement.text, "status": rf.status,
                                         "kinds": list(rf.requirement.kinds), "techs": list(rf.requirement.techs),
                                         "backing": [{"what": b.what, "technology": b.is_tech, "status": b.status,
                                                      "repo": b.repo,
                                                      "location": location_dict(b.location) if b.location else None}
                                                     for b in rf.backing]} for rf in f.requirements],
                       "unmapped": [{"line": u.line, "text": u.text} for u in f.unmapped],
                       "missing_techs": list(f.missing_techs)}
    return json_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)) + "\n"


def html(brief: Brief, repos: list[RepoResult], view: View | None = None) -> str:
    """The brief as one self-contained page (the markdown's content, as HTML elements)."""
    from portfolio_check.render.html import _page

    return _page("Interview brief", html_body(brief, repos, view))


def html_body(brief: Brief, repos: list[RepoResult], view: View | None = None, top: int = 1) -> list[str]:
    """The brief's HTML elements; ``top`` is the level of its heading (1 on its own page, 2 inside a report)."""
    from portfolio_check.render.html import _link
    from portfolio_check.render.sanitize import html as h

    view = view or View()
    by_name = {r.name: r for r in repos}
    body = [f"<h{top}>Interview brief</h{top}>",
            f'<p class="lead">What your {len(repos)} repositories can prove in each part of the interview. Quotes '
            "are lines found in your repositories, linked to where they stand.</p>"]
    if brief.fit is not None:
        f = brief.fit
        body += ["<h2>Fit to the job posting</h2>",
                 f"<p>{h(f.source)} reads like <b>{h(f.loop)}</b> (AI {f.ai}, ML {f.ml}; decided by "
                 f"{h(', '.join(f.deciding))}).</p>",
                 "<table><thead><tr><th>Requirement</th><th>Portfolio</th></tr></thead><tbody>"]
        body += [f"<tr><td>{h(rf.requirement.text)}</td><td>{h(_FIT[rf.status])}</td></tr>" for rf in f.requirements]
        body.append("</tbody></table>")
        if f.unmapped:
            body += ["<p>Not mapped:</p><ul>"] + [f"<li>{h(u.text)}</li>" for u in f.unmapped] + ["</ul>"]
    for loop, signals in brief.loops:
        body += [f"<h2>{h(loop.title)}</h2>", f"<p>{h(loop.description)}</p>"]
        for sb in signals:
            body.append(f"<details open><summary>{_MARK[sb.status]} {h(sb.signal.title)} — {_STATE[sb.status]}"
                        "</summary>")
            body.append(f"<p>Why interviewers ask: {h(sb.signal.source.claim)} "
                        f'<span class="muted">(source: {h(source_title(sb.signal))})</span></p>')
            if sb.proof:
                body.append("<ul>")
                for p in sb.proof:
                    repo = by_name.get(p.repo)
                    where = ", ".join(_link(repo, loc, view) for loc in p.locations) if repo else ""
                    body.append(f"<li>{h(p.evidence)} ({p.status}) in {h(p.repo)}{': ' + where if where else ''}</li>")
                body.append("</ul>")
            if sb.status != "strong":
                body.append(f"<p><b>Cannot back this yet</b> — build: {h(sb.build)}; or prepare: "
                            f"{h(sb.signal.prepare)}</p>")
            body += ["<p>Follow-up questions:</p><ul>"] + [f"<li>{h(q)}</li>" for q in sb.signal.questions]
            body += ["</ul>", "</details>"]
    body.append("<h2>Past-project review cards</h2>")
    for card in brief.cards:
        body += [f"<h3>{h(card.repo.name)}</h3>", f"<p>{h(card.what)}.</p>"]
        for title, quotes in (("Headline numbers", card.headline), ("What failed and what was done", card.failed),
                              ("With more time", card.next_time)):
            if quotes:
                body += [f"<p>{title}:</p><ul>"] + [
                    f"<li>{_link(by_name[q.repo], q.location, view)}</li>" for q in quotes] + ["</ul>"]
    if top > 1:  # inside a report: every heading below the brief's own one level down
        body[1:] = [line.replace("<h3>", "<h4>").replace("</h3>", "</h4>").replace("<h2>", "<h3>")
                    .replace("</h2>", "</h3>") for line in body[1:]]
    return body
