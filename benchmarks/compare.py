"""Two checkouts of nutri timed against each other, runs interleaved, for a before/after on a shared machine.

    python benchmarks/compare.py --before /path/to/old/checkout [--after .] [--runs 6] [--compiled]

Each round runs every command once (a bare read_csv of the 100k diary, a bare ``import pandas``, then the
100k-row JSON report and the 50-row report of each checkout), so a change of load hits before and after
alike; the minimum over the rounds of each command's CPU time (user + system of the child) and wall time
is its figure, and the targets' ratios are taken from those minimums. Each checkout has its own warm cache
(one untimed run first). ``--compiled`` compiles both checkouts' bytecode first (see targets.py); without
it their __pycache__ folders are removed, so with PYTHONDONTWRITEBYTECODE set both compile from source.
The diaries are benchmarks/out/ of --after (made by targets.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable


def _pycache(tree: Path, compiled: bool) -> None:
    for folder in (tree / "nutri").rglob("__pycache__"):
        shutil.rmtree(folder, ignore_errors=True)
    if compiled:
        subprocess.run([PY, "-m", "compileall", "-q", str(tree / "nutri")], check=True)


def _run(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)} in {cwd}")
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--compiled", action="store_true")
    args = parser.parse_args()
    out = args.after.resolve() / "benchmarks" / "out"
    big, fifty = str(out / "single-100000.csv"), str(out / "fifty.csv")
    trees = {"before": args.before.resolve(), "after": args.after.resolve()}
    caches = {tag: tempfile.mkdtemp(prefix=f"nutri-compare-{tag}-") for tag in trees}
    commands = {
        "read_csv": (None, [PY, "-c", f"import pandas; pandas.read_csv({big!r})"]),
        "import_pandas": (None, [PY, "-c", "import pandas"]),
    }
    for tag, tree in trees.items():
        _pycache(tree, args.compiled)
        commands[f"100k {tag}"] = (tag, [PY, "-m", "nutri", "report", "-q", "--format", "json", big])
        commands[f"50 {tag}"] = (tag, [PY, "-m", "nutri", "report", "-q", fifty])

    def where(tag: str | None) -> tuple[dict[str, str], Path]:
        if tag is None:
            return dict(os.environ), out
        return {**os.environ, "PYTHONPATH": str(trees[tag]), "NUTRI_CACHE_DIR": caches[tag]}, trees[tag]

    for tag, argv in commands.values():  # fills each checkout's cache
        subprocess.run(argv, stdout=subprocess.DEVNULL, env=where(tag)[0], cwd=where(tag)[1])
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    loads = []
    for _ in range(args.runs):
        for name, (tag, argv) in commands.items():
            times[name].append(_run(argv, *where(tag)))
        loads.append(os.getloadavg()[0])
    for name, runs in times.items():
        cpu, wall = [c for c, _ in runs], [w for _, w in runs]
        print(f"{name:<14} cpu min {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s; wall min {min(wall):.3f} s")
    cpu = {name: min(c for c, _ in runs) for name, runs in times.items()}
    wall = {name: min(w for _, w in runs) for name, runs in times.items()}
    for tag in trees:
        print(
            f"{tag}: 100k / read_csv {cpu[f'100k {tag}'] / cpu['read_csv']:.2f} x by CPU, "
            f"{wall[f'100k {tag}'] / wall['read_csv']:.2f} x wall; 50 rows / import pandas "
            f"{cpu[f'50 {tag}'] / cpu['import_pandas']:.2f} x by CPU, {wall[f'50 {tag}'] / wall['import_pandas']:.2f} x wall"
        )
    bytecode = (
        "compiled"
        if args.compiled
        else f"from source (PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE')})"
    )
    print(f"{args.runs} rounds, load {min(loads):.1f}-{max(loads):.1f}, nutri {bytecode}")
    for tag, tree in trees.items():
        _pycache(tree, False)
        shutil.rmtree(caches[tag], ignore_errors=True)


if __name__ == "__main__":
    main()
