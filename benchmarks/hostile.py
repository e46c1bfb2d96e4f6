#!/usr/bin/env python3
"""Issue 12's reproductions (the ones outside the file readers), run against the installed CLI as an attacker would.

    python benchmarks/hostile.py

Each case builds a hostile folder (or input) in a temp dir, runs ``python -m portfolio_check`` in a child process
capped at 1 GiB of address space, and prints the time, the exit code, the last stderr line and whether the case's
own check held (no marker file, nothing outside written or echoed, no control character in the output).
The standing target: every case under 20 s, exit 0/1/2, check "ok".
"""

from __future__ import annotations

import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

AS_LIMIT = 1024**3
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
TRAIN = "import torch\n\nfor epoch in range(3):\n    loss = model(x)\n    loss.backward()\n    optimizer.step()\n"


def cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


def cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int, str, str]:
    start = time.monotonic()
    try:
        p = subprocess.run([sys.executable, "-m", "portfolio_check", *args], cwd=cwd, capture_output=True, text=True,
                           timeout=60, preexec_fn=cap, env=env)
        return time.monotonic() - start, p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return time.monotonic() - start, -1, "", "TIMEOUT"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=a", "-c", "user.email=a@b", *args], cwd=cwd, check=True,
                   capture_output=True)


def repo(base: Path, name: str, commit: bool = True) -> Path:
    root = base / name
    root.mkdir()
    (root / "train.py").write_text(TRAIN)
    if commit:
        git("init", "-q", cwd=root)
        git("add", "-A", cwd=root)
        git("commit", "-qm", "x", cwd=root)
    return root


def sparse(path: Path, size: int = 2 * 1024**3) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        fh.truncate(size)


Setup = tuple[list[str], Path, dict[str, str] | None, Callable[[int, str, str], bool]]


def git_on_path(base: Path) -> Setup:
    root = repo(base, "r")
    marker = base / "MARKER"
    (root / "git").write_text(f"#!/bin/sh\ntouch {marker}\n")
    (root / "git").chmod(0o755)
    env = {**os.environ, "PATH": ".:" + os.environ["PATH"]}
    return ["scan", "."], root, env, lambda rc, out, err: not marker.exists()


def click_py(base: Path) -> Setup:
    root = repo(base, "r", commit=False)
    marker = base / "MARKER"
    (root / "click.py").write_text(f"open({str(marker)!r}, 'w')\n")
    return ["scan", "."], root, None, lambda rc, out, err: not marker.exists()


def linked_config(base: Path) -> Setup:
    root = repo(base, "r", commit=False)
    (base / "secret.toml").write_text('[tool.portfolio-check]\nsecret-key-xyz = 1\n')
    (root / "pyproject.toml").symlink_to(base / "secret.toml")
    return ["scan", "."], root, None, lambda rc, out, err: "secret-key-xyz" not in out + err


def output_link(base: Path) -> Setup:
    root = repo(base, "r", commit=False)
    victim = base / "victim"
    victim.write_text("keep")
    (root / "REPORT.md").symlink_to(victim)
    return ["scan", ".", "-o", "REPORT.md"], root, None, lambda rc, out, err: victim.read_text() == "keep"


def git_file_elsewhere(base: Path) -> Setup:
    other = repo(base, "other")
    root = repo(base, "r", commit=False)
    (root / ".git").write_text(f"gitdir: {other / '.git'}\n")
    return ["scan", ".", "--format", "json"], root, None, lambda rc, out, err: '"commit": null' in out


def gitignore_backtracking(base: Path) -> Setup:
    root = repo(base, "r", commit=False)
    (root / ".gitignore").write_text("*a" * 40 + "*b\n")
    (root / ("a" * 250)).write_text("x")
    return ["scan", "."], root, None, lambda rc, out, err: True


def deep_folder(base: Path) -> Setup:
    root = repo(base, "r", commit=False)
    d = root
    for _ in range(1500):
        d = d / "d"
        d.mkdir()
    (d / "notes.md").write_text("# notes\n")
    return ["scan", "."], root, None, lambda rc, out, err: "RecursionError" not in err


def include_dev_zero(base: Path) -> Setup:
    root = repo(base, "r")
    with (root / ".git" / "config").open("a") as fh:
        fh.write("[include]\n\tpath = /dev/zero\n")
    return ["scan", "."], root, None, lambda rc, out, err: True


def big_meta(name: str) -> Callable[[Path], Setup]:
    def case(base: Path) -> Setup:
        root = repo(base, "r")
        target = root / ".git" / name
        if target.exists():
            target.unlink()
        sparse(target)
        return ["scan", "."], root, None, lambda rc, out, err: True
    case.__name__ = f"2 GB .git/{name}"
    return case


def fifo_meta(name: str) -> Callable[[Path], Setup]:
    def case(base: Path) -> Setup:
        root = repo(base, "r")
        target = root / ".git" / name
        if target.exists():
            target.unlink()
        os.mkfifo(target)
        return ["scan", "."], root, None, lambda rc, out, err: True
    case.__name__ = f"FIFO .git/{name}"
    return case


def fifo_include(base: Path) -> Setup:
    root = repo(base, "r")
    os.mkfifo(base / "fifo")
    with (root / ".git" / "config").open("a") as fh:
        fh.write(f"[include]\n\tpath = {base / 'fifo'}\n")
    return ["scan", "."], root, None, lambda rc, out, err: True


def fifo_checklist(base: Path) -> Setup:
    root = repo(base, "r", commit=False)
    os.mkfifo(base / "role.toml")
    return ["scan", ".", "--checklist", str(base / "role.toml")], root, None, lambda rc, out, err: rc == 2


def big_file(name: str, option: str | None) -> Callable[[Path], Setup]:
    def case(base: Path) -> Setup:
        root = repo(base, "r", commit=False)
        target = (base if option else root) / name
        sparse(target, 600 * 1024**2 if option == "--compare" else 2 * 1024**3)
        args = ["scan", "."] + ([option, str(target)] if option else [])
        return args, root, None, lambda rc, out, err: True
    case.__name__ = f"huge {option or 'repository'} {name}"
    return case


def silent_server(base: Path) -> Setup:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept() -> None:  # accept and never answer
        for _ in range(8):
            held.append(server.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    url = f"https://127.0.0.1:{server.getsockname()[1]}/ada/rag.git"
    return ["scan", url], base, None, lambda rc, out, err: rc == 2


def payload_names(base: Path) -> Setup:
    root = repo(base, "r", commit=False)
    for name in ("clip\x1b]52;c;ZWNobyBwd24=\x07", "erase\x1b[2K\x1b[1A", "fake\r\nml-engineer 100.0\n",
                 "bidi\u202egnp.exe", "c1\u009b31m", "<img src=x onerror=alert(1)>|@octocat www.evil.example"):
        (root / f"{name}.py").write_text(TRAIN)
    return ["scan", ".", "--format", "markdown"], root, None, lambda rc, out, err: not UNSAFE.search(out + err)


CASES = [git_on_path, click_py, linked_config, output_link, git_file_elsewhere, gitignore_backtracking, deep_folder,
         include_dev_zero, fifo_include, big_meta("packed-refs"), big_meta("HEAD"), big_meta("commondir"),
         big_meta("info/exclude"), big_meta("config"), fifo_meta("commondir"), fifo_checklist,
         big_file(".portfolio-check.toml", None), big_file(".gitignore", None), big_file("old.json", "--compare"),
         big_file("cfg.toml", "--config"), silent_server, payload_names]


def main() -> int:
    failed = 0
    print(f"{'case':34} {'time':>7} {'exit':>4}  check  last stderr line")
    for case in CASES:
        with tempfile.TemporaryDirectory(prefix="pc-hostile-") as tmp:
            args, cwd, env, check = case(Path(tmp))
            elapsed, rc, out, err = cli(args, cwd, env)
            ok = check(rc, out, err) and rc in (0, 1, 2) and elapsed < 20
            failed += not ok
            last = (err.strip().splitlines() or [""])[-1][:70]
            print(f"{case.__name__:34} {elapsed:6.2f}s {rc:>4}  {'ok' if ok else 'FAIL':5}  {last}")
            if case is deep_folder:  # TemporaryDirectory's clean-up recurses
                subprocess.run(["rm", "-rf", str(cwd)], check=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
