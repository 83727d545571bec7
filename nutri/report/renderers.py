"""One renderer per format, each ``render(report: Report) -> bytes``; loaded on first use."""

from __future__ import annotations

import importlib
from collections.abc import Callable

# format -> (module, function)
_RENDERERS = {
    "text": ("nutri.report.text", "render"),
    "md": ("nutri.report.text", "render_markdown"),
    "html": ("nutri.report.html", "render"),
    "json": ("nutri.report.json_report", "render"),
    "xlsx": ("nutri.report.xlsx", "render"),
}


def _loader(module: str, name: str) -> Callable[[], Callable]:
    return lambda: getattr(importlib.import_module(module), name)


FORMATS: dict[str, Callable[[], Callable]] = {fmt: _loader(*where) for fmt, where in _RENDERERS.items()}
