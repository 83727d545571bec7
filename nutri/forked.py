"""One pure Python function over many items, shared with forked copies of this process.

Resolving a diary's distinct texts for the first time (parsing, matching, weighing) is single-threaded
Python: at 124k distinct keys (a 10M-row cohort) it took 6-8 s on one core while the other idled. The
work needs the match index built in memory (a second), which a forked child shares as it is;
``multiprocessing``'s pools instead pickle each task and start workers that would build the index
again, and ``concurrent.futures`` can hand a forked worker no closure. So: fork, let each child compute
its share and send the results back pickled, compute the parent's share meanwhile.

Only on Linux, where fork copies a process safely for pure Python work; a child never touches the
parent's engine connections or files and leaves with ``os._exit`` (no cleanup of the parent's state).
A child that fails, dies or sends nothing costs time only: the parent computes that share itself.
``NUTRI_WORKERS`` sets the number of processes (1: never fork); by default one per available core, at
most ``MAX_WORKERS``.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MAX_WORKERS = 4  # each child is a copy of the process; its own objects grow with its share
MIN_ITEMS_PER_WORKER = 10_000  # below this a fork and the pickling cost more than they save


def workers_for(items: int) -> int:
    """How many processes share ``items`` items: ``NUTRI_WORKERS`` if set, else the available cores (at
    most ``MAX_WORKERS``), and never more than one per ``MIN_ITEMS_PER_WORKER`` items."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    given = os.environ.get("NUTRI_WORKERS", "").strip()
    try:
        wanted = int(given) if given else min(len(os.sched_getaffinity(0)), MAX_WORKERS)
    except ValueError:
        wanted = 1  # a NUTRI_WORKERS that is no number: the safe choice, one process
    return max(1, min(wanted, items // MIN_ITEMS_PER_WORKER))


_BEFORE_FORK: list[Callable[[], object]] = []


@contextmanager
def quiet_before_fork(wait: Callable[[], object]) -> Iterator[None]:
    """Within the block, ``forked_map`` calls ``wait()`` before it forks: a program running other threads
    (``nutri cohort``'s engine numbering the rows) lets them finish first. No thread is then at work while
    the process is copied, and the copies have the cores to themselves: at 10M rows, forking beside the
    engine's statements cost 2-6 CPU-s more (pages the engine wrote copied, threads contending) and saved
    no time. An exception of ``wait`` stops the work."""
    _BEFORE_FORK.append(wait)
    try:
        yield
    finally:
        _BEFORE_FORK.remove(wait)


def forked_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    share_of: Callable[[Item], int],
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """``[function(item) for item in items]``, each item computed by process ``share_of(item) % workers``
    (the parent is 0; items that share work, such as one text's keys, should share a process).
    ``progress(done)`` is called with the parent's count scaled to all items."""
    if workers < 2:
        return _computed(function, items, range(len(items)), progress, 1.0)
    for wait in tuple(_BEFORE_FORK):
        wait()
    shares: list[list[int]] = [[] for _ in range(workers)]
    for i, item in enumerate(items):
        shares[share_of(item) % workers].append(i)
    children: list[_Child] = []
    results: list = [None] * len(items)
    try:
        children += (_Child(function, items, share) for share in shares[1:] if share)
        scale = len(items) / max(len(shares[0]), 1)
        for i, value in zip(shares[0], _computed(function, items, shares[0], progress, scale), strict=True):
            results[i] = value
        for child in children:
            values = child.collect()
            if values is None:  # the child failed: its share computed here
                values = _computed(function, items, child.share, None, 1.0)
            for i, value in zip(child.share, values, strict=True):
                results[i] = value
    finally:
        for child in children:
            child.stop()
    return results


def _computed(function, items, indices, progress, scale: float) -> list:
    out = []
    for done, i in enumerate(indices):
        if progress is not None and done % 500 == 0:
            progress(min(int(done * scale), len(items)))
        out.append(function(items[i]))
    return out


class _Child:
    """A forked copy computing ``function`` over its ``share`` of the items, its results read from a pipe."""

    def __init__(self, function, items, share: list[int]) -> None:
        self.share, self.reader, self.running = share, None, False  # reader: None once read
        try:
            reader, writer = os.pipe()
        except OSError:  # no descriptors left: the parent computes the share
            return
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns that forking a threaded process may deadlock the child: the engine's
                # threads are not copied, and the child runs only ``function`` (pure Python), never the engine
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:  # no process to be had (a limit, memory): the parent computes the share
            os.close(reader)
            os.close(writer)
            return
        if pid == 0:  # the child: compute, send, leave without running anything of the parent's
            code = 1
            try:
                os.close(reader)
                data = pickle.dumps([function(items[i]) for i in share], protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(writer, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(writer)
        self.pid, self.reader, self.running = pid, reader, True

    def collect(self) -> list | None:
        """The child's results, or None if it failed or was never made (it is reaped either way)."""
        if not self.running:
            return None
        chunks, reader = [], self.reader
        self.reader = None  # the file below owns (and closes) the pipe
        with os.fdopen(reader, "rb") as handle:
            while chunk := handle.read(1 << 20):
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        self.running = False
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0 or not chunks:
            return None
        try:
            values = pickle.loads(b"".join(chunks))
        except Exception:  # a truncated or damaged message: computed again
            return None
        return values if isinstance(values, list) and len(values) == len(self.share) else None

    def stop(self) -> None:
        """A child still running (the parent failed or was interrupted) killed and reaped."""
        if not self.running:
            return
        self.running = False
        if self.reader is not None:
            os.close(self.reader)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
