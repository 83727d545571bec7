"""`nutri cohort` on generated cohorts of 1M, 10M and 50M rows: wall time, peak RSS and the command.

    python benchmarks/cohort_scale.py [--rows 1000000 10000000] [--csv] [--memory 1.5GB] [--cache cold|warm]
        [--against OTHER_CHECKOUT --rounds 3]

Each cohort (``benchmarks/run.py --scale``: people x 4 ISO weeks x 6 entries a day, Zipf-distributed
(food, amount, unit) keys, a profiles file) is generated once into benchmarks/out/ (git-ignored) and
``python -m nutri cohort`` runs on it as a child process from this checkout; the wall time is that
child's, its peak memory the larger of its peak resident memory (``os.wait4``, DuckDB's threads included)
and the peak PSS of it and its forked copies together (sampled from /proc while copies exist).
Targets (issue 15, 2 cores): 10M rows <= 15 s and <= 2 GB; 50M rows <= 90 s and <= 3 GB. Run one size
at a time on a shared machine.

``--cache cold`` runs with an empty NUTRI_CACHE_DIR (the match index is built and every text resolved,
as on a first run); ``--cache warm`` runs once untimed to fill a cache, then times a second run that
reads the texts' resolutions from it (a study read again); default: the user's cache as it is.

``--against`` runs another checkout (``git worktree add /tmp/before COMMIT``) on the same files,
alternating with this one for ``--rounds`` rounds, and prints each checkout's median: on a shared or
virtual machine whose speed drifts by a third within an hour, only runs in the same minutes compare.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shlex
import shutil
import statistics
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
    process and all its descendants together, sampled by a thread while the process has forked copies:
    nutri forks copies of itself to resolve many new texts (nutri/forked.py), and ``os.wait4``'s peak is
    the largest single process's, not the tree's. Only then: reading a process's PSS walks its page tables
    (35-50 ms of kernel time for a 1.7 GB nutri, with its memory map locked), and sampled every 50 ms the
    whole run it took most of a core from the run it measured (10M cold: 15.0-15.4 s measured so, 12.9 s
    under /usr/bin/time). Alone, the process's own peak is ``os.wait4``'s."""

    WATCH_SECONDS = 0.05  # how often the copies are looked for (reading /proc/PID/task/PID/children is cheap)
    SAMPLE_SECONDS = 0.2  # how often the tree's PSS is read while copies exist

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_mb, self._done = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak_mb

    def _sample(self) -> None:
        while not self._done.wait(self.WATCH_SECONDS):
            tree = _tree(self.pid)
            if len(tree) > 1:
                self.peak_mb = max(self.peak_mb, sum(_pss_kb(p) for p in tree) / 1024)
                self._done.wait(self.SAMPLE_SECONDS - self.WATCH_SECONDS)


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


def run_child(argv: list[str], env: dict[str, str], root: Path = ROOT) -> tuple[float, tuple[float, float], float, str]:
    """(wall seconds, (peak memory MB, of it the tree's PSS), CPU seconds, stderr) of one child; a failing
    run stops the benchmark.
    Peak memory: the larger of the child's peak RSS (``os.wait4``, DuckDB's threads included) and the
    peak PSS of the child and its forked copies together (``TreeMemory``). CPU seconds (user + system,
    all threads, the forked copies' included) tell more than wall time on a shared machine."""
    t0 = time.perf_counter()
    env = dict(env, PYTHONPATH=str(root))
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=root)
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
    parser.add_argument(
        "--against",
        type=Path,
        help="another checkout (e.g. a git worktree of an older commit) run on the same files, alternating "
        "with this one, so that both meet the machine in the same minutes",
    )
    parser.add_argument("--rounds", type=int, default=1, help="runs of each checkout per size (with --against)")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.memory:
        env["NUTRI_COHORT_MEMORY"] = args.memory
    if args.cache:
        env["NUTRI_CACHE_DIR"] = tempfile.mkdtemp(prefix="nutri-cache-")
    try:
        for rows in args.rows:
            _run_size(args, env, rows)
    finally:
        if args.cache:
            shutil.rmtree(env["NUTRI_CACHE_DIR"], ignore_errors=True)


def _run_size(args, env: dict[str, str], rows: int) -> None:
    suffix = "csv" if args.csv else "parquet"
    path = (args.out / f"cohort-scale-{rows}.{suffix}").absolute()
    profiles = (args.out / f"profiles-scale-{rows}.csv").absolute()
    if not path.exists() or not profiles.exists():
        t0 = time.perf_counter()
        generate_scale(args.out, rows, csv_format=args.csv)
        print(f"generated {path.name} in {time.perf_counter() - t0:.1f} s", flush=True)
    checkouts = [ROOT] if args.against is None else [ROOT, args.against.resolve()]
    timed: dict[Path, list[tuple[float, float]]] = {root: [] for root in checkouts}
    for round_ in range(args.rounds if args.against else 1):
        # alternate which goes first, so that a machine slowing down or speeding up favours neither
        for root in checkouts if round_ % 2 == 0 else checkouts[::-1]:
            result = args.out.absolute() / f"cohort-result-{rows}{'' if root == ROOT else '-against'}"
            wall, cpu = _timed_run(args, env, root, [path, profiles, result], rows)
            timed[root].append((wall, cpu))
    if args.against is not None:
        for root, runs in timed.items():
            print(
                f"  {root}: median {statistics.median(w for w, _ in runs):.1f} s, "
                f"{statistics.median(c for _, c in runs):.1f} CPU-s over "
                f"{len(runs)} runs ({', '.join(f'{w:.1f}' for w, _ in runs)} s)",
                flush=True,
            )


def _timed_run(args, env: dict[str, str], root: Path, files: list[Path], rows: int) -> tuple[float, float]:
    """One timed ``nutri cohort`` run of checkout ``root`` on ``files`` (input, profiles, output folder)."""
    path, profiles, result = files
    argv = [sys.executable, "-m", "nutri", "cohort", str(path), "--profiles", str(profiles), "-o", str(result)]
    if args.cache == "warm":
        run_child(argv, env, root)  # fills the cache; the run timed below reads it
    elif args.cache == "cold":  # empty for every run
        shutil.rmtree(env["NUTRI_CACHE_DIR"], ignore_errors=True)
    load = os.getloadavg()[0]
    wall, (peak, tree_peak), cpu, err = run_child(argv, env, root)
    stats = json.loads((result / "summary.json").read_text(encoding="utf-8"))["inputs"]
    limit = TARGETS.get(rows)
    verdict = ""
    if limit:
        ok = wall <= limit[0] and peak <= limit[1]
        verdict = f"  target <= {limit[0]:.0f} s, <= {limit[1]:.0f} MB: {'met' if ok else 'MISSED'}"
    shown = [_relative(Path(a), root) for a in argv[1:]]
    copies = f"with forked copies {tree_peak:.0f} MB PSS" if tree_peak else "no forked copies"
    print(
        f"{rows:>11,} rows  {stats['people']:,} people  {stats['distinct_keys']:,} distinct keys  "
        f"{wall:6.1f} s  peak {peak:7.0f} MB ({copies})  cpu {cpu:6.1f} s  "
        f"(load before {load:.1f}){verdict}{'  cache ' + args.cache if args.cache else ''}\n  command: "
        f"{'NUTRI_COHORT_MEMORY=' + args.memory + ' ' if args.memory else ''}"
        f"{'' if root == ROOT else 'cd ' + shlex.quote(str(root)) + ' && '}PYTHONPATH=. "
        f"{shlex.join(['python', *shown])}",
        flush=True,
    )
    if err.strip():
        print("  " + err.strip().splitlines()[-1])
    return wall, cpu


def _relative(path: Path, root: Path) -> str:
    """An argument as the command shows it: relative to the checkout it runs in where it lies inside."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    main()
