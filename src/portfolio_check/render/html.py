"""The gap report as one self-contained HTML page, and the cohort index a mentor sorts.

Self-contained: styles inline, the picture as inline SVG, no fonts, images or scripts from anywhere; a
Content-Security-Policy forbids every load, so a page opened from a mail attachment or a CI artifact makes no
network request. The candidate page has no script at all; the index has one inline script that sorts its table.
Every untrusted string passes through ``sanitize.html``; every link is a relative path or an https permalink.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from portfolio_check import __version__
from portfolio_check.judge.checklists import cite
from portfolio_check.judge.verdict import RoleVerdict
from portfolio_check.model import Location, RepoResult
from portfolio_check.render.sanitize import html as h
from portfolio_check.render.view import (
    ARTIFACT_TITLE,
    Picture,
    View,
    href,
    kinds_split,
    layout_line,
    location_label,
    picture,
)

_ITEM = {"met": "met", "partial": "partial", "gap": "gap", "waived": "waived"}

_CSP_PAGE = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
_CSP_INDEX = _CSP_PAGE + "; script-src 'unsafe-inline'"

_STYLE = """
:root{--ok:#1a7f37;--weak:#9a6700;--miss:#cf222e;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;
max-width:1100px;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid var(--line)}
p.lead{color:var(--muted);margin:0 0 16px}
a{color:#0969da}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;
vertical-align:top}
th{background:var(--bg)}
td.c{text-align:center}
.s-strong{color:var(--ok)}.s-weak{color:var(--weak)}.s-missing{color:var(--miss)}
.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;vertical-align:-.05em}
.d-strong{background:var(--ok)}.d-weak{background:#d4a72c}.d-missing{background:#fff;border:2px solid var(--miss)}
.gain{font-weight:700;color:var(--ok)}
.muted{color:var(--muted)}
code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--bg);padding:1px 4px;border-radius:4px;
overflow-wrap:anywhere}
ol.next>li{margin:0 0 12px}
details{border:1px solid var(--line);border-radius:6px;padding:4px 12px;margin:8px 0}
summary{cursor:pointer;font-weight:600}
.warn{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px}
th.sort{cursor:pointer;white-space:nowrap}th.sort:after{content:" \\2195";color:var(--muted)}
"""


def _page(title: str, body: list[str], csp: str = _CSP_PAGE, script: str = "") -> str:
    head = ['<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{h(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>"]
    tail = [f"<script>{script}</script>"] if script else []
    return "\n".join(head + body + tail + ["</body>", "</html>"]) + "\n"


def _link(repo: RepoResult, loc: Location, view: View) -> str:
    label = h(location_label(loc))
    target = href(repo, loc, view.out_dir, view.relative_links)
    text = loc.text if len(loc.text) <= 60 else loc.text[:59].rstrip() + "…"
    shown = f'<a href="{h(target)}">{label}</a>' if target else f"<code>{label}</code>"
    return shown + (f" <code>{h(text)}</code>" if text else "")


def _dot(status: str) -> str:
    return f'<span class="dot d-{status}" title="{status}" aria-label="{status}"></span>'


def score_bars(verdicts: tuple[RoleVerdict, ...] | list[RoleVerdict], focus: str | None = None,
               fail_under: float | None = None) -> str:
    """The role scores as an inline SVG bar chart (one bar per role, out of 100, the threshold as a line)."""
    longest = max((len(rv.checklist.title) + (9 if rv.checklist.id == focus else 0) for rv in verdicts), default=10)
    row, label_w, bar_w = 26, min(420, 24 + 7 * longest), 420
    height = row * len(verdicts) + 24
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 70}" height="{height}" '
             f'viewBox="0 0 {label_w + bar_w + 70} {height}" aria-label="Role scores out of 100">',
             "<title>Role scores out of 100</title>"]
    for i, rv in enumerate(verdicts):
        y = i * row + 4
        width = round(bar_w * rv.score / 100, 1)
        colour = "#1a7f37" if rv.score >= 75 else "#d4a72c" if rv.score >= 40 else "#cf222e"
        name = rv.checklist.title + (" (target)" if rv.checklist.id == focus else "")
        parts += [f'<text x="0" y="{y + 15}" font-size="13" font-family="system-ui,sans-serif" '
                  f'font-weight="{700 if rv.checklist.id == focus else 400}">{h(name)}</text>',
                  f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="18" rx="3" fill="#eaeef2"/>',
                  f'<rect x="{label_w}" y="{y}" width="{width}" height="18" rx="3" fill="{colour}"/>',
                  f'<text x="{label_w + bar_w + 8}" y="{y + 15}" font-size="13" '
                  f'font-family="system-ui,sans-serif">{rv.score:g}</text>']
    if fail_under is not None:
        x = round(label_w + bar_w * fail_under / 100, 1)
        parts.append(f'<line x1="{x}" y1="0" x2="{x}" y2="{height - 20}" stroke="#1f2328" stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x}" y="{height - 6}" font-size="11" text-anchor="middle" '
                     f'font-family="system-ui,sans-serif">threshold {fail_under:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(repos: list[RepoResult], verdicts: list[RoleVerdict], titles: dict[str, str], view: View | None = None,
           progress: list[str] | None = None) -> str:
    view = view or View()
    pic = picture(repos, verdicts, view)
    total = len(repos) + len(view.failures)
    scanned = (f"{len(repos)} of {total} repositories scanned" if view.failures
               else f"{len(repos)} repositor{'y' if len(repos) == 1 else 'ies'} scanned")
    body = ["<h1>Portfolio report</h1>",
            f'<p class="lead">portfolio-check {h(__version__)}: {scanned}, read statically (nothing was run). '
            "Each finding links to the line that shows it.</p>"]
    layout = layout_line(view)
    if layout:
        body.append(f"<p>{h(layout)}</p>")
    if view.failures:
        body.append('<p class="warn">Not scanned: ' + "; ".join(
            f"<code>{h(str(f.source))}</code> ({h(str(f.reason))})" for f in view.failures) + "</p>")
    order = kinds_split(verdicts, list(titles), selected=not view.all_roles)
    if verdicts:
        body += _readiness(pic, titles, order[0], view)
        body += _build_next(pic, titles, view)
    if progress:
        body += ["<h2>Progress since the earlier report</h2>", "<ul>"]
        body += [f"<li>{h(line)}</li>" for line in progress] + ["</ul>"]
    if verdicts:
        body += _roles(pic, view)
    body.append("<h2>Repositories</h2>")
    for repo in repos:
        body += _repo(repo, titles, order, view)
    body.append(f'<p class="muted">portfolio-check {h(__version__)} · read only, never run · sources are the '
                "hiring articles named in each item</p>")
    return _page("Portfolio report", body)


def _readiness(pic: Picture, titles: dict[str, str], kinds: list[str], view: View) -> list[str]:
    out = ["<h2>Readiness</h2>", score_bars(pic.verdicts, pic.focus, view.fail_under if view.gated else None)]
    if not pic.repos:
        return out
    out += ['<table class="matrix"><thead><tr><th>Evidence</th>'
            + "".join(f"<th>{h(r.name)}</th>" for r in pic.repos) + "</tr></thead><tbody>"]
    for kind in kinds:
        cells = "".join(f'<td class="c">{_dot(r.finding(kind).status)} '
                        f'<span class="s-{r.finding(kind).status}">{r.finding(kind).status}</span></td>'
                        for r in pic.repos)
        out.append(f"<tr><td>{h(titles.get(kind, kind))}</td>{cells}</tr>")
    out.append("</tbody></table>")
    artifacts = {a: [r.name for r in pic.repos if r.artifact == a] for a in ("ai_application", "model_project",
                                                                             "tech_memo")}
    out.append("<p>Bridge artifacts: " + "; ".join(
        f"{ARTIFACT_TITLE[a]}: {h(', '.join(names)) if names else '<b>missing</b>'}" for a, names in artifacts.items())
        + ".</p>")
    empty = [r.name for r in pic.repos if r.stats.get("files_read", 0) == 0]
    if empty:
        out.append(f'<p class="warn">Nothing was read in {h(", ".join(empty))}: an empty folder, or every file '
                   "was skipped.</p>")
    return out


def _build_next(pic: Picture, titles: dict[str, str], view: View) -> list[str]:
    out = ["<h2>Build next</h2>"]
    if pic.focus:
        title = next(rv.checklist.title for rv in pic.verdicts if rv.checklist.id == pic.focus)
        out.append(f"<p>Toward the target role, <b>{h(title)}</b>; each action shows the points it adds.</p>")
    else:
        out.append("<p>For every role not yet complete; an action several roles want adds their points "
                   "(set a target role with <code>--target ROLE</code> to focus).</p>")
    if not pic.actions:
        done = "The target role is complete." if pic.focus else "Every selected role is complete."
        return [*out, f"<p>{done}</p>"]
    repos = {r.name: r for r in pic.repos}
    out.append('<ol class="next">')
    for a in pic.actions[: view.limit]:
        where = f"in <code>{h(a.repo)}</code>" if a.repo else \
            f"in a new {ARTIFACT_TITLE.get(a.artifact or '', 'repository')}"
        roles = ", ".join(f"+{p:g} {h(t)}" for _, t, p in a.per_role())
        item = [f"<li><b>{h(titles.get(a.evidence, a.evidence))}</b> {where} ({a.current} → {a.target}): "
                f'<span class="gain">+{a.gain:g} points</span> <span class="muted">({roles})</span>',
                f"<br>Why it matters: {h(a.why)}", f"<br>What to add: {h(a.advice)}"]
        repo = repos.get(a.repo or "")
        if repo is not None and a.current != "missing":
            locs = repo.finding(a.evidence).locations[:2]
            if locs:
                item.append("<br>There so far: " + ", ".join(_link(repo, loc, view) for loc in locs))
        out.append("".join(item) + "</li>")
    out.append("</ol>")
    more = len(pic.actions) - view.limit
    if more > 0:
        out.append(f"<p>… and {more} more action{'s' if more > 1 else ''} (see each role below).</p>")
    return out


def _roles(pic: Picture, view: View) -> list[str]:
    out = ["<h2>Roles</h2>"]
    repos = {r.name: r for r in pic.repos}
    for rv in pic.verdicts:
        gaps = rv.gaps()
        state = "every item met" if not gaps else f"{len(gaps)} open item{'s' if len(gaps) > 1 else ''}"
        out += [f"<details><summary>{h(rv.checklist.title)} — {rv.score:g}/100: {state}</summary>",
                f"<p>{h(rv.checklist.description)}</p>"]
        out += [f"<p class=\"muted\">{h(n)}</p>" for n in rv.notes]
        if gaps:
            out.append("<ol>")
            for v in gaps:
                found = []
                for fd in v.found[:2]:
                    repo = repos[fd.repo]
                    where = ", ".join(_link(repo, loc, view) for loc in fd.finding.locations[:2])
                    found.append(f"{h(fd.finding.id)} is {fd.finding.status} in {h(fd.repo)}"
                                 + (f" ({where})" if where else ""))
                out.append(f"<li><b>{h(v.item.title)}</b> — {_ITEM[v.status]}, +{v.gain:g} points if met"
                           f"<br>Why it matters: {h(v.item.source.claim)} "
                           f'<span class="muted">(source: {h(cite(v.item.source))})</span>'
                           f"<br>What to add: {h(v.item.advice)}"
                           + (f"<br>Found so far: {'; '.join(found)}" if found else "")
                           + (f"<br>Note: {h(v.note)}" if v.note else "") + "</li>")
            out.append("</ol>")
        else:
            out.append("<p>Every item is met.</p>")
        for v in (v for v in rv.items if v.status == "waived" and v.waiver is not None):
            assert v.waiver is not None
            until = f" until {v.waiver.until.isoformat()}" if v.waiver.until else ""
            out.append(f"<p>Waived: <b>{h(v.item.title)}</b>{until} — {h(v.waiver.reason)}</p>")
        out.append("</details>")
    return out


def _repo(repo: RepoResult, titles: dict[str, str], order: tuple[list[str], list[str]], view: View) -> list[str]:
    shown_kinds = sum(1 for f in repo.evidence if f.status != "missing")
    out = [f"<details><summary>{h(repo.name)} — {ARTIFACT_TITLE[repo.artifact]}, {shown_kinds} of "
           f"{len(repo.evidence)} kinds of evidence shown</summary>"]
    meta = [f"<code>{h(repo.path)}</code>", *([f"commit <code>{h(repo.commit[:12])}</code>"] if repo.commit else [])]
    out.append("<p>" + " · ".join(meta) + "</p>")
    if repo.stack:
        used = [f"{h(s.name)} ({_link(repo, s.location, view)})" for s in repo.stack if s.status == "used"]
        listed = [h(s.name) for s in repo.stack if s.status == "listed"]
        out.append("<p>Stack: " + (", ".join(used) or "none imported or configured")
                   + (f". Listed but never imported: {', '.join(listed)}." if listed else ".") + "</p>")
    if repo.notebook_only:
        out.append('<p class="warn">Notebook-only: the ML code of this repository lives only in notebooks. Hiring '
                   "guides say not to present only a notebook: move data preparation, training and evaluation into "
                   "modules or scripts that a pipeline runs.</p>")
    needed, others = order
    by_id = {f.id: f for f in repo.evidence}
    out.append("<table><thead><tr><th>Evidence</th><th>Status</th><th>Where</th><th>Why</th></tr></thead><tbody>")
    for kind in needed:
        f = by_id[kind]
        where = "<br>".join(_link(repo, loc, view) for loc in f.locations[:3]) or "—"
        out.append(f"<tr><td>{h(titles.get(kind, kind))}</td><td>{_dot(f.status)} "
                   f'<span class="s-{f.status}">{f.status}</span></td><td>{where}</td>'
                   f"<td>{h(f.reason) if f.status != 'missing' else '—'}</td></tr>")
    out.append("</tbody></table>")
    if others:
        out.append("<p class=\"muted\">Not used by the selected roles: " + ", ".join(
            f"{h(titles.get(k, k))} ({by_id[k].status})" for k in others) + ".</p>")
    if repo.warnings:
        out += ["<p><b>Warnings (could not tell):</b></p>", "<ul>"]
        out += [f"<li>{h(w)}</li>" for w in repo.warnings] + ["</ul>"]
    out.append("</details>")
    return out


_SORT = """
document.querySelectorAll("table.sortable th.sort").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var dir = th.getAttribute("data-dir") === "asc" ? -1 : 1;
    th.setAttribute("data-dir", dir === 1 ? "asc" : "desc");
    var idx = th.cellIndex;
    rows.sort(function (a, b) {
      var x = a.cells[idx].getAttribute("data-v"), y = b.cells[idx].getAttribute("data-v");
      var nx = parseFloat(x), ny = parseFloat(y);
      if (!isNaN(nx) && !isNaN(ny)) { return dir * (nx - ny); }
      return dir * x.localeCompare(y);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def render_index(reports: list[Any], failures: list[Any]) -> str:
    """The cohort index: a table a mentor sorts by any role's score, the cohort's common gaps, and every target
    that could not be scanned."""
    from portfolio_check.render.markdown import cohort_gaps
    from portfolio_check.render.output import evidence_titles

    titles = evidence_titles()
    n_repos = sum(len(r.results) for r in reports)
    total = n_repos + len(failures)
    role_ids = [v.checklist.id for v in reports[0].verdicts] if reports else []
    role_titles = [v.checklist.title for v in reports[0].verdicts] if reports else []
    body = ["<h1>Portfolio reports</h1>",
            f'<p class="lead">{len(reports)} candidate{"s" if len(reports) != 1 else ""}; {n_repos} of {total} '
            f"repositories scanned{f', {len(failures)} could not be' if failures else ''}. "
            "Click a column heading to sort.</p>",
            '<table class="sortable"><thead><tr><th class="sort">Candidate</th><th>Repositories</th>'
            + "".join(f'<th class="sort" title="{h(t)}">{h(r)}</th>' for r, t in zip(role_ids, role_titles,
                                                                                  strict=True))
            + '<th class="sort">Top action</th></tr></thead><tbody>']
    for r in reports:
        scores = "".join(f'<td class="c" data-v="{v.score:g}">{v.score:g}</td>' for v in r.verdicts)
        top = r.top[0] if r.top else None
        action = (f"{titles.get(top.evidence, top.evidence)} in {top.repo or 'a new repository'} (+{top.gain:g})"
                  if top else "—")
        body.append(f'<tr><td data-v="{h(r.name)}"><a href="{quote(r.slug, safe="-_.~")}.html">{h(r.name)}</a>'
                    f"</td><td>{h(', '.join(x.name for x in r.results))}</td>{scores}"
                    f'<td data-v="{top.gain if top else 0:g}">{h(action)}</td></tr>')
    body.append("</tbody></table>")
    common = cohort_gaps(reports)
    if common:
        body += ["<h2>Common gaps</h2>", "<ul>"]
        body += [f"<li>{h(titles.get(kind, kind))} missing for {n} of {len(reports)}</li>" for kind, n in common]
        body.append("</ul>")
    if failures:
        body += ["<h2>Not scanned</h2>", "<ul>"]
        body += [f"<li><code>{h(str(f.source))}</code>: {h(str(f.reason))}</li>" for f in failures]
        body.append("</ul>")
    return _page("Portfolio reports", body, _CSP_INDEX, _SORT)
