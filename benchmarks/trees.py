#!/usr/bin/env python3
"""Build the big trees the speed targets are measured on, from public repositories (never committed here).

    python benchmarks/trees.py DEST --mirrors /work/.mirror     # git mirrors laid out as owner+name/repo
    python benchmarks/trees.py DEST --rich-from /work/bench-repos  # AI/ML repositories: any folders with .git

*barren*: 7 non-ML repositories (the speed issue's list) × 8 copies, about 16k files; *rich*: 20 AI/ML repositories
× 4 copies. Each copy is the repository's HEAD (``git archive``), so no ``.git`` folders inside; each tree is then
made one git repository (one commit), the way a scanned repository is, so ``git grep`` searches its index and
portfolio-check lists it with ``git ls-files``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

BARREN = ["ossf/scorecard", "pallets/click", "todogroup/repolinter", "scientific-python/cookie",
          "scientific-python/repo-review", "python-jsonschema/check-jsonschema", "regebro/pyroma"]
BARREN_COPIES = 8
RICH_REPOS = 20
RICH_COPIES = 4


def git(*args: str, cwd: Path | None = None) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout


def export(source: Path, dest: Path) -> int:
    """The HEAD tree of ``source`` (a git dir or a work tree) into ``dest``; blobs a partial mirror lacks (its
    largest files) are left out. Returns how many were left out."""
    where = ["--git-dir", str(source)] if (source / "HEAD").is_file() and not (source / ".git").exists() \
        else ["-C", str(source)]
    entries = []
    for line in git(*where, "ls-tree", "-r", "-z", "HEAD").split(b"\0"):
        if not line:
            continue
        meta, path = line.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob":
            entries.append((mode.decode(), sha.decode(), path.decode("utf-8", "surrogateescape")))
    proc = subprocess.run(["git", *where, "cat-file", "--batch"], input="".join(f"{e[1]}\n" for e in entries).encode(),
                          capture_output=True, check=True)
    out, pos, missing = proc.stdout, 0, 0
    for mode, _sha, path in entries:
        end = out.index(b"\n", pos)
        header = out[pos:end].split()
        pos = end + 1
        if header[-1] == b"missing":
            missing += 1
            continue
        size = int(header[2])
        data = out[pos:pos + size]
        pos += size + 1
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            continue  # links are not needed for a speed tree
        target.write_bytes(data)
        if mode == "100755":
            target.chmod(0o755)
    return missing


def commit_all(root: Path) -> None:
    git("init", "-q", cwd=root)
    git("add", "-A", cwd=root)
    git("-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "tree", cwd=root)


def build(dest: Path, sources: list[tuple[str, Path]], copies: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    for name, src in sources:
        first = dest / "copy0" / name
        export(src, first)
        for k in range(1, copies):
            shutil.copytree(first, dest / f"copy{k}" / name, symlinks=True)
    commit_all(dest)
    return dest


def barren_sources(mirrors: Path) -> list[tuple[str, Path]]:
    out = []
    for full in BARREN:
        repo = mirrors / full.replace("/", "+") / "repo"
        if not repo.exists():
            raise SystemExit(f"{repo}: missing (fetch {full} first)")
        out.append((full.split("/")[1], repo))
    return out


def rich_sources(folders: list[Path]) -> list[tuple[str, Path]]:
    """The 20 largest repositories (by their HEAD's size) under ``folders``."""
    repos = []
    for p in sorted(x for folder in folders for x in folder.iterdir()):
        if (p / ".git").exists():
            size = sum(int(line.split()[3]) for line in git("-C", str(p), "ls-tree", "-r", "-l", "HEAD")
                       .decode("utf-8", "replace").splitlines() if line.split()[3].isdigit())
            repos.append((size, p.name, p))
    repos.sort(key=lambda x: (-x[0], x[1]))
    return [(name, p) for _, name, p in repos[:RICH_REPOS]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--mirrors", type=Path, help="folder of git mirrors (owner+name/repo) holding the barren list")
    ap.add_argument("--rich-from", type=Path, nargs="+", help="folders of AI/ML repositories (work trees with .git)")
    args = ap.parse_args()
    if args.mirrors:
        t = build(args.dest / "barren", barren_sources(args.mirrors), BARREN_COPIES)
        print(f"{t}: {len(git('ls-files', cwd=t).splitlines())} files")
    if args.rich_from:
        t = build(args.dest / "rich", rich_sources(args.rich_from), RICH_COPIES)
        print(f"{t}: {len(git('ls-files', cwd=t).splitlines())} files")


if __name__ == "__main__":
    main()
