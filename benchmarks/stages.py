"""CPU time of each pipeline call for one diary: python benchmarks/stages.py DIARY

Run it twice with the same NUTRI_CACHE_DIR for a warm split (the first run fills the cache). CPU time
(user + system of this process) moves little on a shared machine, unlike wall time.
"""

import resource
import sys


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    last = cpu()

    def mark(stage: str) -> None:
        nonlocal last
        now = cpu()
        print(f"{stage:<8} {now - last:6.2f} s CPU", flush=True)
        last = now

    import pandas  # noqa: F401  (imports are their own stage, not part of the first call that needs them)

    import nutri.report.safe  # noqa: F401
    from nutri import pipeline

    mark("imports")
    diary = pipeline.read_diary(sys.argv[1])
    mark("read")
    matched = pipeline.match_entries(diary)
    mark("match")
    report = pipeline.weekly_report(matched)
    mark("report")
    pipeline.render(report, "json", matched)
    mark("render")


if __name__ == "__main__":
    main()
