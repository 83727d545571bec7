"""The one output-safety layer every writer goes through.

What a diary, an aliases or a custom-foods file holds is hostile until shown otherwise, and it
reaches terminals, spreadsheets, JSON parsers and Markdown viewers. So before any writer runs:

- numbers: NaN and infinities become "unknown" (None), so JSON stays standard JSON and no report
  says "inf mg";
- text: control characters (terminal escape sequences, BEL, the C0/C1 ranges XLSX cannot hold)
  are shown as visible ``\\x1b`` escapes, and a lone carriage return becomes a line break, which
  every CSV writer quotes (a bare CR would split the row for some readers and start a new row
  with the raw text);
- spreadsheet cells (CSV, XLSX): text starting with = + - @ tab or CR gets a leading apostrophe
  (OWASP CSV injection);
- Markdown: brackets are escaped so user text can make no image or link.

Files are written atomically: a temporary file beside the target, renamed over it, removed on any
failure or SIGTERM; created with the mode the umask gives, like any other program's output.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import stat
import tempfile
import threading
from functools import lru_cache
from json.encoder import c_make_encoder, encode_basestring
from math import isfinite
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nutri.errors import OutputError

if TYPE_CHECKING:  # pandas loads with the first frame written: checking an output name needs none of it
    import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 controls except tab and line feed, DEL and the C1 controls (ESC [ ... is how terminals are driven)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def clean_text(text: str) -> str:
    """Line breaks as LF, every other control character as a visible escape."""
    # isprintable() is False for every control character, and is a C loop without the regex machinery
    # (a large report cleans some 150,000 strings, nearly all printable)
    if text.isprintable() or not CONTROL_RE.search(text):
        return text
    return CONTROL_RE.sub(_visible, text.replace("\r\n", "\n").replace("\r", "\n"))


def clean(value):
    """``value`` with every string cleaned and every non-finite float turned into None, through
    dicts, lists and tuples (the report's structure)."""
    kind = type(value)  # the exact types first: a large report holds some 300,000 values
    if kind is str:
        return value if value.isprintable() else clean_text(value)
    if kind is float:
        return value if isfinite(value) else None
    if kind is dict:
        return {_clean_key(k): _clean_item(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_clean_item(v) for v in value]
    if kind is int or kind is bool or value is None:
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def _clean_item(value):
    """:func:`clean` of an item of a container: the plain scalars most items are without another call."""
    kind = type(value)
    if kind is float:
        return value if isfinite(value) else None
    if kind is str:
        return value if value.isprintable() else clean_text(value)
    if kind is int or kind is bool or value is None:
        return value
    return clean(value)


def _clean_key(key):
    return key if type(key) is str and key.isprintable() else clean(key)


def clean_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with text cleaned and infinities turned into NaN (unknown)."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            out[column] = values.where(np.isfinite(values.to_numpy(dtype=float)), np.nan)
        elif not (
            pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)
        ):  # object or string dtype
            out[column] = values.map(lambda v: clean(v) if isinstance(v, (str, float)) else v)
    return out


def neutralise(value):
    """Text starting with = + - @ tab or CR gets a leading apostrophe so no spreadsheet runs it.
    Numbers are not text and are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def spreadsheet_cell(value):
    """One value as an XLSX cell: cleaned, neutralised, unknown as an empty cell."""
    value = clean(value)
    return neutralise(value)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of a frame, every cell cleaned and neutralised, unknown as empty. After cleaning
    no cell holds a CR, and pandas quotes every cell holding a line feed."""
    safe = clean_frame(frame)
    safe.columns = [neutralise(clean_text(str(c))) for c in frame.columns]
    return safe.map(neutralise).to_csv(index=False, lineterminator="\n").encode("utf-8")


def json_text(value, **options) -> str:
    """Standard JSON (no bare NaN or Infinity: json.dumps would otherwise write them)."""
    return json.dumps(clean(value), allow_nan=False, ensure_ascii=False, **options)


def _not_json(value):
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


_PLAIN = frozenset({str, int, float, bool, type(None)})
_EMPTY = frozenset({list, dict})


@lru_cache(maxsize=64)
def _items_writer(level: int, indent: int):
    """json's C encoder set up to write the items of one container at ``level`` of indented JSON:
    plain values (and empty containers) separated by a comma, a line break and the next indent."""
    separator = ",\n" + " " * (indent * (level + 1))
    chunks = c_make_encoder(None, _not_json, encode_basestring, None, ": ", separator, False, False, False)
    return lambda value: "".join(chunks(value, 0))


def _json_key(key) -> str:
    if isinstance(key, str):
        return encode_basestring(key)
    return _items_writer(0, 0)({key: 0})[1:-4]  # json's own text for a number, true, false or null as a key


def _indented(value, level: int, indent: int) -> str:
    """``value`` as ``json.dumps(value, indent=indent)`` writes it at nesting ``level``. json writes
    indented JSON in Python (its C encoder only writes it on one line), which took longer than
    building a large report's JSON; here each run of plain items goes through the C encoder in one
    call, and only containers holding containers are walked in Python."""
    if isinstance(value, dict):
        is_dict, opening, closing = True, "{", "}"
    elif isinstance(value, (list, tuple)):
        is_dict, opening, closing = False, "[", "]"
    else:
        return _items_writer(level, indent)(value)
    if not value:
        return opening + closing
    write, parts, run = _items_writer(level, indent), [], {} if is_dict else []
    for item in value.items() if is_dict else value:
        inner = item[1] if is_dict else item
        if type(inner) in _PLAIN or (type(inner) in _EMPTY and not inner):
            if is_dict:
                run[item[0]] = inner
            else:
                run.append(inner)
            continue
        if run:
            parts.append(write(run)[1:-1])
            run = {} if is_dict else []
        text = _indented(inner, level + 1, indent)
        parts.append(_json_key(item[0]) + ": " + text if is_dict else text)
    if run:
        parts.append(write(run)[1:-1])
    pad = "\n" + " " * (indent * (level + 1))
    return opening + pad + ("," + pad).join(parts) + "\n" + " " * (indent * level) + closing


def indented_json(value, indent: int = 2) -> str:
    """Exactly ``json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)``, faster.
    ``value`` must be clean already (:func:`clean`); a NaN left is still refused."""
    if c_make_encoder is None or not isinstance(indent, int):
        return json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)
    return _indented(value, 0, indent)


def frame_records(frame: pd.DataFrame) -> list[dict]:
    safe = clean_frame(frame).astype(object)
    return safe.where(safe.notna(), None).to_dict(orient="records")


MARKDOWN_LINK_RE = re.compile(r"[\[\]]")


def markdown_inert(text: str) -> str:
    """Markdown text in which nothing renders as HTML, an image or a link: viewers render raw
    HTML, fetch images (a tracking pixel from a food name), and show links under any label.
    Escaped brackets render as brackets, so nothing visible changes."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MARKDOWN_LINK_RE.sub(lambda m: "\\" + m.group(), text)


# -- writing files --------------------------------------------------------------------------


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_output(path: Path, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse a target before any work: an empty name, a folder, a missing folder, one of the
    inputs (writing a report over the diary destroys it)."""
    if not str(path).strip():
        raise OutputError("the output file name is empty", fix="give a file name")
    path = Path(path)
    if path.is_dir():
        raise OutputError("is a folder", file=path, fix="give a file name inside it")
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(
            f"the folder {str(parent)!r} does not exist", file=path, fix="create it first or choose another folder"
        )
    for source in inputs:
        try:
            same = path.exists() and Path(source).exists() and os.path.samefile(path, source)
        except OSError:
            same = False
        if same or Path(os.path.abspath(path)) == Path(os.path.abspath(source)):
            raise OutputError(
                f"is also an input ({source}); writing there would destroy it",
                file=path,
                fix="choose another output name",
            )


def _os_problem(exc: OSError) -> str:
    import errno

    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
    }
    return reasons.get(exc.errno, exc.strerror or type(exc).__name__)


class _TerminationGuard:
    """While a file is written, SIGTERM raises SystemExit in the writer instead of killing the
    process at once, so the temporary file is removed; the exit status stays 128 + SIGTERM."""

    def __enter__(self):
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._terminate)
        return self

    @staticmethod
    def _terminate(signum, frame):
        raise SystemExit(128 + signum)

    def __exit__(self, *exc_info):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over: never half a file.
    A device or FIFO (/dev/null, /dev/stdout) is written in place, never replaced."""
    path = Path(path)
    check_output(path)
    try:
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            with open(path, "wb") as out:
                out.write(data)
            return
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o666 & ~_umask()
    except OSError as exc:
        raise OutputError(f"cannot write it ({_os_problem(exc)})", file=path) from None
    temporary = None
    with _TerminationGuard():
        try:
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fchmod(out.fileno(), mode)
            os.replace(temporary, path)
            temporary = None
        except OSError as exc:
            raise OutputError(
                f"cannot write it ({_os_problem(exc)})", file=path, fix="choose another place for the output"
            ) from None
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
