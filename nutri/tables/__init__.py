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
    table = SHIPPED[0].load()
    for adapter in SHIPPED[1:]:
        table = table.combined(adapter.load())
    return table
