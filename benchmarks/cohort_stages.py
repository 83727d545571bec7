"""Where `nutri cohort` spends its time: every engine statement and the Python steps, in one process.

    PYTHONPATH=. python benchmarks/cohort_stages.py benchmarks/out/cohort-scale-10000000.parquet \
        --profiles benchmarks/out/profiles-scale-10000000.csv -o /tmp/stages-out [--top 25]

Wall and CPU seconds (user + system of the whole process, so the engine's threads count), the largest
resident memory and the most spilled to the engine's temp_directory (both sampled every 20 ms) per engine
statement, largest CPU first, and per Python step
(matching, verdicts, summary, writing). Timing
wrappers only: the pipeline runs as ``nutri cohort`` runs it.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


SPILL = Path(tempfile.gettempdir()) / "nutri-cohort-spill"  # the engine's temp_directory (nutri.cohort.engine)


class Resident:
    """The largest resident memory (MB) since the last ``take``, and the most the engine had spilled to
    disk (MB in its temp_directory), sampled every 20 ms by a thread."""

    def __init__(self) -> None:
        self.peak, self.spill = 0.0, 0.0
        self._page = os.sysconf("SC_PAGE_SIZE") / 2**20
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            with open("/proc/self/statm") as handle:
                self.peak = max(self.peak, int(handle.read().split()[1]) * self._page)
            self.spill = max(self.spill, _spilled())
            time.sleep(0.02)

    def take(self) -> float:
        peak, self.peak = self.peak, 0.0
        return peak

    def take_spill(self) -> float:
        spill, self.spill = self.spill, 0.0
        return spill


def _spilled() -> float:
    try:
        return sum(e.stat().st_size for e in os.scandir(SPILL) if e.is_file()) / 2**20
    except OSError:  # no folder yet, or a file removed while counted
        return 0.0


RSS = Resident()
GAPS: list[tuple[float, str]] = []


class Timed:
    """A connection that times each statement (``execute`` runs a statement to completion in DuckDB)."""

    def __init__(self, con, log: list) -> None:
        self._con, self._log = con, log

    def execute(self, sql: str):
        GAPS.append((RSS.take(), " ".join(sql.split())))  # Python's work since the last statement
        RSS.take_spill()
        w0, c0 = time.perf_counter(), _cpu()
        result = self._con.execute(sql)
        wall, cpu = time.perf_counter() - w0, _cpu() - c0
        self._log.append((wall, cpu, " ".join(sql.split()), RSS.take(), RSS.take_spill()))
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


def _wrap(module, name: str, steps: list) -> None:
    inner = getattr(module, name)

    def timed(*args, **kwargs):
        w0, c0 = time.perf_counter(), _cpu()
        try:
            return inner(*args, **kwargs)
        finally:
            steps.append((time.perf_counter() - w0, _cpu() - c0, f"{module.__name__}.{name}"))

    setattr(module, name, timed)


def _label(sql: str) -> str:
    created = re.match(r"CREATE (?:OR REPLACE )?TEMP (?:TABLE|VIEW) (\w+)", sql)
    if created:
        return "create " + created.group(1)
    return sql[:90]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--profiles", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    from nutri.cohort import CohortSettings, engine, output, sources, verdicts
    from nutri.cohort import run as cohort_run
    from nutri.cohort import summary as cohort_summary

    log, steps = [], []
    _wrap(sources, "analyse_keys", steps)
    _wrap(cohort_run, "_number_rows", steps)
    _wrap(cohort_run, "profiles_for", steps)
    _wrap(cohort_run, "verdicts", steps)
    _wrap(cohort_run, "group_summary", steps)
    _wrap(output, "write_outputs", steps)
    del verdicts, cohort_summary
    w0, c0 = time.perf_counter(), _cpu()
    con = Timed(engine(), log)
    days = output.DaysWriter(args.output)  # as `nutri cohort` does: each batch's days written as made
    result = cohort_run.run(list(args.inputs), CohortSettings(profiles=args.profiles), con=con, on_days=days)
    output.write_outputs(result, args.output, False, days)
    wall, cpu = time.perf_counter() - w0, _cpu() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total {wall:.1f} s wall, {cpu:.1f} CPU-s, peak {peak:.0f} MB, load {os.getloadavg()[0]:.1f}")
    print(f"engine statements: {sum(x[0] for x in log):.1f} s wall, {sum(x[1] for x in log):.1f} CPU-s")
    print(f"largest resident memory during a statement: {max(x[3] for x in log):.0f} MB (MB column: each one's)")
    gap, before = max(GAPS)
    print(
        f"largest between statements (Python): {gap:.0f} MB, before {_label(before)}; after the last: {RSS.take():.0f} MB"
    )
    print(f"spilled to disk at most: {max(x[4] for x in log):.0f} MB (spill column: during each statement)")
    for w, c, sql, peak, spill in sorted(log, key=lambda x: -x[1])[: args.top]:
        print(f"  {w:6.2f} s {c:6.2f} CPU-s {peak:6.0f} MB {spill:6.0f} MB spill  {_label(sql)}")
    print("Python steps (engine statements inside them included):")
    for w, c, name in steps:
        print(f"  {w:6.2f} s {c:6.2f} CPU-s  {name}")
    result.close()


if __name__ == "__main__":
    main()
