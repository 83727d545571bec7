"""`nutri cohort` on generated cohorts of 1M, 10M and 50M rows: wall time, peak RSS and the command.

    python benchmarks/cohort_scale.py [--rows 1000000 10000000] [--csv] [--memory 1.5GB] [--cache cold|warm]

Each cohort (``benchmarks/run.py --scale``: people x 4 ISO weeks x 6 entries a day, Zipf-distributed
(food, amount, unit) keys, a profiles file) is generated once into benchmarks/out/ (git-ignored) and
``python -m nutri cohort`` runs on it as a child process from this checkout; the wall time is that
child's, its peak memory the larger of its peak resident memory (``os.wait4``, DuckDB's threads included)
and the peak PSS of it and its forked copies together (sampled from /proc).
Targets (issue 15, 2 cores): 10M rows <= 15 s and <= 2 GB; 50M rows <= 90 s and <= 3 GB. Run one size
at a time on a shared machine.

``--cache cold`` runs with an empty NUTRI_CACHE_DIR (the match index is built and every text resolved,
as on a first run); ``--cache warm`` runs once untimed to fill a cache, then times a second run that
reads the texts' resolutions from it (a study read again); default: the user's cache as it is.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import generate_scale  # noqa: E402

TARGETS = {10_000_000: (15.0, 2048.0), 50_000_000: (90.0, 3072.0)}  # rows: (seconds, MB)


class TreeMemory:
    """The largest proportional set size (PSS: a page shared by n processes counts 1/n in each) of a
    process and all its descendants together, sampled every 50 ms by a thread: nutri forks copies of
    itself to resolve many new texts (nutri/forked.py), and ``os.wait4``'s peak is the largest single
    process's, not the tree's."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_mb

    def _sample(self) -> None:
        while not self._done.wait(0.05):
            self.peak_mb = max(self.peak_mb, sum(_pss_kb(p) for p in _tree(self.pid)) / 1024)


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):  # gone meanwhile
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, tuple[float, float], float, str]:
    """(wall seconds, (peak memory MB, of it the tree's PSS), CPU seconds, stderr) of one child; a failing
    run stops the benchmark.
    Peak memory: the larger of the child's peak RSS (``os.wait4``, DuckDB's threads included) and the
    peak PSS of the child and its forked copies together (``TreeMemory``). CPU seconds (user + system,
    all threads, the forked copies' included) tell more than wall time on a shared machine."""
    t0 = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    tree = TreeMemory(child.pid)
    err = child.stderr.read().decode("utf-8", "replace")
    tree_peak = tree.stop()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    child.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"failed ({code}): {shlex.join(argv)}\n{err[-3000:]}")
    peak = max(usage.ru_maxrss / 1024, tree_peak)  # KB on Linux
    return wall, (peak, tree_peak), usage.ru_utime + usage.ru_stime, err


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--csv", action="store_true", help="cohorts as CSV instead of Parquet")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--memory", help="NUTRI_COHORT_MEMORY for the child (DuckDB memory_limit)")
    parser.add_argument("--cache", choices=["cold", "warm"], help="an empty cache, or one filled by a first run")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if args.memory:
        env["NUTRI_COHORT_MEMORY"] = args.memory
    if args.cache:
        env["NUTRI_CACHE_DIR"] = tempfile.mkdtemp(prefix="nutri-cache-")
    try:
        _run_sizes(args, env)
    finally:
        if args.cache:
            shutil.rmtree(env["NUTRI_CACHE_DIR"], ignore_errors=True)


def _run_sizes(args, env: dict[str, str]) -> None:
    for rows in args.rows:
        suffix = "csv" if args.csv else "parquet"
        path = args.out / f"cohort-scale-{rows}.{suffix}"
        profiles = args.out / f"profiles-scale-{rows}.csv"
        if not path.exists() or not profiles.exists():
            t0 = time.perf_counter()
            generate_scale(args.out, rows, csv_format=args.csv)
            print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s", flush=True)
        result = args.out / f"cohort-result-{rows}"
        argv = [
            sys.executable,
            "-m",
            "nutri",
            "cohort",
            str(path.relative_to(ROOT)),
            "--profiles",
            str(profiles.relative_to(ROOT)),
            "-o",
            str(result.relative_to(ROOT)),
        ]
        if args.cache == "warm":
            run_child(argv, env)  # fills the cache; the run timed below reads it
        elif args.cache == "cold":  # empty for every size
            shutil.rmtree(env["NUTRI_CACHE_DIR"], ignore_errors=True)
        load = os.getloadavg()[0]
        wall, (peak, tree_peak), cpu, err = run_child(argv, env)
        stats = json.loads((result / "summary.json").read_text(encoding="utf-8"))["inputs"]
        limit = TARGETS.get(rows)
        verdict = ""
        if limit:
            ok = wall <= limit[0] and peak <= limit[1]
            verdict = f"  target <= {limit[0]:.0f} s, <= {limit[1]:.0f} MB: {'met' if ok else 'MISSED'}"
        print(
            f"{rows:>11,} rows  {stats['people']:,} people  {stats['distinct_keys']:,} distinct keys  "
            f"{wall:6.1f} s  peak {peak:7.0f} MB (with forked copies {tree_peak:.0f} MB PSS)  cpu {cpu:6.1f} s  (load before {load:.1f}){verdict}"
            f"{'  cache ' + args.cache if args.cache else ''}\n  command: "
            f"{'NUTRI_COHORT_MEMORY=' + args.memory + ' ' if args.memory else ''}PYTHONPATH=. "
            f"{shlex.join(['python', *argv[1:]])}",
            flush=True,
        )
        if err.strip():
            print("  " + err.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
