"""nutri: read a food diary, match it to USDA food tables, and report intake against the DRIs.

Four calls make the whole pipeline (the command line uses the same ones)::

    import nutri

    diary = nutri.read_diary("examples/two-weeks.csv")
    matched = nutri.match_entries(diary)
    report = nutri.weekly_report(matched, nutri.Profile("female", 34))
    print(nutri.render(report, "text").decode())

Settings live in small frozen dataclasses (``ReadSettings``, ``MatchSettings``, ``ReportSettings``);
``nutri.nutrients`` is the registry of what is tracked, ``nutri.assess`` the IOM method.
"""

__version__ = "0.1.0"

SR28_EDITION = "USDA National Nutrient Database for Standard Reference, Release 28 (2015, slightly revised 2016)"

__all__ = [
    "MatchSettings",
    "Matched",
    "Profile",
    "ReadSettings",
    "ReportSettings",
    "analyse",
    "match_entries",
    "read_diaries",
    "read_diary",
    "render",
    "weekly_report",
]

_LAZY = {
    "Profile": "nutri.dri",
    **{name: "nutri.pipeline" for name in __all__ if name != "Profile"},
}


def __getattr__(name: str):
    """Public names load their module on first use, so ``import nutri`` (and ``nutri --help``) stays light."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nutri' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
