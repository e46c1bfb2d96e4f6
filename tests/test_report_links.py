"""Links that open: relative to the file the report is written to, host permalinks at the scanned commit when the
repository's remote is known (the plain view where GitHub would render the file and ignore the line), and
notebook evidence cited as the cell a reader can find."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from _ci import run
from _portfolio import AI_APP, MEMO_REPO, MODEL_PROJECT, build
from _repos import TRAIN_SCRIPT, git_repo, notebook, write_tree

MD_LINK = re.compile(r"\]\(([^)\s]+)\)")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        for key in ("src", "srcset", "poster", "data"):
            if a.get(key):
                self.srcs.append(f"{tag}[{key}]")
        if tag == "link":
            self.srcs.append("link")


def html_links(text: str) -> list[str]:
    p = Links()
    p.feed(text)
    assert p.srcs == []  # nothing loaded from anywhere: no images, styles, frames or scripts by address
    return p.hrefs


def assert_opens(report: Path, targets: list[str]) -> int:
    """Each relative link resolves from the report's folder to an existing file, at a line that exists."""
    n = 0
    for target in targets:
        assert not re.match(r"(?i)[a-z][a-z0-9+.-]*:", target) or target.startswith("https://"), target
        if target.startswith("https://"):
            continue
        path, _, anchor = target.partition("#")
        file = (report.parent / unquote(path)).resolve()
        assert file.is_file(), (report, target)
        if anchor:
            line = int(anchor.removeprefix("L"))
            assert 1 <= line <= len(file.read_text(encoding="utf-8", errors="replace").splitlines()), target
        n += 1
    return n


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> list[str]:
    base = tmp_path_factory.mktemp("portfolio")
    return [str(build(base, "rag-app", AI_APP)), str(build(base, "churn-model", MODEL_PROJECT)),
            str(build(base, "design-memo", MEMO_REPO))]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_a_report_written_somewhere_else_links_to_the_files(three, tmp_path, monkeypatch, fmt):
    monkeypatch.chdir(tmp_path)  # the scan starts here; the report goes two folders away
    out = tmp_path / "some" / "where" / ("else.md" if fmt == "markdown" else "else.html")
    assert run(*three, "--format", fmt, "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    targets = MD_LINK.findall(text) if fmt == "markdown" else html_links(text)
    assert assert_opens(out, targets) >= 20


def test_relative_paths_on_the_command_line_still_link_from_the_reports_folder(three, tmp_path, monkeypatch):
    monkeypatch.chdir(Path(three[0]).parent)
    out = tmp_path / "reports" / "r.md"
    assert run("rag-app", "churn-model", "-o", str(out), "--format", "markdown").exit_code == 0
    assert assert_opens(out, MD_LINK.findall(out.read_text(encoding="utf-8"))) >= 10


def test_every_page_of_an_output_dir_links_to_the_files(three, tmp_path):
    out = tmp_path / "cohort"
    assert run(*three, "--output-dir", str(out)).exit_code == 0
    pages = sorted(out.glob("*.md")) + sorted(out.glob("*.html"))
    assert len(pages) == 8
    total = 0
    for page in pages:
        text = page.read_text(encoding="utf-8")
        targets = MD_LINK.findall(text) if page.suffix == ".md" else html_links(text)
        total += assert_opens(page, targets)
    assert total >= 40


def _github_repo(tmp_path: Path, files: dict[str, str]) -> tuple[Path, str]:
    root = write_tree(tmp_path / "proj", files)
    repo = git_repo(root)
    repo.create_remote("origin", "git@github.com:ada/churn-lab.git")
    sha = repo.head.commit.hexsha
    repo.close()
    return root, sha


NB = notebook(("markdown", "# Churn"), ("code", "import pandas as pd\nfrom sklearn.linear_model import "
                                                "LogisticRegression\nmodel = LogisticRegression()\nmodel.fit(X, y)"))


def test_a_known_remote_gives_permalinks_at_the_scanned_commit(tmp_path):
    root, sha = _github_repo(tmp_path, {"train.py": TRAIN_SCRIPT, "analysis.ipynb": NB,
                                        "README.md": "# churn\n\nWe compare against a DummyClassifier baseline.\n"})
    md = run(str(root), "--format", "markdown").stdout
    targets = MD_LINK.findall(md)
    assert targets and all(t.startswith(f"https://github.com/ada/churn-lab/blob/{sha}/") for t in targets)
    assert any(re.search(r"/train\.py#L\d+$", t) for t in targets)
    rendered = [t for t in targets if re.search(r"\.(md|ipynb)", t) and "#L" in t]
    assert rendered and all("?plain=1#L" in t for t in rendered)  # GitHub ignores line anchors otherwise
    data = json.loads(run(str(root), "--format", "json").stdout)
    assert data["repos"][0]["web"] == "https://github.com/ada/churn-lab"


def test_in_github_actions_the_workspace_links_to_its_own_repository(tmp_path, monkeypatch):
    root = write_tree(tmp_path / "ws", {"train.py": TRAIN_SCRIPT})
    sha = git_repo(root).head.commit.hexsha
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(root))
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "ada/portfolio")
    md = run(str(root), "--format", "markdown").stdout
    targets = MD_LINK.findall(md)
    assert targets and all(t.startswith(f"https://github.com/ada/portfolio/blob/{sha}/train.py#L") for t in targets)


def test_without_a_folder_or_a_host_the_step_summary_shows_plain_paths(tmp_path, monkeypatch):
    root = write_tree(tmp_path / "local", {"train.py": TRAIN_SCRIPT})
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert run(str(root), "--format", "json").exit_code == 0
    text = summary.read_text(encoding="utf-8")
    assert "](" not in text and "`train.py:" in text


def test_notebook_evidence_is_cited_as_a_cell_and_a_line_within_it(tmp_path):
    root = write_tree(tmp_path / "nb", {"analysis.ipynb": NB})
    data = json.loads(run(str(root), "--format", "json").stdout)
    cells = json.loads((root / "analysis.ipynb").read_text(encoding="utf-8"))["cells"]
    located = [loc for e in data["repos"][0]["evidence"] for loc in e["locations"]
               if loc["path"] == "analysis.ipynb" and loc["line"]]
    assert located
    for loc in located:
        cell = cells[loc["cell"] - 1]
        src = "".join(cell["source"]).splitlines()
        assert src[loc["cell_line"] - 1].strip().startswith(loc["text"].rstrip("…")[:20])
    md = run(str(root), "--format", "markdown").stdout
    assert re.search(r"\[analysis\.ipynb \(cell 2, line \d\)\]\(", md)
    text = run(str(root)).stdout
    assert "analysis.ipynb (cell 2, line 3)  model = LogisticRegression()" in text
