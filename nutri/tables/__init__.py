"""Food-composition tables behind one interface (see base.py): USDA SR28, USDA FNDDS 2.0 and
custom foods files. ``load_tables()`` gives the shipped tables as one FoodTable."""

from __future__ import annotations

from functools import lru_cache

from nutri.tables import fndds, sr28
from nutri.tables.base import FoodTable

# The shipped tables, in the order their foods are indexed (ties in ranking keep this order).
SHIPPED = (sr28, fndds)


@lru_cache(maxsize=1)
def load_tables() -> FoodTable:
    # parsed once per release (or edit) and kept in the user's cache: a pickle loads in a quarter of
    # the time the CSVs take to parse (nutri/cache.py; keyed by nutri's code and data)
    from nutri.cache import cached, key_of, package_digest

    return cached("tables", key_of([package_digest()]), _read_tables)


def _read_tables() -> FoodTable:
    table = SHIPPED[0].load()
    for adapter in SHIPPED[1:]:
        table = table.combined(adapter.load())
    return table
