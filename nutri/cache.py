"""Derived tables built once and kept in the user's cache directory.

Building the match index over both food tables costs most of a small diary's run; it depends only on
the food tables, the aliases and the code that builds it, so it is stored under a key hashing all
three and loaded in a fraction of the time. A changed table or code gives a new key (the old file is
simply not read again). Writes go to a temporary file renamed into place, so concurrent first runs
never read half a file; a read-only or missing cache directory, or a damaged file, falls back to
building in memory. ``NUTRI_CACHE_DIR`` points the cache elsewhere; ``NUTRI_CACHE_DIR=off`` turns it off.

The same folder holds pint's answers for every unit word (nutri/quantity.py: a warm run never imports
pint) and the resolutions of diary texts already seen (nutri/intake.py: a text is parsed, matched and
weighed once per tables, aliases and nutri code, so a diary read again resolves only its new texts).
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path | None:
    configured = os.environ.get("NUTRI_CACHE_DIR")
    if configured:
        return None if configured.lower() == "off" else Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("nutri"))


def key_of(parts: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, from the cache when a file for (name, key) is there, else built and stored."""
    folder = cache_dir()
    path = folder / f"{name}-{key}.pickle" if folder else None
    if path is not None and path.is_file():
        try:
            return _load(path)
        except Exception:  # a damaged or foreign file: rebuild, and replace it below
            pass
    value = build()
    if path is not None:
        _store(path, value)
    return value


def load(name: str, key: str) -> object | None:
    """The stored value for (name, key), or None when there is none (or no cache, or a damaged file)."""
    folder = cache_dir()
    path = folder / f"{name}-{key}.pickle" if folder else None
    if path is None or not path.is_file():
        return None
    try:
        return _load(path)
    except Exception:  # a damaged or foreign file is no value; the next store replaces it
        return None


def store(name: str, key: str, value: object) -> None:
    """Keep ``value`` under (name, key); a read-only or missing cache keeps nothing (never an error)."""
    folder = cache_dir()
    if folder is not None:
        _store(folder / f"{name}-{key}.pickle", value)


PACKAGE_SUFFIXES = (".py", ".csv", ".json", ".txt")


@lru_cache(maxsize=1)
def package_digest() -> bytes:
    """A digest of nutri's code and shipped data: every derived value keyed with it is rebuilt when
    either changes (a new release, an edited table, a development checkout).

    Every run computes it, so it is made cheap: the files are listed without a stat each (os.walk), and
    each file's bytes count through their length and CRC-32 (change detection, not a signature: 1 ms for
    the 4.7 MB where SHA-256 of each file took 7); one SHA-256 covers names, lengths and CRCs."""
    from nutri.tables.sr28 import foods_csv_path

    root = Path(__file__).resolve().parent
    named = sorted(
        (os.path.relpath(os.path.join(folder, name), root), Path(folder, name))
        for folder, _, names in os.walk(root)
        for name in names
        if name.endswith(PACKAGE_SUFFIXES)
    ) + [("foods.csv", foods_csv_path())]  # beside it in a checkout
    digest = hashlib.sha256()
    for label, path in named:
        data = path.read_bytes()
        digest.update(b"%s\0%d\0%08x\0" % (label.encode(), len(data), zlib.crc32(data)))
    return digest.hexdigest()[:32].encode()


SETTLE_AFTER = 100_000  # objects a paused block made (net) past which it settles them (paused_gc)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a block (or a function, as a decorator) that makes many
    long-lived objects and no cyclic garbage, switched back on after as it was. Loading or building
    the match index, or resolving tens of thousands of diary texts, makes some hundred thousand small
    objects: the collector walks them again and again while they are created and finds nothing (a
    third of a cold index build, a sixth of a cohort's cold resolution; ``nutri cohort`` runs with
    the collector on). Reference counting still frees every object not in a cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            if gc.get_count()[0] > SETTLE_AFTER:
                # Left young, the block's objects would be walked by the next collections of each
                # generation in turn (0, 1, then all: a second of a program matching after a cold
                # index build); one full collection now walks them once (0.1 s).
                gc.collect()


def _load(path: Path) -> object:
    # The match index is some hundred thousand small objects: the collector would walk them again and
    # again while they are created (a load makes no garbage), more than doubling the load time.
    with paused_gc(), path.open("rb") as handle:
        return pickle.load(handle)


def _store(path: Path, value: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass  # read-only or full cache: the value built in memory serves this run
