"""Running git on repositories that may be hostile: never a ``git`` from the scanned tree, never the repository's
own programs, never unbounded.

* The ``git`` executable is looked up once, on the absolute entries of ``PATH`` only ('.', empty and relative
  entries are skipped), and refused when it lies inside the folder being scanned.
* git runs with its working directory outside the scanned tree (``GIT_DIR`` and ``GIT_WORK_TREE`` name the
  repository), a ``PATH`` of absolute entries, none of the caller's ``GIT_*`` variables, and command-line settings
  that outrank the repository's own configuration: no hooks, no fsmonitor, no ``ext`` transport, no credential
  helper, no excludes or attributes file from outside.
* Every run has a time limit (its whole process group is killed), an output cap (standard output and error go to
  files limited by ``RLIMIT_FSIZE``) and, on Linux, an address-space cap.
* Before git reads a repository's metadata, :func:`locate` checks it: the git directory (and ``commondir``,
  ``alternates``) must lie inside the work tree, and the files git reads (``HEAD``, ``config``, ``packed-refs``,
  ``index``, ``info/exclude``...) must be regular files of sane sizes, with no ``include`` in the configuration.
  Anything else is a :class:`Refusal` and the caller walks the folder instead.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO

from portfolio_check.safeio import UnsafeFile, human_size, is_inside, kind, read_capped

KIB, MIB = 1024, 1024 * 1024
#: address space of one git process (Linux only: elsewhere RLIMIT_AS is not enforced)
GIT_MEMORY_LIMIT = 1024 * MIB
#: the largest file (output included) one git process may write, unless the caller says otherwise
GIT_OUTPUT_LIMIT = 64 * MIB
#: a local git command (listing files, reading HEAD) that takes longer is stopped and the folder walked instead
LOCAL_TIMEOUT = 10.0

#: settings given on git's command line (GIT_CONFIG_COUNT): they outrank the repository's own .git/config
SAFE_SETTINGS = {
    "core.fsmonitor": "false",
    "core.hooksPath": os.devnull,
    "core.untrackedCache": "false",
    "core.excludesFile": os.devnull,
    "core.attributesFile": os.devnull,
    "core.pager": "cat",
    "credential.helper": "",
    "protocol.ext.allow": "never",
    "core.packedGitWindowSize": "32m",
    "core.packedGitLimit": "256m",
    "pack.threads": "1",
}


class GitError(Exception):
    """git could not be run, failed, or was stopped; the message is one line, safe to show."""


@dataclass(frozen=True)
class GitRun:
    stdout: bytes
    stderr: str


@dataclass(frozen=True)
class Refusal:
    """Why git is not used on a folder (shown as a warning)."""

    reason: str


@dataclass(frozen=True)
class GitLocation:
    """A checked repository: its git directory, the work tree holding it, and the scanned folder within it."""

    git_dir: Path
    work_tree: Path
    prefix: str  # the scanned folder relative to work_tree, POSIX, "" at the top


@lru_cache(maxsize=1)
def git_executable() -> str | None:
    """The absolute path of ``git`` on the absolute entries of ``PATH``; resolved once per process."""
    for entry in _absolute_path_entries():
        candidate = Path(entry) / "git"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return os.path.realpath(candidate)
    return None


def _absolute_path_entries() -> list[str]:
    """``PATH`` less '.', empty and relative entries (they name the current folder: maybe a scanned tree)."""
    return [e for e in os.environ.get("PATH", "").split(os.pathsep) if e and Path(e).is_absolute()]


def safe_path() -> str:
    """``PATH`` without its relative entries, for the programs git itself starts (ssh, git-remote-https)."""
    return os.pathsep.join(_absolute_path_entries())


#: the caller's GIT_* variables that only tune transport (a company CA, a proxy, tracing) or name the user's own
#: configuration files; all others (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY, GIT_EXEC_PATH,
#: GIT_CONFIG_PARAMETERS...) could point git at another repository or another program, and are dropped
_KEPT_GIT_VARIABLES = ("GIT_SSL_", "GIT_HTTP_", "GIT_PROXY_", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
                       "GIT_CONFIG_NOSYSTEM", "GIT_TRACE")


def safe_git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The whole environment for a git process: the caller's, less ``GIT_*`` variables that redirect git, plus safe
    settings.

    Command-line configuration outranks the repository's own ``.git/config``, so a scanned repository cannot make
    git run a program of its choosing (``core.fsmonitor``, hooks, the ``ext`` transport) or prompt for anything.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k.startswith(_KEPT_GIT_VARIABLES)}
    env.update({"PATH": safe_path(), "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat",
                "GIT_LITERAL_PATHSPECS": "1", "GIT_LFS_SKIP_SMUDGE": "1", "GIT_ASKPASS": "", "SSH_ASKPASS": "",
                "MALLOC_ARENA_MAX": "2", "LC_ALL": "C", "GIT_CONFIG_COUNT": str(len(SAFE_SETTINGS))})
    for i, (key, value) in enumerate(SAFE_SETTINGS.items()):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    env.update(extra or {})
    return env


def _limiter(file_limit: int) -> Callable[[], None]:
    """Resource limits applied in the child before git starts (a C call each: nothing that can deadlock)."""
    import resource

    def cap(kind: int, value: int) -> tuple[int, int]:
        soft, hard = resource.getrlimit(kind)
        new = value if hard == resource.RLIM_INFINITY else min(value, hard)
        new = new if soft == resource.RLIM_INFINITY else min(new, soft)
        return new, new

    limits = [(resource.RLIMIT_FSIZE, cap(resource.RLIMIT_FSIZE, file_limit))]
    if sys.platform.startswith("linux"):
        limits.append((resource.RLIMIT_AS, cap(resource.RLIMIT_AS, GIT_MEMORY_LIMIT)))

    def apply() -> None:
        for which, value in limits:
            resource.setrlimit(which, value)

    return apply


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)  # git's helpers (ssh, remote-https, index-pack) too
    proc.wait()


def _read_capped(fh: IO[bytes], cap: int) -> bytes:
    fh.seek(0)
    return fh.read(cap + 1)


def run_git(args: Sequence[str], *, timeout: float = LOCAL_TIMEOUT, stall: float | None = None,
            file_limit: int = GIT_OUTPUT_LIMIT, env: dict[str, str] | None = None) -> GitRun:
    """Run ``git ARGS`` (working directory: the file-system root) within the limits; raise GitError if it fails.

    ``stall``: also stop git when its standard error (its progress) has not grown for that many seconds.
    """
    exe = git_executable()
    if exe is None:
        raise GitError("git is not installed (no git on the absolute entries of PATH)")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen([exe, "--no-pager", *args], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    cwd=Path(os.sep).resolve(), env=env if env is not None else safe_git_env(),
                                    start_new_session=True, preexec_fn=_limiter(file_limit))
        except OSError as exc:
            raise GitError(f"cannot run git ({exc.strerror or exc})") from None
        why = _wait(proc, err, timeout, stall)
        stderr = _read_capped(err, 64 * KIB).decode("utf-8", "replace")
        if why:
            raise GitError(why)
        if proc.returncode == -signal.SIGXFSZ:
            raise GitError(f"git wrote a file over the {human_size(file_limit)} limit")
        if proc.returncode != 0:
            raise GitError(_last_error(stderr) or f"git exited with status {proc.returncode}")
        data = _read_capped(out, file_limit)
    return GitRun(data, stderr)


def _exit_notice(pid: int) -> int | None:
    """A descriptor that becomes readable when process ``pid`` ends (Linux), or None where there is none: waiting on
    it wakes at once, where ``Popen.wait(timeout=...)`` polls with sleeps of up to 50 ms."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _wait(proc: subprocess.Popen[bytes], err: IO[bytes], timeout: float, stall: float | None) -> str | None:
    import select

    start = last = time.monotonic()
    seen = 0
    notice = _exit_notice(proc.pid)
    try:
        while True:
            if notice is not None:
                if select.select([notice], [], [], 0.2)[0]:
                    proc.wait()
                    return None
            else:
                try:
                    proc.wait(timeout=0.2)
                    return None
                except subprocess.TimeoutExpired:
                    pass
            now = time.monotonic()
            if now - start > timeout:
                _kill(proc)
                return f"git took longer than {timeout:g} s and was stopped"
            if stall is not None:
                size = os.fstat(err.fileno()).st_size
                if size != seen:
                    seen, last = size, now
                elif now - last > stall:
                    _kill(proc)
                    return f"no answer for {stall:g} s; stopped"
    finally:
        if notice is not None:
            os.close(notice)


def _last_error(stderr: str) -> str:
    """The useful line of git's error output (its 'fatal:' or 'error:' line)."""
    lines = [ln.strip() for ln in re.split(r"[\r\n]+", stderr) if ln.strip()]
    lines = [ln for ln in lines if not ln.startswith(("Cloning into", "remote:", "Receiving", "Resolving"))]
    best = next((ln for ln in lines if ln.startswith(("fatal:", "error:"))), lines[-1] if lines else "")
    return best.removeprefix("fatal:").removeprefix("error:").strip()[:500]


# --- checking a repository's metadata before git reads it --------------------------------------------------------

#: files git may read while listing files or reading HEAD, with the largest size accepted
_META_LIMITS = {
    "HEAD": 4 * KIB, "commondir": 4 * KIB, "gitdir": 4 * KIB, "config": MIB, "config.worktree": MIB,
    "packed-refs": 64 * MIB, "index": 512 * MIB, "shallow": 16 * MIB, "info/exclude": MIB,
    "info/sparse-checkout": MIB, "info/attributes": MIB, "info/grafts": MIB, "objects/info/alternates": 64 * KIB,
}
_INCLUDE = re.compile(rb"(?im)^[ \t]*\[[ \t]*include")


Areas = tuple[Path, ...]  # folders the metadata files may lie in (after following links)


def _within(path: Path, areas: Areas) -> bool:
    return any(is_inside(path, a) for a in areas)


def _small_file(path: Path, limit: int, areas: Areas, label: str) -> bytes | Refusal | None:
    """The bytes of a metadata file that passed the checks, None when it does not exist, or a Refusal."""
    try:
        st = path.stat()  # follows a link: where it leads is checked next
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Refusal(f"{label} cannot be read ({exc.strerror})")
    if not _within(path, areas):
        return Refusal(f"{label} leads outside the folder")
    if not stat.S_ISREG(st.st_mode):
        return Refusal(f"{label} is {kind(st.st_mode)}")
    if st.st_size > limit:
        return Refusal(f"{label} is larger than {human_size(limit)}")
    if limit > MIB:
        return b""  # big files (index, packed-refs) are read by git only: their type and size are what matters
    try:
        return read_capped(path, limit)
    except (OSError, UnsafeFile) as exc:
        return Refusal(f"{label} cannot be read ({exc})")


def _pointer(data: bytes, base: Path, prefix: str = "") -> Path | None:
    """The path a git pointer file names (``gitdir: X``, ``commondir``), resolved; None when it is not one."""
    text = data.decode("utf-8", "replace").strip()
    if prefix:
        if not text.startswith(prefix):
            return None
        text = text[len(prefix):].strip()
    if not text or "\0" in text:
        return None
    return Path(os.path.realpath(base / text))


def _find_dot_git(root: Path) -> Path | None:
    for folder in (root, *root.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return None


def locate(root: Path) -> GitLocation | Refusal | None:
    """The repository holding ``root`` (itself or a parent work tree) once its metadata passed the checks; None when
    ``root`` is not in a work tree; a Refusal when git must not read it."""
    root = Path(os.path.realpath(root))
    top = _find_dot_git(root)
    if top is None:
        return None
    exe = git_executable()
    if exe is not None and is_inside(exe, root):
        return Refusal("the git found on PATH lies inside the scanned folder")
    found = _git_dir(top)
    if isinstance(found, Refusal):
        return found
    git_dir, areas = found
    problem = check_metadata(git_dir, areas)
    if problem is not None:
        return problem
    return GitLocation(git_dir, top, root.relative_to(top).as_posix() if root != top else "")


def _git_dir(top: Path) -> tuple[Path, Areas] | Refusal:
    """The git directory of the work tree ``top`` and the folders its metadata may lie in.

    A ``.git`` folder must lie inside ``top``. A ``.git`` file may point elsewhere only at a repository that points
    back at ``top``: a linked worktree (its ``gitdir`` file names ``top/.git``) or a submodule (its
    ``core.worktree`` is ``top``); a ``.git`` file naming some other repository is refused.
    """
    dot = top / ".git"
    if dot.is_dir():
        git_dir = Path(os.path.realpath(dot))
        return (git_dir, (top,)) if is_inside(git_dir, top) else Refusal(".git leads outside the folder")
    data = _small_file(dot, 4 * KIB, (top,), ".git")
    if data is None or isinstance(data, Refusal):
        return data or Refusal(".git cannot be read")
    named = _pointer(data, top, "gitdir:")
    if named is None or not named.is_dir():
        return Refusal("the .git file does not name a git directory")
    git_dir = named
    if is_inside(git_dir, top):
        return git_dir, (top,)
    anywhere = (Path(os.sep),)
    back = _small_file(git_dir / "gitdir", 4 * KIB, anywhere, "the worktree's gitdir")
    common_data = _small_file(git_dir / "commondir", 4 * KIB, anywhere, ".git/commondir")
    if isinstance(back, bytes) and isinstance(common_data, bytes) and _pointer(back, git_dir) == dot:
        common = _pointer(common_data, git_dir)
        if common is not None and is_inside(git_dir, common):
            return git_dir, (top, common)  # a linked worktree of the repository in `common`
    config = _small_file(git_dir / "config", MIB, anywhere, ".git/config")
    if isinstance(config, bytes):
        m = re.search(rb"(?im)^[ \t]*worktree[ \t]*=[ \t]*(.+?)[ \t]*$", config)
        if m and _pointer(m.group(1), git_dir) == top:
            return git_dir, (top, git_dir)  # a submodule whose repository lives in its parent's .git/modules
    return Refusal("the .git file points at a repository outside the folder")


def check_metadata(git_dir: Path, areas: Areas) -> Refusal | None:
    """None when git may read ``git_dir`` (and its common directory) safely, else why not."""
    if not git_dir.is_dir():
        return Refusal("the git directory is missing")
    common = git_dir
    data = _small_file(git_dir / "commondir", _META_LIMITS["commondir"], areas, ".git/commondir")
    if isinstance(data, Refusal):
        return data
    if data is not None:
        pointed = _pointer(data, git_dir)
        if pointed is None or not _within(pointed, areas):
            return Refusal(".git/commondir points outside the folder")
        common = pointed
    for folder in dict.fromkeys((git_dir, common)):
        problem = _check_files(folder, areas)
        if problem is not None:
            return problem
    return _check_head(git_dir, common, areas)


def _check_files(folder: Path, areas: Areas) -> Refusal | None:
    for name, limit in _META_LIMITS.items():
        if name == "commondir":
            continue
        found = _small_file(folder / name, limit, areas, f".git/{name}")
        if isinstance(found, Refusal):
            return found
        if found and name in ("config", "config.worktree") and _INCLUDE.search(found):
            return Refusal(f".git/{name} includes other files")
        if found and name == "objects/info/alternates":
            for line in found.splitlines():
                if line.strip() and not line.startswith(b"#"):
                    alt = _pointer(line, folder / "objects")
                    if alt is None or not _within(alt, areas):
                        return Refusal(".git/objects/info/alternates points outside the folder")
    for entry in _shared_indexes(folder):
        found = _small_file(entry, _META_LIMITS["index"], areas, f".git/{entry.name}")
        if isinstance(found, Refusal):
            return found
    return None


def _shared_indexes(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if p.name.startswith("sharedindex.")][:64]
    except OSError:
        return []


def _check_head(git_dir: Path, common: Path, areas: Areas) -> Refusal | None:
    """HEAD and the chain of symbolic references it names: small regular files inside the folder."""
    name = "HEAD"
    for _ in range(6):
        base = git_dir if name == "HEAD" else common
        if name != "HEAD" and (not name.startswith("refs/") or ".." in name.split("/") or "\0" in name):
            return Refusal(".git/HEAD names something that is not a reference")
        data = _small_file(base / name, 4 * KIB, areas, f".git/{name}")
        if isinstance(data, Refusal):
            return data
        if data is None:
            return None  # not a loose reference: packed, or a branch with no commit yet
        text = data.decode("utf-8", "replace").strip()
        if not text.startswith("ref:"):
            return None
        name = text[4:].strip()
    return Refusal(".git/HEAD: too many symbolic references")


# --- the two questions the scanner asks git ---------------------------------------------------------------------


def list_files(where: GitLocation) -> list[str]:
    """Tracked plus untracked, non-ignored paths under the scanned folder, relative to it; GitError if git fails."""
    env = safe_git_env({"GIT_DIR": str(where.git_dir), "GIT_WORK_TREE": str(where.work_tree)})
    out = run_git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", where.prefix or "."],
                  env=env, timeout=LOCAL_TIMEOUT).stdout
    if len(out) > GIT_OUTPUT_LIMIT:
        raise GitError("git listed more than the output limit")
    paths = []
    cut = len(where.prefix) + 1 if where.prefix else 0
    for raw in out.split(b"\0"):
        if not raw:
            continue
        p = os.fsdecode(raw)
        if where.prefix and not p.startswith(where.prefix + "/"):
            continue
        paths.append(p[cut:])
    return paths


def head_commit(where: GitLocation) -> str | None:
    """The HEAD commit's hex id, or None (no commit yet, or git failed)."""
    env = safe_git_env({"GIT_DIR": str(where.git_dir), "GIT_WORK_TREE": str(where.work_tree)})
    try:
        out = run_git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], env=env, timeout=LOCAL_TIMEOUT / 2).stdout
    except GitError:
        return None
    text = out.decode("ascii", "replace").strip()
    return text if re.fullmatch(r"[0-9a-f]{40}(?:[0-9a-f]{24})?", text) else None


def origin_url(where: GitLocation) -> str | None:
    """The ``origin`` remote's URL as configured (None when there is none or git fails)."""
    env = safe_git_env({"GIT_DIR": str(where.git_dir), "GIT_WORK_TREE": str(where.work_tree)})
    try:
        out = run_git(["config", "--get", "remote.origin.url"], env=env, timeout=LOCAL_TIMEOUT / 2).stdout
    except GitError:
        return None
    text = out.decode("utf-8", "replace").strip()
    return text if text and len(text) < 500 and "\n" not in text else None
