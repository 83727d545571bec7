"""Domain errors. The CLI maps each to a one-line message and an exit code; the core never exits.

Modelled on pint's errors.py: one base class, each error also an instance of the builtin it
resembles (so ``except ValueError`` in a caller's code still works), and the facts of the error
kept as fields (file, row, column, fix) instead of only inside the text. Core messages never name
a command-line flag: an error that a setting can fix says which setting in ``option`` (and an
example value in ``option_value``), and the CLI turns that into "pass --columns food=HEADER".
"""

from __future__ import annotations

from pathlib import Path


class NutriError(Exception):
    """Base class: a problem the user can fix, with a message that says how.

    ``message`` says what is wrong; ``file``/``row``/``column`` say where (row is the 1-based line
    or spreadsheet row); ``fix`` says what to do. ``str()`` joins them into one line. Errors raised
    with one preformatted string (older call sites) keep working: that string is the message."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        fix: str | None = None,
        option: str | None = None,
        option_value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.fix = fix
        self.option = option
        self.option_value = option_value

    def where(self) -> str:
        parts = [self.file] if self.file else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return self.describe()

    def describe(self, option_hint: str | None = None) -> str:
        """One line: where, what, and the fix; ``option_hint`` ("pass --columns food=HEADER")
        is the CLI's way of naming the setting, added after the fix."""
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        fixes = [f for f in (self.fix, option_hint) if f]
        return text + ("; " + ", or ".join(fixes) if fixes else "")


class UnreadableInputError(NutriError, OSError):
    """The input file cannot be read as a diary (missing, binary, encrypted, hostile, too large)."""

    def __init__(self, message: str, **fields) -> None:
        NutriError.__init__(self, message, **fields)

    def __str__(self) -> str:  # OSError's own __str__ would show errno fields
        return self.describe()


class DiaryFormatError(NutriError, ValueError):
    """The file was read but its layout is not a diary we understand (no food column...)."""


class UsageError(NutriError, ValueError):
    """Options or override files that contradict each other or name unknown things."""

    exit_code = 2


class DataFileError(NutriError, ValueError):
    """A user data file (aliases, custom foods, profile, config) is invalid."""

    exit_code = 2


class OutputError(NutriError, OSError):
    """An output cannot be written where it was asked to go (missing folder, read-only, disk full,
    the input itself, a device)."""

    def __init__(self, message: str, **fields) -> None:
        NutriError.__init__(self, message, **fields)

    def __str__(self) -> str:
        return self.describe()
