"""The SQLite archive: every SQL statement wpmigrate runs lives in this package.

`schema` declares the tables as data; `store.Archive` is the only writer (items, state,
runs); `type_tables` rebuilds the mapped per-type tables; `reader` answers the read-only
commands (log, search, query) and tells a sync what the last run recorded; `item_reader`
streams items with everything attached for `convert` and `redirects`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema import SCHEMA_VERSION, TABLES
    from .store import Archive, CleanText, WriteCounts, utc_now

__all__ = ["SCHEMA_VERSION", "TABLES", "Archive", "CleanText", "WriteCounts", "utc_now"]

# Loaded when first asked for: the mapping reads the schema's table names, and importing
# it must not load the writer (sqlite-utils, the lock) before a command's first request.
_HOME = {"SCHEMA_VERSION": "schema", "TABLES": "schema"} | dict.fromkeys(
    ("Archive", "CleanText", "WriteCounts", "utc_now"), "store"
)


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
