"""Domain errors. The CLI maps each to a one-line message and an exit code; the core never exits."""


class NutriError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 1


class UnreadableInputError(NutriError):
    """The input file cannot be read as a diary (missing, binary, encrypted, hostile)."""


class DiaryFormatError(NutriError):
    """The file was read but its layout is not a diary we understand (no food column...)."""


class UsageError(NutriError):
    """Options or override files that contradict each other or name unknown things."""

    exit_code = 2


class DataFileError(NutriError):
    """A user data file (aliases, custom foods, profile, config) is invalid."""

    exit_code = 2
