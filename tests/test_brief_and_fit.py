"""The interview brief, the stack and the fit to a job posting, as a candidate meets them: every interview signal of
a role answered with proof or a plain "cannot back this yet"; quotes only of text that stands in the repositories;
technologies used versus merely listed; a posting read for its loop and its requirements, the rest listed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from _repos import write_tree
from click.testing import CliRunner

from portfolio_check import tomlread
from portfolio_check.cli import main
from portfolio_check.engine.rules import bundled_rules

ROOT = Path(__file__).resolve().parents[1]
PORTFOLIO = sorted(str(p) for p in (ROOT / "examples" / "portfolio").iterdir() if p.is_dir())
POSTINGS = ROOT / "examples" / "postings"


def brief(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(main, ["brief", *args])
    return r.exit_code, r.stdout, r.stderr


def schema(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8")))


def test_the_interview_and_stack_data_validate_and_name_known_things():
    kinds = set(bundled_rules().evidence_ids)
    articles = {s["file"] for s in tomlread.loads((ROOT / "checklists" / "sources" / "articles.toml")
                                                   .read_text(encoding="utf-8"))["source"]}
    for role in ("ai-engineer", "ml-engineer"):
        data = tomlread.loads((ROOT / "checklists" / "interview" / f"{role}.toml").read_text(encoding="utf-8"))
        schema("interview.schema.json").validate(data)
        assert data["role"] == role
        for s in data["signal"]:
            assert set(s["evidence"]) <= kinds, s["id"]
            assert s["source"]["file"] in articles
    stack = tomlread.loads((ROOT / "src" / "portfolio_check" / "engine" / "rules" / "stack.toml")
                           .read_text(encoding="utf-8"))
    schema("stack.schema.json").validate(stack)
    groups = {g["id"] for g in stack["group"]}
    assert {t["group"] for t in stack["tech"]} <= groups
    assert {p["kind"] for p in stack["phrase"]} <= kinds


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,]\d+)?", text)


def test_the_brief_of_the_bundled_portfolio_answers_every_signal_and_quotes_only_what_stands():
    code, out, err = brief(*PORTFOLIO, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert [loop["role"] for loop in data["loops"]] == ["ai-engineer", "ml-engineer"]
    quoted = 0
    for loop in data["loops"]:
        role = tomlread.loads((ROOT / "checklists" / "interview" / f"{loop['role']}.toml").read_text())
        assert [s["id"] for s in loop["signals"]] == [s["id"] for s in role["signal"]]  # every signal, in order
        for s in loop["signals"]:
            assert s["questions"]
            if s["status"] == "strong":
                assert s["proof"] and s["proof"][0]["locations"], s["id"]
            else:  # a plain "cannot back this yet", with what to build or prepare
                assert s["build"] and s["prepare"], s["id"]
    locations = [(c["repo"], q) for c in data["cards"] for key in ("headline", "failed", "next_time") for q in c[key]]
    locations += [(p["repo"], loc) for loop in data["loops"] for s in loop["signals"] for p in s["proof"]
                  for loc in p["locations"]]
    repo_dirs = {Path(p).name: Path(p) for p in PORTFOLIO}
    for repo, loc in locations:
        if not loc["text"] or loc["line"] is None:
            continue
        line = (repo_dirs[repo] / loc["path"]).read_text(encoding="utf-8").splitlines()[loc["line"] - 1]
        for number in _numbers(loc["text"].rstrip("…")):
            assert number in line, (repo, loc, number)  # every quoted number stands at its link
            quoted += 1
    assert quoted > 20
    headline = [q for c in data["cards"] for q in c["headline"]]
    assert headline and all(re.search(r"\d", q["text"]) for q in headline)


def test_a_signal_the_portfolio_cannot_back_says_so_and_what_to_build(tmp_path):
    repo = write_tree(tmp_path / "hello", {"app.py": "print('hello')\n", "README.md": "# Hello\n"})
    code, out, _ = brief(str(repo), "--role", "ml-engineer")
    assert code == 0
    assert out.count("**You cannot back this yet** — build: ") == 7
    assert "## AI engineer interview loop" not in out
    assert "0 of 7 signals backed by strong proof." in out
    assert "- Headline numbers: no number found to quote." in out  # never an invented number


@pytest.mark.parametrize(("posting", "loop"), [("ai-engineer.md", "ai-engineer"), ("ml-engineer.md", "ml-engineer")])
def test_a_posting_is_read_for_its_loop_and_its_requirements(posting, loop):
    code, out, err = brief(*PORTFOLIO, "--job", str(POSTINGS / posting), "--format", "json")
    assert code == 0, err
    job = json.loads(out)["job"]
    assert job["loop"] == loop
    assert job["mapped_share"] >= 0.9
    text = (POSTINGS / posting).read_text(encoding="utf-8")
    bullets = [ln for ln in text.splitlines() if ln.startswith("- ")]
    assert len(job["requirements"]) + len(job["unmapped"]) == len(bullets)  # every stated requirement, once
    for r in job["requirements"]:
        assert r["kinds"] or r["techs"]
        assert r["status"] in ("met", "weak", "missing")
    assert [loop_["role"] for loop_ in json.loads(out)["loops"]] == [loop]  # the brief for the posting's loop
    md = brief(*PORTFOLIO, "--job", str(POSTINGS / posting))[1]
    assert "## Fit to the job posting" in md and "reads like **an " in md


def test_phrases_that_map_to_nothing_are_listed_not_dropped(tmp_path):
    posting = tmp_path / "p.md"
    posting.write_text("## Requirements\n\n- Experience with RAG and vector search\n"
                       "- Fluent in Portuguese and happy to travel monthly\n", encoding="utf-8")
    data = json.loads(brief(*PORTFOLIO[:1], "--job", str(posting), "--format", "json")[1])["job"]
    assert [u["text"] for u in data["unmapped"]] == ["Fluent in Portuguese and happy to travel monthly"]
    assert data["requirements"][0]["kinds"][0] == "retrieval"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\0\0\0", "a binary file"),
    (b"caf\xe9 au lait engineer", "not UTF-8"),
    (b"x" * (300 * 1024), "at most 256 KB"),
])
def test_a_bad_posting_is_a_one_line_error(tmp_path, content, message):
    posting = tmp_path / "posting.txt"
    posting.write_bytes(content)
    code, out, err = brief(*PORTFOLIO[:1], "--job", str(posting))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    code, _, err = brief(*PORTFOLIO[:1], "--job", str(tmp_path / "missing.md"))
    assert code == 2 and "no such file" in err


def test_the_stack_shows_what_is_used_and_what_is_only_listed(tmp_path):
    repo = write_tree(tmp_path / "app", {
        "app/rag.py": "import chromadb\nfrom openai import OpenAI\n\nclient = OpenAI()\n",
        "web/src/chat.ts": "import { streamText } from 'ai'\nimport OpenAI from 'openai'\n",
        "requirements.txt": "openai==1.30\nchromadb\npinecone-client==3.0\n",
        "Dockerfile": "FROM python:3.11-slim\n",
    })
    result = CliRunner().invoke(main, ["scan", str(repo), "--format", "json"])
    stack = {s["name"]: s for s in json.loads(result.stdout)["repos"][0]["stack"]}
    assert stack["OpenAI"]["status"] == "used" and (stack["OpenAI"]["path"], stack["OpenAI"]["line"]) == \
        ("app/rag.py", 2)
    assert stack["Chroma"]["status"] == "used" and stack["Chroma"]["group"] == "vector_stores"
    assert stack["Pinecone"]["status"] == "listed" and stack["Pinecone"]["path"] == "requirements.txt"
    assert stack["Docker"]["status"] == "used" and stack["Docker"]["group"] == "infrastructure"
    assert stack["Vercel AI SDK"]["path"] == "web/src/chat.ts"
    text = CliRunner().invoke(main, ["scan", str(repo)]).stdout
    assert "stack: OpenAI, Vercel AI SDK, Chroma, Docker" in text and "listed, never imported: Pinecone" in text
    md = CliRunner().invoke(main, ["scan", str(repo), "--format", "markdown"]).stdout
    assert "Stack: **LLM APIs**: OpenAI ([app/rag.py:2](" in md and "Listed but never imported: Pinecone." in md


def test_the_brief_renders_in_every_format(tmp_path):
    for fmt, marker in (("markdown", "# Interview brief"), ("text", "interview brief for"),
                        ("html", "<h1>Interview brief</h1>")):
        code, out, err = brief(*PORTFOLIO, "--format", fmt)
        assert code == 0 and marker in out, (fmt, err)
    out = tmp_path / "b" / "brief.html"
    assert brief(*PORTFOLIO, "--format", "html", "-o", str(out))[0] == 0
    assert "Content-Security-Policy" in out.read_text(encoding="utf-8")


def test_scan_reports_can_include_the_brief():
    runner = CliRunner()
    md = runner.invoke(main, ["scan", *PORTFOLIO, "--format", "markdown", "--brief", "--target", "ml-engineer"]).stdout
    assert "\n## Interview brief\n" in md and "\n## ML engineer interview loop" not in md
    assert "\n### ML engineer interview loop\n" in md and "AI engineer interview loop" not in md  # the target's loop
    assert md.index("## Repositories") < md.index("## Interview brief")
    plain = runner.invoke(main, ["scan", *PORTFOLIO, "--format", "markdown"]).stdout
    assert "Interview brief" not in plain
    page = runner.invoke(main, ["scan", *PORTFOLIO, "--format", "html", "--brief"]).stdout
    assert "<h2>Interview brief</h2>" in page and "<h3>AI engineer interview loop</h3>" in page
