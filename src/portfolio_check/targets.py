"""What to scan: local folders and remote git URLs, one or many, in parallel.

A remote URL (``https://``, ``ssh://``, ``git@host:path``, ``file://``) is cloned shallow into a temporary folder,
scanned and removed. Unsafe URLs and transports (``ext::``, leading ``-``, options or credentials smuggled into the
URL) are refused before git runs, and git runs (see ``engine/gitsafe.py``) with prompts, credential helpers, hooks
and the ``ext`` transport off. A clone has limits: it is stopped when the server sends nothing for
``CLONE_STALL`` seconds or the whole clone takes longer than ``CLONE_TIMEOUT``; no file it writes may exceed
``CLONE_SIZE_LIMIT``, and the files of the commit must add up to less than that before they are checked out.
The temporary folder is removed whatever happens (without recursion: a deep tree cannot stop the clean-up).
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from portfolio_check import tomlread
from portfolio_check.engine import gitsafe
from portfolio_check.engine.scan import InputError, ScanOptions, scan_repo
from portfolio_check.model import RepoResult
from portfolio_check.safeio import human_size

_HOST = r"[A-Za-z0-9][A-Za-z0-9.-]*"  # never a leading '-': that would be read as an ssh option
_USER = r"[A-Za-z0-9_][A-Za-z0-9._-]*"
_SCP = re.compile(rf"^{_USER}@{_HOST}:(?!//)(?!-)[^\s]+$")
_SCP_LIKE = re.compile(r"^[^/\s:@]+@[^/\s:]+:")
_HTTPS = re.compile(rf"^https://(?P<auth>[^/@\s]*@)?{_HOST}(?::\d+)?/[^\s]*$")
_SSH = re.compile(rf"^ssh://(?:{_USER}@)?{_HOST}(?::\d+)?/[^\s]+$")
_URL = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^\s'\"<>]*)")
#: access tokens of the common forges and CI systems, wherever they appear (a URL's path, a git error...)
_TOKEN = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}|glpat-[A-Za-z0-9_-]{16,}"
                    r"|glcbt-[A-Za-z0-9_-]{16,}|xox[abposr]-[A-Za-z0-9-]{10,})|(?i:x-access-token|oauth2):[^@\s/]+")
_FILE = re.compile(r"^file:///[^\s]*$")
_REF = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/+-]+$")
ARTIFACTS = ("ai_application", "model_project", "tech_memo", "none")
#: a clone is stopped when the server sends nothing for this long, or when it takes longer than the timeout
CLONE_STALL = 15.0
CLONE_TIMEOUT = 300.0
#: no file a clone writes may be larger, and the checked-out files must add up to less
CLONE_SIZE_LIMIT = 1024 * gitsafe.MIB


@dataclass(frozen=True)
class Target:
    source: str
    candidate: str | None = None
    artifact: str | None = None
    ref: str | None = None
    name: str | None = None  # the name reports show (a configured project's display name)


@dataclass(frozen=True)
class Failure:
    source: str
    reason: str
    candidate: str | None = None


def looks_remote(source: str) -> bool:
    """A URL-like source (checked for safety before any use), unless it is an existing local folder."""
    if Path(source).exists():
        return False
    return "://" in source or "::" in source or bool(_SCP_LIKE.match(source)) or source.startswith("-")


def _redact_url(m: re.Match[str]) -> str:
    rest = re.sub(r"^[^/@]*@", "***@", m.group(2))  # user:password or a token before the host
    rest = re.sub(r"[?#].*$", "?***", rest)          # a query or fragment: ?access_token=..., #token=...
    return m.group(1) + rest


def redact(text: str) -> str:
    """The text (a URL, or a message quoting one) with credentials hidden, for messages and reports: a URL's
    user information, its query and fragment, and known token shapes (ghp_..., github_pat_..., glpat-...,
    x-access-token:...) anywhere."""
    return _TOKEN.sub("***", _URL.sub(_redact_url, text))


def check_url(url: str) -> None:
    """Refuse anything but plain https, ssh, scp-like and file URLs, with no options or credentials in them."""
    shown = redact(url)
    if url.startswith("-"):
        raise InputError(f"{shown!r}: refused: looks like a command-line option, not a repository")
    if "::" in url.split("://", 1)[0] or re.match(r"^[A-Za-z][\w+.-]*::", url):
        raise InputError(f"{shown}: {url.split('::', 1)[0]}:: transport refused (it can run commands; only https, "
                         "ssh, git@host:path and file URLs are scanned)")
    if any(ord(c) < 32 or c == "\x7f" for c in url) or " " in url:
        raise InputError(f"{shown!r}: refused: the URL contains spaces or control characters")
    if re.search(r"(^|[\s/=@:])--?[A-Za-z]", url.split("?", 1)[0].split("://", 1)[-1]):
        raise InputError(f"{shown}: refused: the URL carries a command-line option")
    m = _HTTPS.match(url)
    if m:
        if m.group("auth"):
            raise InputError(f"{shown}: refused: credentials in the URL (never pass tokens to portfolio-check)")
        return
    if _SSH.match(url) or _SCP.match(url) or _FILE.match(url):
        return
    raise InputError(f"{shown}: refused: unsupported or malformed repository URL (use https://, ssh://, "
                     "git@host:path or file://)")


def repo_name(url: str) -> str:
    path = re.split(r"[?#]", url, maxsplit=1)[0]  # never a name from the query or fragment (tokens live there)
    tail = path.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return tail.removesuffix(".git") or "repository"


def _git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return gitsafe.safe_git_env({
        "GIT_ALLOW_PROTOCOL": "https:ssh:file",
        "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o ConnectTimeout=15 "
                           "-o ServerAliveInterval=5 -o ServerAliveCountMax=3",
        **(extra or {}),
    })


def clone(source: str, dest: Path, ref: str | None) -> None:
    """A shallow clone of ``source`` into ``dest`` within the time and size limits; GitError when it fails."""
    args = ["clone", "--depth", "1", "--single-branch", "--no-checkout", "--progress"]
    if ref:
        args += ["--branch", ref]
    gitsafe.run_git([*args, "--", source, str(dest)], env=_git_env(), timeout=CLONE_TIMEOUT, stall=CLONE_STALL,
                    file_limit=CLONE_SIZE_LIMIT)
    env = _git_env({"GIT_DIR": str(dest / ".git"), "GIT_WORK_TREE": str(dest)})
    listing = gitsafe.run_git(["ls-tree", "-r", "-l", "-z", "HEAD"], env=env, timeout=CLONE_TIMEOUT).stdout
    total = sum(_blob_size(record) for record in listing.split(b"\0"))
    if total > CLONE_SIZE_LIMIT:
        raise gitsafe.GitError(f"its files add up to {human_size(total)}, over the {human_size(CLONE_SIZE_LIMIT)} "
                               "limit")
    gitsafe.run_git(["reset", "--quiet", "--hard", "HEAD"], env=env, timeout=CLONE_TIMEOUT,
                    file_limit=CLONE_SIZE_LIMIT)


def _blob_size(record: bytes) -> int:
    """The size field of one ``git ls-tree -l`` record (``mode blob sha size<TAB>path``); 0 for anything else."""
    m = re.match(rb"\d+ blob [0-9a-f]+ +(\d+)\t", record)
    return int(m.group(1)) if m else 0


def remove_tree(top: Path) -> None:
    """Delete a folder we made, without recursion and without following links; errors are ignored."""
    stack: list[tuple[str, bool]] = [(str(top), False)]
    while stack:
        path, emptied = stack.pop()
        if emptied:
            with contextlib.suppress(OSError):
                Path(path).rmdir()
            continue
        stack.append((path, True))
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append((entry.path, False))
            else:
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()


@contextmanager
def local_copy(target: Target) -> Iterator[Path]:
    """The folder to scan: the path itself, or a shallow clone that is removed afterwards."""
    if not looks_remote(target.source):
        yield Path(target.source)
        return
    check_url(target.source)
    if target.ref is not None and not _REF.match(target.ref):
        raise InputError(f"--ref {target.ref!r}: not a branch or tag name")
    tmp = Path(tempfile.mkdtemp(prefix="portfolio-check-"))
    try:
        dest = tmp / "repo"  # never a name from the URL: ".." would leave the folder
        try:
            clone(target.source, dest, target.ref)
        except gitsafe.GitError as exc:
            raise InputError(f"{redact(target.source)}: clone failed: {redact(str(exc)) or 'git clone failed'}") \
                from None
        yield dest
    finally:
        remove_tree(tmp)


def scan_target(target: Target, options: ScanOptions) -> RepoResult | Failure:
    """Scan one target; a failure (bad URL, unreadable folder) is returned, not raised."""
    try:
        with local_copy(target) as path:
            result = scan_repo(path, options)
        if looks_remote(target.source):  # the report carries the URL, never a token in it
            result = replace(result, path=redact(target.source), name=redact(repo_name(target.source)))
        if target.artifact:
            result = replace(result, artifact=target.artifact)  # type: ignore[arg-type]
        if target.name:
            result = replace(result, name=target.name)
        return result
    except InputError as exc:
        return Failure(redact(target.source), str(exc), target.candidate)
    except Exception as exc:  # one broken repository never ends a batch
        shown = redact(target.source)
        return Failure(shown, f"{shown}: scan failed: {type(exc).__name__}: {exc}", target.candidate)


def _scan_indexed(args: tuple[int, Target, ScanOptions]) -> tuple[int, RepoResult | Failure]:
    i, target, options = args
    return i, scan_target(target, options)


def scan_targets(targets: list[Target], options: ScanOptions, jobs: int = 1,
                 progress: Callable[[Target], None] | None = None) -> list[RepoResult | Failure]:
    """Scan every target, in parallel processes when ``jobs`` > 1; results keep the targets' order."""
    out: list[RepoResult | Failure | None] = [None] * len(targets)
    if jobs > 1 and len(targets) > 1:  # repositories in parallel: each one read in a single process
        from dataclasses import replace

        options = replace(options, read_workers=1)
    work = [(i, t, options) for i, t in enumerate(targets)]
    if jobs <= 1 or len(targets) <= 1:
        for item in work:
            i, res = _scan_indexed(item)
            out[i] = res
            if progress:
                progress(targets[i])
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(targets))) as pool:
            for i, res in pool.map(_scan_indexed, work):
                out[i] = res
                if progress:
                    progress(targets[i])
    return [r for r in out if r is not None]


def load_manifest(path: str) -> list[Target]:
    """``[[repo]]`` tables with ``source`` and optional ``candidate``, ``artifact``, ``ref``."""
    from portfolio_check.safeio import MANIFEST_LIMIT, UnsafeFile, read_text_capped

    p = Path(path)
    try:
        data = tomlread.loads(read_text_capped(p, MANIFEST_LIMIT))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnsafeFile as exc:
        raise InputError(f"{path}: refused: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: not a valid manifest (nested too deeply)") from None
    except (OSError, UnicodeDecodeError, tomlread.TOMLDecodeError) as exc:
        raise InputError(f"{path}: not a valid manifest ({exc})") from None
    repos = data.get("repo")
    if not isinstance(repos, list) or not repos:
        raise InputError(f"{path}: needs at least one [[repo]] table with a source")
    targets = []
    for i, r in enumerate(repos):
        where = f"{path}: repo[{i}]"
        if not isinstance(r, dict) or not isinstance(r.get("source"), str) or not r["source"]:
            raise InputError(f"{where}.source: missing (a local path or a git URL)")
        unknown = set(r) - {"source", "candidate", "artifact", "ref"}
        if unknown:
            raise InputError(f"{where}: unknown field {', '.join(repr(u) for u in sorted(unknown))}")
        art = r.get("artifact")
        if art is not None and art not in ARTIFACTS:
            raise InputError(f"{where}.artifact: must be one of {', '.join(ARTIFACTS)}")
        for key in ("candidate", "ref"):
            if key in r and not isinstance(r[key], str):
                raise InputError(f"{where}.{key}: must be a string")
        src = r["source"]
        if not looks_remote(src) and not Path(src).is_absolute():
            src = str(p.parent / src)
        targets.append(Target(src, r.get("candidate"), art, r.get("ref")))
    return targets
