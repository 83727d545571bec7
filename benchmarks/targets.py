"""Every target of the speed issue (16) as a ratio measured in one run, with wall time, peak RSS and the command.

    python benchmarks/targets.py [--repeat 3] [--skip-1m] [--cache warm|cold]

Each command runs as a child process (``python -m nutri ...`` from this checkout); its wall time is
the best of ``--repeat`` runs and its peak resident memory comes from ``os.wait4`` (that child
alone). Ratios compare runs made seconds apart on the same machine, so they travel between machines
better than seconds do. The diaries are generated into benchmarks/out/ (not committed).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import generate_single  # noqa: E402

PY = sys.executable
NUTRI = [PY, "-m", "nutri"]


def measure(argv: list[str], repeat: int, env: dict[str, str], cache: str = "warm") -> tuple[float, float, float]:
    """(best wall seconds, peak RSS MB, least CPU seconds of the child) over ``repeat`` runs; a failing
    run stops the benchmark. CPU time (user + system) moves less than wall time on a shared machine.

    cache "cold": every run starts with an empty cache folder (a first run: the match index is built,
    the food CSVs parsed, every text resolved); "warm": one untimed run fills a folder the timed runs
    then share (a repeat run of the same diary)."""
    best_wall, peak, best_cpu = float("inf"), 0.0, float("inf")
    folder = Path(tempfile.mkdtemp(prefix="nutri-bench-cache-"))
    if cache == "warm" and argv[:3] == NUTRI:
        subprocess.run(argv, stdout=subprocess.DEVNULL, env={**env, "NUTRI_CACHE_DIR": str(folder)}, cwd=ROOT)
    for _ in range(repeat):
        if cache == "cold":
            folder = Path(tempfile.mkdtemp(prefix="nutri-bench-cache-"))
        env = {**env, "NUTRI_CACHE_DIR": str(folder)}
        t0 = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - t0
        err = child.stderr.read().decode("utf-8", "replace")
        child.stderr.close()
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"failed ({child.returncode}): {shlex.join(argv)}\n{err[-2000:]}")
        best_wall = min(best_wall, wall)
        best_cpu = min(best_cpu, usage.ru_utime + usage.ru_stime)
        peak = max(peak, usage.ru_maxrss / 1024)  # KB on Linux
        if cache == "cold":
            shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    return best_wall, peak, best_cpu


def small_diaries(out: Path) -> dict[str, Path]:
    """The 50-row diary (first 50 rows of the example) and the far-apart pair with its baseline."""
    paths = {"fifty": out / "fifty.csv", "apart": out / "apart-36y.csv", "pair": out / "pair.csv"}
    with open(ROOT / "examples" / "two-weeks.csv", encoding="utf-8") as handle:
        paths["fifty"].write_text("".join(handle.readlines()[:51]), encoding="utf-8")
    for key, dates in (("apart", ("1990-01-01", "2026-11-16")), ("pair", ("2026-11-15", "2026-11-16"))):
        with open(paths[key], "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["Date", "Food", "Amount", "Unit"])
            writer.writerows([[dates[0], "spinach", "100", "g"], [dates[1], "2% milk", "250", "ml"]])
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs per small command (best wall time is kept)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--skip-1m", action="store_true", help="leave out the 1M-row memory run (about 10-20 s)")
    parser.add_argument(
        "--cache",
        choices=["warm", "cold"],
        default="warm",
        help="warm: a repeat run (cache filled by an untimed run); cold: a first run (empty cache every run)",
    )
    parser.add_argument(
        "--compiled",
        action="store_true",
        help="compile nutri's modules to bytecode first, as an installed package has them (see below)",
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.compiled:
        # With PYTHONDONTWRITEBYTECODE set (as on the shared development machine) Python never writes
        # nutri's .pyc files, so every run compiles its 30-odd modules from source (50-100 ms of a small
        # report) while the bare `import pandas` it is compared with loads pandas' compiled files (pip
        # compiles a package when it installs it). compileall writes them whatever that setting says;
        # they are in __pycache__ folders (not committed), and a changed source is compiled again.
        subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "nutri")], check=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    big = args.out / "single-100000.csv"
    generate_single(big, 100_000)
    small = small_diaries(args.out)
    report = NUTRI + ["report", "-q", "--format", "json"]
    runs = {
        "read_csv": [PY, "-c", f"import pandas; pandas.read_csv({str(big)!r})"],
        "report_100k": report + [str(big)],
        "import_pandas": [PY, "-c", "import pandas"],
        "report_50": NUTRI + ["report", "-q", str(small["fifty"])],
        "report_pair": report + [str(small["pair"])],
        "report_apart": report + [str(small["apart"])],
        "help": NUTRI + ["--help"],
    }
    if not args.skip_1m:
        huge = args.out / "single-1000000.csv"
        generate_single(huge, 1_000_000)
        runs["report_1m"] = report + [str(huge)]
    results = {}
    for name, argv in runs.items():
        repeat = 1 if name in ("report_1m", "report_100k") else args.repeat
        results[name] = measure(argv, repeat, env, args.cache)
        print(
            f"  {name:<14} {results[name][0]:7.2f} s  {results[name][1]:7.0f} MB  cpu {results[name][2]:6.2f} s"
            f"   {shlex.join(argv)}",
            file=sys.stderr,
        )

    def cpu_ratio(name: str, base: str) -> float:
        return results[name][2] / results[base][2]

    rows = [
        (
            "100k rows report / bare read_csv",
            "<= 3.0x",
            results["report_100k"][0] / results["read_csv"][0],
            "x",
            f"{results['report_100k'][0]:.2f} s vs {results['read_csv'][0]:.2f} s; {results['report_100k'][1]:.0f} MB; "
            f"by CPU time {cpu_ratio('report_100k', 'read_csv'):.2f} x",
        ),
        (
            "50-row report / bare import pandas",
            "<= 2.0x",
            results["report_50"][0] / results["import_pandas"][0],
            "x",
            f"{results['report_50'][0]:.2f} s vs {results['import_pandas'][0]:.2f} s; "
            f"by CPU time {cpu_ratio('report_50', 'import_pandas'):.2f} x",
        ),
        (
            "36 years apart minus 2-entry baseline",
            "< 1 s",
            results["report_apart"][0] - results["report_pair"][0],
            "s",
            f"{results['report_apart'][0]:.2f} s vs {results['report_pair'][0]:.2f} s",
        ),
        ("nutri --help", "<= 0.25 s", results["help"][0], "s", f"{results['help'][1]:.0f} MB"),
    ]
    if "report_1m" in results:
        rows.insert(
            2,
            ("1M rows report peak RSS", "<= 600 MB", results["report_1m"][1], "MB", f"{results['report_1m'][0]:.2f} s"),
        )
    print(
        f"{dt.date.today()}  python {sys.version.split()[0]}  {os.cpu_count()} cores  "
        f"(python benchmarks/targets.py --cache {args.cache}{' --compiled' if args.compiled else ''}; "
        f"load {os.getloadavg()[0]:.1f})"
    )
    print("| target | limit | measured | detail |\n|---|---|---|---|")
    for name, limit, value, unit, detail in rows:
        print(f"| {name} | {limit} | **{value:.2f} {unit}** | {detail} |")
    print("\ncommands (PYTHONPATH=. from the checkout):")
    for name, argv in runs.items():
        print(f"- {name}: `{shlex.join(argv).replace(str(ROOT) + '/', '').replace(PY, 'python')}`")


if __name__ == "__main__":
    main()
