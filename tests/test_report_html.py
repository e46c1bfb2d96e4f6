"""The HTML report and the cohort index: self-contained pages (no network, no outside script or font), hostile
names shown as text, and, where Chromium is installed, opened in a real headless browser: no console error, no
network request, and the index sorts when a heading is clicked."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from _browser import chromium, open_page
from _ci import run
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT, build
from _repos import Tags, write_tree

CHROMIUM = chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (apt install chromium)")


def elements(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def cohort(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("cohort")
    repos = [build(base, "rag-app", AI_APP), build(base, "churn-model", MODEL_PROJECT),
             build(base, "design-memo", MEMO_REPO), write_tree(base / "hello", {"hello.py": "print('hi')\n"})]
    manifest = base / "cohort.toml"
    manifest.write_text("".join(f'[[repo]]\nsource = "{r}"\ncandidate = "{c}"\n\n' for r, c in zip(
        repos, ["Ada", "Ada", "Ada", "Bo <script>"], strict=True)) + '[[repo]]\nsource = "gone"\ncandidate = "Cy"\n',
        encoding="utf-8")
    out = base / "out"
    result = run("--manifest", str(manifest), "--output-dir", str(out))
    assert result.exit_code == 2  # "gone" could not be scanned; every other report is written
    return out


def test_pages_are_self_contained_and_forbid_every_load(cohort):
    for page in ("Ada.html", "index.html"):
        html = (cohort / page).read_text(encoding="utf-8")
        p = elements(html)
        tags = {t for t, _ in p.tags}
        assert "link" not in tags and "img" not in tags and "iframe" not in tags
        assert all("src" not in a for _, a in p.tags)
        csp = next(a["content"] for t, a in p.tags if t == "meta" and a.get("http-equiv") ==
                   "Content-Security-Policy")
        assert csp and "default-src 'none'" in csp
        assert "@import" not in html and "url(" not in html
        assert "<svg" in html or page == "index.html"
    assert "<script" not in (cohort / "Ada.html").read_text(encoding="utf-8")  # the report needs none


def test_the_candidate_page_has_the_picture_build_next_gaps_and_detail(cohort):
    html = (cohort / "Ada.html").read_text(encoding="utf-8")
    data = json.loads((cohort / "Ada.json").read_text(encoding="utf-8"))
    heads = re.findall(r"<h2>(.+?)</h2>", html)
    assert heads[:4] == ["Readiness", "Build next", "Roles", "Repositories"]
    bars = re.findall(r'<rect x="\d+" y="\d+" width="([\d.]+)" height="18" rx="3" fill="#(?!eaeef2)', html)
    assert len(bars) == len(data["roles"])  # one bar per role, as wide as its score
    for width, r in zip(bars, data["roles"], strict=True):
        assert float(width) == pytest.approx(420 * r["score"] / 100, abs=0.1)
    matrix = html.split('<table class="matrix">', 1)[1].split("</table>", 1)[0]
    assert matrix.count("<tr>") == 1 + 16 and "<th>rag-app</th><th>churn-model</th><th>design-memo</th>" in matrix
    first = data["build_next"][0]
    assert f'+{first["gain"]:g} points' in html.split("<h2>Build next</h2>", 1)[1].split("<h2>", 1)[0]
    assert html.count("<details>") == len(data["roles"]) + 3


def test_hostile_names_are_text_not_markup(cohort):
    html = (cohort / "index.html").read_text(encoding="utf-8")
    assert "Bo <script>" not in html and "Bo &lt;script&gt;" in html
    scripts = [t for t, _ in elements(html).tags if t == "script"]
    assert scripts == ["script"]  # the index's own sorter only


def test_the_index_counts_failures_and_the_common_gaps(cohort):
    html = (cohort / "index.html").read_text(encoding="utf-8")
    assert "2 candidates; 4 of 5 repositories scanned, 1 could not be." in html
    assert "<h2>Not scanned</h2>" in html and re.search(r"<code>[^<]*gone</code>: [^<]*no such", html)
    assert re.search(r"<li>[^<]+ missing for 2 of 2</li>", html)
    rows = list(csv.reader(io.StringIO((cohort / "index.csv").read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["candidate", "report", "repositories"] and rows[0][-1] == "status"
    assert [r[0] for r in rows[1:]] == ["Ada", "Bo <script>", "Cy"]
    assert rows[3][-1].startswith("not scanned: ")


def test_a_spreadsheet_formula_in_a_name_is_defused(tmp_path):
    repo = write_tree(tmp_path / "=HYPERLINK(1)", {"hello.py": "print('hi')\n"})
    out = tmp_path / "out"
    assert run(str(repo), "--output-dir", str(out)).exit_code == 0
    rows = list(csv.reader(io.StringIO((out / "index.csv").read_text(encoding="utf-8"))))
    assert rows[1][0] == "'=HYPERLINK(1)"


@needs_chromium
def test_the_report_and_the_index_open_in_chromium_with_no_error_and_no_request(cohort, tmp_path):
    for page in ("Ada.html", "index.html", "Bo-script.html"):
        loaded, title = open_page(CHROMIUM, cohort / page, script="document.title",
                                  screenshot=tmp_path / f"{page}.png")
        assert loaded.errors == [], (page, loaded.errors)
        assert loaded.requests == [], (page, loaded.requests)
        assert title in ("Portfolio report", "Portfolio reports")
        assert (tmp_path / f"{page}.png").stat().st_size > 10_000  # something was drawn


@needs_chromium
def test_clicking_a_score_heading_sorts_the_index(cohort):
    script = """(() => {
      const names = () => Array.from(document.querySelectorAll('table.sortable tbody tr'))
        .map(r => r.cells[0].textContent);
      const th = Array.from(document.querySelectorAll('th.sort')).find(t => t.textContent === 'ml-engineer');
      th.click(); const up = names(); th.click(); const down = names();
      return {up, down};
    })()"""
    loaded, order = open_page(CHROMIUM, cohort / "index.html", script=script)
    assert loaded.errors == []
    scores = {}
    for name, slug in (("Ada", "Ada"), ("Bo <script>", "Bo-script")):
        data = json.loads((cohort / f"{slug}.json").read_text(encoding="utf-8"))
        scores[name] = next(r["score"] for r in data["roles"] if r["id"] == "ml-engineer")
    assert order["up"] == sorted(scores, key=scores.get)
    assert order["down"] == sorted(scores, key=scores.get, reverse=True)


@needs_chromium
def test_the_interview_brief_page_opens_with_no_error_and_no_request(tmp_path):
    from click.testing import CliRunner

    from portfolio_check.cli import main

    root = Path(__file__).resolve().parents[1] / "examples"
    out = tmp_path / "brief.html"
    portfolio = sorted(str(p) for p in (root / "portfolio").iterdir() if p.is_dir())
    result = CliRunner().invoke(main, ["brief", *portfolio, "--job", str(root / "postings" / "ai-engineer.md"),
                                       "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    loaded, title = open_page(CHROMIUM, out, script="document.title")
    assert loaded.errors == [] and loaded.requests == []
    assert title == "Interview brief"
