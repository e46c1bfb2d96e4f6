#!/usr/bin/env python3
"""Standing performance targets of portfolio-check, measured in one run.

    python benchmarks/run.py            # all targets (builds a 20,000-file, ~1 GB tree under a temp dir)
    python benchmarks/run.py --quick    # smaller trees, for a fast look

Prints: `--help` time; a 300-file repository scan; the big tree scanned by portfolio-check vs `git grep -i -E`
with one union of the rules' patterns over the same tree; peak memory as the tree grows; many repositories
scanned with 1 and 2 jobs (when the CLI has --jobs).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

PY_BLOCK = '''
import logging
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

logger = logging.getLogger(__name__)
app = FastAPI()


class Request{n}(BaseModel):
    text: str = Field(..., max_length=2000)


@app.post("/predict{n}")
def predict_{n}(req: Request{n}) -> dict:
    if not req.text:
        raise HTTPException(status_code=400, detail="empty")
    score = len(req.text) * {n} % 7
    logger.info("scored %s", score)
    return {{"score": score}}
'''
MD_BLOCK = """
## Section {n}

We chose a gradient boosted model because it trained faster than the network and its recall was higher.
The p95 latency is {n} ms on a laptop; cost is $0.{n} per 1k requests. Next steps: add drift checks.
"""
TS_BLOCK = """
import {{ useState }} from "react"
export function Panel{n}({{ title }}: {{ title: string }}) {{
  const [open, setOpen] = useState(false)
  return <div className="panel" onClick={{() => setOpen(!open)}}>{{title}} {n}</div>
}}
"""
CSV_LINE = "{a},{b},{c},yes,no,monthly,{d}\n"


def _fill(block: str, size: int, rnd: random.Random) -> str:
    parts, total = [], 0
    while total < size:
        s = block.format(n=rnd.randint(10, 999))
        parts.append(s)
        total += len(s)
    return "".join(parts)


def make_tree(root: Path, files: int, total_bytes: int, seed: int = 7) -> dict[str, int]:
    """A project-shaped tree: code, docs, notebooks, configs, data, images, a few oversized files."""
    rnd = random.Random(seed)
    mix = [  # (share of files, share of bytes, kind)
        (0.30, 0.12, "py"), (0.12, 0.04, "md"), (0.10, 0.03, "tsx"), (0.02, 0.08, "ipynb"), (0.08, 0.01, "yaml"),
        (0.25, 0.45, "csv"), (0.12, 0.20, "png"), (0.01, 0.07, "big"),
    ]
    counts: dict[str, int] = {}
    made = 0
    for share_f, share_b, kind in mix:
        n = max(1, int(files * share_f))
        per = max(64, int(total_bytes * share_b / n))
        for i in range(n):
            d = root / f"pkg{i % 40}" / f"mod{i % 13}"
            d.mkdir(parents=True, exist_ok=True)
            if kind == "py":
                (d / f"m{i}.py").write_text(_fill(PY_BLOCK, per, rnd))
            elif kind == "md":
                (d / f"notes{i}.md").write_text("# Notes\n" + _fill(MD_BLOCK, per, rnd))
            elif kind == "tsx":
                (d / f"Panel{i}.tsx").write_text(_fill(TS_BLOCK, per, rnd))
            elif kind == "ipynb":
                src = _fill(PY_BLOCK, per // 2, rnd).splitlines(keepends=True)
                nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
                                 "source": src}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                (d / f"analysis{i}.ipynb").write_text(json.dumps(nb, indent=1))
            elif kind == "yaml":
                (d / f"conf{i}.yaml").write_text(f"name: svc{i}\nimage: app:{i}\nreplicas: 2\n" * max(1, per // 40))
            elif kind == "csv":
                line = CSV_LINE.format(a=i, b=i * 3, c=i % 7, d=rnd.random())
                (d / f"data{i}.csv").write_text(line * max(1, per // len(line)))
            elif kind == "png":
                (d / f"plot{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(per))
            else:
                (d / f"dump{i}.json").write_text('{"rows": [' + "1," * (per // 2) + "1]}")
            counts[kind] = counts.get(kind, 0) + 1
            made += 1
    (root / "README.md").write_text("# Big project\n" + _fill(MD_BLOCK, 4000, rnd))
    return counts


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


#: the speed issue's yardstick: a fixed union of plain keywords, run with ``git grep -c -i -E`` over the same tree
YARDSTICK = (
    r"(\beval(uat(e|ion))?s?\b|golden|promptfoo|ragas|deepeval)|(latency|p95|p99|cost per|\$\d|tokens per)|"
    r"(monitor|prometheus|opentelemetry|grafana|langfuse|langsmith|sentry)|(baseline|DummyClassifier)|"
    r"(fastapi|flask|bentoml|torchserve|triton|uvicorn|Dockerfile|ray\.serve|\bserve\b)|"
    r"(post-?mortem|root cause|lessons learned|incident)|"
    r"(\brag\b|retriev|vector|faiss|chroma|qdrant|pinecone|pgvector|embedding)|"
    r"(\btools?\b.*function|function_call|tool_call|\bagent)|(retry|fallback|guardrail|timeout|escalat)|"
    r"(streamlit|gradio|chainlit|react|next\b|screenshot|\.gif\b)|"
    r"(airflow|prefect|dagster|dvc|pipeline|great_expectations|pandera|etl)|(\.fit\(|train\(|Trainer|optimizer|epoch)|"
    r"(error analysis|confusion.matrix|slice)|(drift|evidently|alibi)|"
    r"(trade-?off|with more time|future work|design doc)|(pytest|jest|vitest|\.github/workflows|gitlab-ci)"
)

MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def measure(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB, the largest single process: the scan or one of its reading processes)."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], cwd=cwd, capture_output=True, text=True, check=True)
    t, mem = out.stdout.split()
    return float(t), float(mem)


def compare_trees(trees: Path, exe: str, rows: list[tuple[str, str, str]]) -> None:
    """Each tree built by benchmarks/trees.py: portfolio-check vs the yardstick, in the same run."""
    for name in ("barren", "rich"):
        tree = trees / name
        if not (tree / ".git").exists():
            rows.append((f"tree {name}", "missing (python benchmarks/trees.py DIR --mirrors ... --rich-from ...)", ""))
            continue
        files = len(subprocess.run(["git", "ls-files"], cwd=tree, capture_output=True, check=True).stdout.splitlines())
        scan_cmd = [exe, "scan", ".", "--format", "json"]
        measure(scan_cmd, cwd=tree)  # warm: the file cache, and the native gate's database (compiled once)
        ts, mem = min(measure(scan_cmd, cwd=tree) for _ in range(2))
        tg, _ = min(measure(["git", "grep", "-c", "-i", "-E", YARDSTICK], cwd=tree) for _ in range(2))
        mb = tree_bytes_git(tree) / 1e6
        rows.append((f"tree {name}: {files:,} files, {mb:,.0f} MB", f"scan {ts:.2f} s vs git grep {tg:.2f} s = "
                     f"{ts / tg:.2f}x; peak {mem:.0f} MB", "<= 1.0x (aim 0.5x); < 150 MB"))


def tree_bytes_git(tree: Path) -> int:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=tree, capture_output=True, check=True).stdout
    return sum((tree / p.decode("utf-8", "surrogateescape")).stat().st_size for p in out.split(b"\0") if p)


def time_cmd(cmd: list[str], cwd: Path | None = None, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        best = min(best, time.perf_counter() - t)
    return best


SCAN_SNIPPET = """
import resource, sys, time
from portfolio_check.engine.scan import scan_repo
t = time.perf_counter()
r = scan_repo(sys.argv[1])
dt = time.perf_counter() - t
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,  # the scan, and its largest reading process
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(f"{dt:.3f} {peak:.1f} {r.stats.get('files_listed', 0)} {r.stats.get('files_read', 0)}")
"""


def scan_in_subprocess(root: Path) -> tuple[float, float, int, int]:
    out = subprocess.run([sys.executable, "-c", SCAN_SNIPPET, str(root)], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")})
    t, mem, listed, read = out.stdout.split()
    return float(t), float(mem), int(listed), int(read)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the generated trees")
    ap.add_argument("--no-grep", action="store_true", help="skip the (slow) git grep comparison")
    ap.add_argument("--trees", type=Path, help="folder with barren/ and rich/ built by benchmarks/trees.py: "
                                                 "measure both against the yardstick union")
    args = ap.parse_args()
    exe = shutil.which("portfolio-check")
    work = Path(tempfile.mkdtemp(prefix="pc-bench-"))
    rows: list[tuple[str, str, str]] = []
    try:
        if exe:
            runs = [time_cmd([exe, "--help"]) for _ in range(7)]
            base = [time_cmd([sys.executable, "-c", "pass"]) for _ in range(7)]
            rows.append(("`--help` (median of 7)", f"{statistics.median(runs):.3f} s "
                         f"(bare interpreter {statistics.median(base):.3f} s)", "< 0.15 s"))
        small = work / "small"
        make_tree(small, 300, 3_000_000)
        t, mem, listed, read = scan_in_subprocess(small)
        rows.append(("scan, 300-file repository", f"{t:.3f} s ({listed} files, {read} read)", "< 0.5 s"))

        sizes = [(2_000, 100_000_000), (5_000, 250_000_000)] if args.quick else \
            [(5_000, 250_000_000), (10_000, 500_000_000), (20_000, 1_000_000_000)]
        mems = []
        for files, size in sizes:
            big = work / f"big{files}"
            make_tree(big, files, size)
            t, mem, listed, read = scan_in_subprocess(big)
            mems.append(f"{files}: {mem:.0f} MB")
            if (files, size) == sizes[-1] and not args.no_grep:
                gb = tree_bytes(big) / 1e9
                tg = time_cmd(["git", "grep", "--no-index", "-I", "-i", "-E", "-c", "-e", YARDSTICK], cwd=big)
                rows.append((f"scan, {files} files / {gb:.2f} GB", f"{t:.2f} s, peak {mem:.0f} MB, "
                             f"{read} files read once", "< 150 MB; a stress case (every file dense with evidence, "
                             "so parsed whole): the speed targets are the real trees below"))
                rows.append(("git grep -c -i -E (the yardstick union, same tree)", f"{tg:.2f} s", ""))
            shutil.rmtree(big)
        rows.append(("peak memory as the tree grows", ", ".join(mems), "flat, < 150 MB"))

        if exe and args.trees:
            compare_trees(args.trees, exe, rows)
        if exe:
            many = work / "many"
            n_repos, per = (4, 400) if args.quick else (8, 1500)
            for i in range(n_repos):
                make_tree(many / f"repo{i}", per, per * 8_000, seed=i)
            repos = [str(p) for p in sorted(many.iterdir())]
            base_cmd = [exe, "scan", "--format", "json", "-o", os.devnull]
            cores = os.cpu_count() or 1
            # one core: the same scan pinned to CPU 0 (without pinning, --jobs 1 still reads each repository with
            # every core, so it is no one-core baseline)
            one = ["taskset", "-c", "0"] if shutil.which("taskset") else []
            t1 = time_cmd([*one, *base_cmd, "--jobs", "1", *repos], repeat=2)
            tj1 = time_cmd([*base_cmd, "--jobs", "1", *repos], repeat=2)
            tn = time_cmd([*base_cmd, "--jobs", str(cores), *repos], repeat=2)
            label = "1 core" if one else "--jobs 1"
            rows.append((f"{n_repos} repositories x {per} files", f"{label}: {t1:.2f} s, --jobs {cores}: {tn:.2f} s "
                         f"(speed-up {t1 / tn:.2f}x on {cores} cores); --jobs 1 on {cores} cores (each repository "
                         f"read by {cores} processes): {tj1:.2f} s", "near-linear"))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    w = max(len(r[0]) for r in rows)
    print(f"{'measure':<{w}}  result  [target]")
    for name, value, target in rows:
        print(f"{name:<{w}}  {value}" + (f"  [{target}]" if target else ""))


if __name__ == "__main__":
    main()
