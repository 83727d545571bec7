"""nutri/forked.py: work shared with forked children gives what one process gives, whatever the children do."""

import os
import sys

import pytest

from nutri import forked

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked work is Linux only")


def test_shared_work_gives_the_serial_results_in_order():
    items = [f"text {i % 37}" for i in range(1000)]
    serial = [(item.upper(), len(item)) for item in items]
    for workers in (1, 2, 3):
        shared = forked.forked_map(lambda t: (t.upper(), len(t)), items, lambda t: hash(t), workers)
        assert shared == serial


def test_each_share_is_computed_in_its_own_process():
    parent = os.getpid()
    pids = forked.forked_map(lambda i: os.getpid(), list(range(40)), lambda i: i, 2)
    assert {pids[i] for i in range(0, 40, 2)} == {parent}  # share 0 is the parent's
    children = {pids[i] for i in range(1, 40, 2)}
    assert len(children) == 1 and parent not in children


@pytest.mark.parametrize("failure", ["raise", "exit", "kill"])
def test_a_failed_child_costs_time_only(failure):
    parent = os.getpid()

    def square(i: int) -> int:
        if os.getpid() != parent and i == 7:
            if failure == "raise":
                raise RuntimeError("in the child")
            if failure == "exit":
                os._exit(3)
            os.kill(os.getpid(), 9)
        return i * i

    assert forked.forked_map(square, list(range(20)), lambda i: i, 2) == [i * i for i in range(20)]


def test_a_failure_in_the_parent_stops_the_children():
    parent = os.getpid()

    def slow_child(i: int) -> int:
        if os.getpid() != parent:
            import time

            time.sleep(60)  # killed long before
        elif i == 4:
            raise ValueError("in the parent")
        return i

    with pytest.raises(ValueError, match="in the parent"):
        forked.forked_map(slow_child, list(range(10)), lambda i: i, 2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind, running or unreaped


def test_progress_counts_all_items():
    calls = []
    forked.forked_map(lambda i: i, list(range(2000)), lambda i: i, 2, calls.append)
    assert calls[0] == 0 and max(calls) <= 2000 and len(calls) >= 2


def test_workers_follow_the_setting_and_the_amount_of_work(monkeypatch):
    many = forked.MIN_ITEMS_PER_WORKER * 8
    monkeypatch.setenv("NUTRI_WORKERS", "3")
    assert forked.workers_for(many) == 3
    assert forked.workers_for(forked.MIN_ITEMS_PER_WORKER * 2) == 2  # never less than a full share each
    assert forked.workers_for(10) == 1
    monkeypatch.setenv("NUTRI_WORKERS", "1")
    assert forked.workers_for(many) == 1
    monkeypatch.setenv("NUTRI_WORKERS", "many")
    assert forked.workers_for(many) == 1  # not a number: one process
    monkeypatch.delenv("NUTRI_WORKERS")
    assert 1 <= forked.workers_for(many) <= forked.MAX_WORKERS


def test_a_diary_resolved_in_forked_processes_gives_the_entries_of_one_process(monkeypatch):
    """Every example diary's entries (matches, grams, supplements, notes) alike with its keys shared among
    three processes and in one, with no cache to answer for either."""
    from pathlib import Path

    from nutri import pipeline

    monkeypatch.setenv("NUTRI_CACHE_DIR", "off")
    monkeypatch.setattr(forked, "MIN_ITEMS_PER_WORKER", 1)
    children = []
    start = forked._Child.__init__
    monkeypatch.setattr(forked._Child, "__init__", lambda self, *a: children.append(1) or start(self, *a))
    examples = sorted(p for p in (Path(__file__).parents[1] / "examples").glob("*.csv"))
    assert examples
    for path in examples:
        diary = pipeline.read_diary(path)
        monkeypatch.setenv("NUTRI_WORKERS", "1")
        alone = pipeline.match_entries(diary).entries
        monkeypatch.setenv("NUTRI_WORKERS", "3")
        shared = pipeline.match_entries(diary).entries
        assert shared.equals(alone), path.name
    assert len(children) == 2 * len(examples)


def test_the_work_waits_for_what_the_program_runs_beside_it_before_forking():
    waited = []
    with forked.quiet_before_fork(lambda: waited.append(len(waited))):
        forked.forked_map(lambda i: i, list(range(10)), lambda i: i, 1)
        assert waited == []  # no fork, no wait: the work runs beside the program's threads
        forked.forked_map(lambda i: i, list(range(10)), lambda i: i, 2)
        assert waited == [0]
    forked.forked_map(lambda i: i, list(range(10)), lambda i: i, 2)
    assert waited == [0]  # the block is over

    def failed():
        raise RuntimeError("the engine failed")

    with pytest.raises(RuntimeError, match="the engine failed"), forked.quiet_before_fork(failed):
        forked.forked_map(lambda i: i, list(range(10)), lambda i: i, 2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # nothing was forked


def test_no_process_to_be_had_costs_time_only(monkeypatch):
    def refused():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    assert forked.forked_map(lambda i: i * 3, list(range(30)), lambda i: i, 3) == [i * 3 for i in range(30)]


def test_a_share_with_no_items_makes_no_copy(monkeypatch):
    made = []
    start = forked._Child.__init__
    monkeypatch.setattr(forked._Child, "__init__", lambda self, *a: made.append(1) or start(self, *a))
    assert forked.forked_map(lambda i: -i, [2, 4, 6], lambda i: 0, 3) == [-2, -4, -6]
    assert made == []  # every item is the parent's


def test_a_failure_while_the_copies_are_made_stops_those_already_made(monkeypatch):
    real_fork, forks = os.fork, []

    def second_fails():
        forks.append(1)
        if len(forks) == 2:
            raise RuntimeError("interrupted")
        return real_fork()

    def slow(i: int) -> int:
        import time

        time.sleep(60)  # the first copy: killed long before
        return i

    monkeypatch.setattr(os, "fork", second_fails)
    with pytest.raises(RuntimeError, match="interrupted"):
        forked.forked_map(slow, list(range(9)), lambda i: i, 3)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the first copy was killed and reaped
