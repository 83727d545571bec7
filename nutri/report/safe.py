"""Neutralise spreadsheet formulas in user text (OWASP CSV injection) and write files atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text starting with = + - @ tab or CR gets a leading apostrophe so no program runs it.
    Numbers are not text and are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: never half a file."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent or "."))
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
