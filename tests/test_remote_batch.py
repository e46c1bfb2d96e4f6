"""Remote and batch scans as a user runs them: a git URL is cloned shallow into a temporary folder that is removed
afterwards; unsafe URLs are refused before git runs; a batch reports what it could, names each failure and exits
2; a manifest with --output-dir writes one report per candidate and an index; --jobs does not change reports."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import git
import pytest
from _ci import BASELINE, MODEL, assert_input_error, evidence, make_model_repo, report, role, run
from _repos import AUTHOR, TRAIN_SCRIPT, git_repo, write_tree

from portfolio_check import targets
from portfolio_check.engine.scan import InputError

# --- a remote repository: a local bare repository reached by file:// ----------------------------------------


class Remote:
    def __init__(self, url: str, v1: str, head: str) -> None:
        self.url, self.v1, self.head = url, v1, head


@pytest.fixture(scope="module")
def remote(tmp_path_factory) -> Remote:
    """``bare.git``: tag v1 = training only; main (one commit later) adds the API."""
    base = tmp_path_factory.mktemp("remote")
    work = write_tree(base / "work", {"README.md": MODEL["README.md"], "train.py": TRAIN_SCRIPT})
    repo = git_repo(work)
    repo.git.branch("-M", "main")
    repo.create_tag("v1")
    v1 = repo.head.commit.hexsha
    write_tree(work, {"app/__init__.py": "", "app/main.py": MODEL["app/main.py"]})
    repo.git.add("-A")
    head = repo.index.commit("add the API", author=AUTHOR, committer=AUTHOR).hexsha
    bare = git.Repo.init(base / "bare.git", bare=True)
    bare.git.symbolic_ref("HEAD", "refs/heads/main")
    repo.git.push(str(base / "bare.git"), "main", "--tags")
    repo.close()
    bare.close()
    return Remote((base / "bare.git").as_uri(), v1, head)


@pytest.fixture
def clones(monkeypatch, tmp_path) -> list[Path]:
    """Every temporary folder portfolio-check makes, in a private temp dir (``tempfile.gettempdir()``)."""
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    made: list[Path] = []
    real = tempfile.mkdtemp

    def spy(*args: Any, **kwargs: Any) -> str:
        path = real(*args, **kwargs)
        made.append(Path(path))
        return path

    monkeypatch.setattr(targets.tempfile, "mkdtemp", spy)
    return made


def leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("portfolio-check-*")}


def test_a_file_url_is_cloned_scanned_and_removed(remote, clones):
    assert leftovers() == set()
    data = report(remote.url)
    (repo,) = data["repos"]
    assert repo["path"] == remote.url
    assert repo["name"] == "bare"
    assert repo["commit"] == remote.head
    assert evidence(data)["serving"] == "weak"  # the head commit's API
    assert len(clones) == 1 and clones[0].name.startswith("portfolio-check-")
    assert not clones[0].exists()
    assert leftovers() == set()


def test_text_report_names_the_url(remote, clones):
    result = run(remote.url)
    assert result.exit_code == 0
    assert f"bare  ({remote.url})" in result.stdout
    assert remote.head[:12] in result.stdout


def test_ref_selects_a_tag(remote, clones):
    data = report(remote.url, "--ref", "v1")
    assert data["repos"][0]["commit"] == remote.v1
    assert evidence(data)["serving"] == "missing"
    assert evidence(data)["training"] == "strong"
    assert leftovers() == set()


def test_a_missing_ref_exits_2_and_cleans_up(remote, clones):
    result = run(remote.url, "--ref", "no-such-branch")
    assert_input_error(result, remote.url, "clone failed")
    assert len(clones) == 1 and not clones[0].exists()


def test_a_missing_ref_says_why(remote, clones):
    result = run(remote.url, "--ref", "no-such-branch")
    reason = result.stderr.split("clone failed:", 1)[1].strip()
    assert "no-such-branch" in reason or "not found" in reason


def test_a_missing_remote_repository_exits_2(tmp_path, clones):
    url = (tmp_path / "nowhere.git").as_uri()
    assert_input_error(run(url), url, "clone failed")
    assert all(not c.exists() for c in clones)


@pytest.mark.parametrize("ref", ["-x", "--upload-pack=touch", "a..b", "v1 v2"])
def test_a_ref_that_is_not_a_name_is_refused_before_cloning(remote, clones, ref):
    assert_input_error(run(remote.url, f"--ref={ref}"), "--ref", "not a branch or tag name")
    assert clones == []


def test_manifest_ref_per_repository(remote, tmp_path, clones):
    manifest = tmp_path / "cohort.toml"
    manifest.write_text(f'[[repo]]\nsource = "{remote.url}"\nref = "v1"\n\n[[repo]]\nsource = "{remote.url}"\n',
                        encoding="utf-8")
    data = report("--manifest", str(manifest), "--jobs", "1")
    assert [r["commit"] for r in data["repos"]] == [remote.v1, remote.head]
    assert leftovers() == set()


# --- unsafe inputs: refused with exit 2, git never runs -----------------------------------------------------


@pytest.fixture
def no_git(monkeypatch) -> list[Any]:
    calls: list[Any] = []
    monkeypatch.setattr(targets, "clone", lambda *a, **k: calls.append(a))
    return calls


def unsafe_inputs(marker: Path) -> list[tuple[str, str]]:
    return [
        (f"ext::sh -c touch% {marker}", "ext:: transport refused"),
        (f"ext::sh -c 'touch {marker}'", "ext:: transport refused"),
        (f"--upload-pack=touch {marker}", "command-line option"),
        (f"-u touch {marker}", "command-line option"),
        ("http://example.com/ada/rag.git", "unsupported"),
        ("git://example.com/ada/rag.git", "unsupported"),
        ("https://example.com/ada/my rag.git", "spaces"),
        (f"file:///tmp/x.git --upload-pack=touch {marker}", "refused"),
        ("ssh://example.com/ada/rag.git\n--upload-pack=x", "control characters"),
    ]


@pytest.mark.parametrize("index", range(9))
def test_unsafe_inputs_are_refused_and_nothing_runs(tmp_path, no_git, clones, index):
    marker = tmp_path / "MARKER"
    source, needle = unsafe_inputs(marker)[index]
    result = run("--", source)
    assert_input_error(result, needle)
    assert no_git == [] and clones == []
    assert not marker.exists()


@pytest.mark.parametrize("source", ["ext::sh -c touch% {marker}", "--upload-pack=touch {marker}"])
def test_unsafe_inputs_in_a_real_process_execute_nothing(tmp_path, source):
    marker = tmp_path / "MARKER"
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", "--", source.format(marker=marker)],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert not marker.exists()


def test_a_token_in_the_url_is_refused_and_never_echoed(no_git, clones):
    result = run("https://ada:ghp_S3cr3tT0ken@github.com/ada/rag.git")
    assert_input_error(result, "credentials")
    assert "S3cr3tT0ken" not in result.stderr + result.stdout
    assert no_git == []


def test_a_token_in_the_url_never_reaches_the_batch_index(tmp_path, no_git):
    good = make_model_repo(tmp_path / "good")
    out = tmp_path / "out"
    result = run(str(good), "https://ada:ghp_S3cr3tT0ken@github.com/ada/rag.git", "--output-dir", str(out))
    assert result.exit_code == 2
    written = "".join(p.read_text(encoding="utf-8") for p in out.iterdir())
    assert "S3cr3tT0ken" not in written + result.stderr  # also not markdown-escaped


@pytest.mark.parametrize("url", [
    "https://github.com/ada/rag",
    "https://github.com/ada/rag.git",
    "https://gitlab.example.com:8443/group/sub/rag.git",
    "ssh://git@github.com/ada/rag.git",
    "ssh://github.com:22/ada/rag",
    "git@github.com:ada/rag.git",
    "file:///srv/git/rag.git",
])
def test_check_url_accepts_plain_urls(url):
    targets.check_url(url)
    assert targets.looks_remote(url)


@pytest.mark.parametrize("url", [
    "ext::sh -c touch% /tmp/x",
    "fd::17",
    "-oProxyCommand=x",
    "--upload-pack=x",
    "https://user:token@github.com/ada/rag.git",
    "https://token@github.com/ada/rag.git",
    "http://github.com/ada/rag.git",
    "git://github.com/ada/rag.git",
    "ftp://github.com/ada/rag.git",
    "https://github.com/ada/my rag.git",
    "https://github.com/ada/rag\t.git",
    "file://otherhost/srv/rag.git",
    "https://github.com",
])
def test_check_url_refuses(url):
    with pytest.raises(InputError):
        targets.check_url(url)


@pytest.mark.parametrize("url", ["ssh://-oProxyCommand/x", "git@-oProxyCommand:x"])
def test_check_url_refuses_an_option_as_host(url):
    with pytest.raises(InputError):
        targets.check_url(url)


def test_an_existing_local_folder_is_never_taken_for_a_url(tmp_path, monkeypatch, no_git):
    monkeypatch.chdir(tmp_path)
    make_model_repo(tmp_path / "git@host:repo")
    data = report("git@host:repo")
    assert data["repos"][0]["name"] == "git@host:repo"
    assert no_git == []


# --- batches ------------------------------------------------------------------------------------------------


@pytest.fixture
def three(tmp_path) -> list[Path]:
    return [make_model_repo(tmp_path / "ada"), make_model_repo(tmp_path / "bob", BASELINE),
            write_tree(tmp_path / "cy", {"README.md": "# cy\n\nNotes.\n", "train.py": TRAIN_SCRIPT})]


def test_a_batch_reports_the_good_ones_and_names_each_failure(three, tmp_path, clones):
    missing = tmp_path / "missing-folder"
    bad = "http://example.com/ada/rag.git"
    result = run("--format", "json", str(three[0]), str(missing), bad, str(three[1]))
    assert result.exit_code == 2
    assert [r["name"] for r in json.loads(result.stdout)["repos"]] == ["ada", "bob"]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2 and all(e.startswith("portfolio-check: error: ") for e in errors)
    assert str(missing) in errors[0]
    assert "http" in errors[1] and "unsupported" in errors[1]
    assert "Traceback" not in result.stderr


def test_a_batch_error_names_the_refused_url(three):
    bad1, bad2 = "http://example.com/ada/rag.git", "http://example.com/bob/churn.git"
    result = run(str(three[0]), bad1, bad2)
    assert bad1 in result.stderr and bad2 in result.stderr


def test_a_batch_where_everything_fails_exits_2_with_no_report(tmp_path):
    result = run(str(tmp_path / "a"), str(tmp_path / "b"))
    assert result.exit_code == 2 and result.stdout == ""
    assert str(tmp_path / "a") in result.stderr and str(tmp_path / "b") in result.stderr


def write_manifest(path: Path, body: str) -> Path:
    path.write_text(body, encoding="utf-8")
    return path


COHORT = """\
[[repo]]
source = "ada"
candidate = "Ada"

[[repo]]
source = "bob"
candidate = "Ada"

[[repo]]
source = "cy"
candidate = "Cy"
"""


def test_manifest_with_output_dir_writes_a_report_per_candidate_and_an_index(three, tmp_path, monkeypatch):
    manifest = write_manifest(tmp_path / "cohort.toml", COHORT)
    monkeypatch.chdir(three[0])  # sources are relative to the manifest, not to the working directory
    out = tmp_path / "reports"
    result = run("--manifest", str(manifest), "--output-dir", str(out), "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "Ada.html", "Ada.json", "Ada.md", "Cy.html", "Cy.json", "Cy.md", "index.csv", "index.html", "index.md"]
    ada = json.loads((out / "Ada.json").read_text(encoding="utf-8"))
    cy = json.loads((out / "Cy.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in ada["repos"]] == ["ada", "bob"]
    assert [r["name"] for r in cy["repos"]] == ["cy"]
    assert (out / "Ada.md").read_text(encoding="utf-8").startswith("# Portfolio report")
    index = (out / "index.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in index.splitlines() if line.startswith("| [")}
    assert set(rows) == {"[Ada](Ada.md)", "[Cy](Cy.md)"}
    header = next(line for line in index.splitlines() if line.startswith("| Candidate"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    for name, data in (("[Ada](Ada.md)", ada), ("[Cy](Cy.md)", cy)):
        cells = [c.strip() for c in rows[name].strip("|").split("|")]
        for r in data["roles"]:
            assert cells[columns.index(r["id"])] == f"{r['score']:g}"
        assert cells[columns.index("Closest role")] == data["portfolio"]["closest_role"]
        top = data["build_next"][0]
        assert cells[columns.index("Top action")].endswith(f"(+{top['gain']:g})")
    assert "ada, bob" in rows["[Ada](Ada.md)"]


def test_output_dir_names_reports_after_repositories_without_candidates(three, tmp_path):
    out = tmp_path / "reports"
    assert run(str(three[0]), str(three[2]), "--output-dir", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "ada.html", "ada.json", "ada.md", "cy.html", "cy.json", "cy.md", "index.csv", "index.html", "index.md"]


def test_output_dir_with_a_failure_lists_it_and_exits_2(three, tmp_path):
    out = tmp_path / "reports"
    result = run(str(three[0]), str(tmp_path / "gone"), "--output-dir", str(out))
    assert result.exit_code == 2
    assert (out / "ada.md").is_file()
    index = (out / "index.md").read_text(encoding="utf-8")
    assert "## Not scanned" in index and "gone" in index.split("## Not scanned", 1)[1]
    assert "1 of 2 repositories scanned, 1 could not be" in index
    assert "1 of 2 repositories scanned" in result.stderr
    for page in ("index.html", "index.csv"):  # every index names it
        assert "gone" in (out / page).read_text(encoding="utf-8")
    assert "not scanned: " in (out / "index.csv").read_text(encoding="utf-8")


def test_manifest_artifact_overrides_the_detected_one(three, tmp_path):
    assert report(str(three[0]))["repos"][0]["artifact"] == "model_project"
    manifest = write_manifest(tmp_path / "m.toml", '[[repo]]\nsource = "ada"\nartifact = "tech_memo"\n')
    data = report("--manifest", str(manifest))
    assert data["repos"][0]["artifact"] == "tech_memo"
    assert data["portfolio"]["artifacts"]["tech_memo"] == "ada"
    assert data["portfolio"]["artifacts"]["model_project"] is None


@pytest.mark.parametrize(("body", "needle"), [
    ('[[repo]]\nsource = "ada"\ncolour = "red"\n', "repo[0]: unknown field 'colour'"),
    ('[[repo]]\nsource = "ada"\n[[repo]]\nsource = "ada"\nartifact = "website"\n', "repo[1].artifact: must be one of"),
    ('[[repo]]\ncandidate = "Ada"\n', "repo[0].source: missing"),
    ('[[repo]]\nsource = "ada"\ncandidate = 7\n', "repo[0].candidate: must be a string"),
    ('title = "cohort"\n', "at least one [[repo]]"),
    ("[[repo]\n", "not a valid manifest"),
])
def test_manifest_errors_exit_2_naming_the_field(three, tmp_path, body, needle):
    manifest = write_manifest(tmp_path / "cohort.toml", body)
    assert_input_error(run("--manifest", str(manifest)), f"{manifest}: ", needle)


def test_a_missing_manifest_exits_2(tmp_path):
    assert_input_error(run("--manifest", str(tmp_path / "nope.toml")), "nope.toml", "no such file")


def test_jobs_2_gives_byte_identical_reports(three, tmp_path):
    paths = [str(p) for p in three]
    one = run("--format", "json", "--jobs", "1", *paths)
    two = run("--format", "json", "--jobs", "2", *paths)
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout
    assert [r["name"] for r in json.loads(two.stdout)["repos"]] == ["ada", "bob", "cy"]  # the order given
    manifest = write_manifest(tmp_path / "cohort.toml", COHORT)
    for jobs in ("1", "2"):
        assert run("--manifest", str(manifest), "--output-dir", str(tmp_path / f"out{jobs}"),
                   "--jobs", jobs).exit_code == 0
    for name in ("Ada.json", "Cy.json", "index.md"):
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes()


def test_jobs_2_keeps_a_failure_in_its_place(three, tmp_path):
    result = run("--format", "json", "--jobs", "2", str(three[0]), str(tmp_path / "gone"), str(three[2]))
    assert result.exit_code == 2
    assert [r["name"] for r in json.loads(result.stdout)["repos"]] == ["ada", "cy"]
    assert "gone" in result.stderr


def test_no_progress_bar_when_stderr_is_not_a_terminal(three):
    proc = subprocess.run([sys.executable, "-m", "portfolio_check", "scan", "--jobs", "2", "--role", "bridge",
                           *map(str, three)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert "Scanning" not in proc.stdout and "\r" not in proc.stdout


def test_a_batch_is_one_portfolio_judged_together(three):
    """Without --output-dir, several paths make one portfolio: evidence from any repository counts."""
    alone = role(report(str(three[0]), "--role", "ml-engineer"), "ml-engineer")["score"]
    together = role(report(str(three[0]), str(three[1]), "--role", "ml-engineer"), "ml-engineer")["score"]
    assert together > alone  # bob's baseline closes ada's gap


# --- clones have limits (issue 12) ----------------------------------------------------------------------------


@pytest.fixture
def silent_server():
    """An https 'server' that accepts connections and never answers (a TLS handshake that never ends)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.getsockname()[1]}/ada/rag.git"
    stop.set()
    thread.join()
    for c in accepted:
        c.close()
    server.close()


def test_a_server_that_never_answers_is_given_up_on(silent_server, clones, monkeypatch):
    monkeypatch.setattr(targets, "CLONE_STALL", 0.6)
    start = time.monotonic()
    result = run(silent_server)
    assert time.monotonic() - start < 15
    assert_input_error(result, "clone failed", "no answer for 0.6 s")
    assert leftovers() == set()


def test_a_clone_over_the_size_limit_is_refused_and_removed(remote, clones, monkeypatch):
    """A pack over the limit stops git itself (RLIMIT_FSIZE)."""
    monkeypatch.setattr(targets, "CLONE_SIZE_LIMIT", 200)
    assert_input_error(run(remote.url), "clone failed", "git wrote a file over the 200 bytes limit")
    assert len(clones) == 1 and not clones[0].exists()


def test_a_small_pack_that_unpacks_to_too_much_is_never_checked_out(tmp_path, clones, monkeypatch):
    """A compression bomb: 1 MB of zeros is a tiny pack; the files' total is checked before they are written."""
    work = write_tree(tmp_path / "bomb", {"zeros.txt": b"\0" * 1_000_000, "train.py": TRAIN_SCRIPT})
    git_repo(work).close()
    monkeypatch.setattr(targets, "CLONE_SIZE_LIMIT", 64 * 1024)
    assert_input_error(run(work.as_uri()), "clone failed", "its files add up to 977 KiB, over the 64 KiB limit")
    assert len(clones) == 1 and not clones[0].exists()


def test_a_clone_that_takes_too_long_is_stopped(silent_server, clones, monkeypatch):
    monkeypatch.setattr(targets, "CLONE_STALL", 100.0)
    monkeypatch.setattr(targets, "CLONE_TIMEOUT", 0.5)
    assert_input_error(run(silent_server), "clone failed", "git took longer than 0.5 s")
    assert leftovers() == set()


def test_a_deep_clone_is_removed_without_recursion(tmp_path):
    top = tmp_path / "clone"
    top.mkdir()
    deep = top
    for _ in range(1500):
        deep = deep / "d"
        deep.mkdir()  # one level at a time: mkdir(parents=True) itself recurses
    (deep / "f.txt").write_text("x")
    (top / "link").symlink_to(tmp_path)  # a link is removed, never followed
    (tmp_path / "keep.txt").write_text("kept")
    targets.remove_tree(top)
    assert not top.exists() and (tmp_path / "keep.txt").exists()
