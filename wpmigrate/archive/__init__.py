"""The SQLite archive: every SQL statement wpmigrate runs lives in this package.

`schema` declares the tables as data; `store.Archive` is the only writer (items, state,
runs); `type_tables` rebuilds the mapped per-type tables; `reader` answers the read-only
commands (log, search, query) and tells a sync what the last run recorded; `item_reader`
streams items with everything attached for `convert` and `redirects`.
"""

from .schema import SCHEMA_VERSION, TABLES
from .store import Archive, CleanText, WriteCounts, utc_now

__all__ = ["SCHEMA_VERSION", "TABLES", "Archive", "CleanText", "WriteCounts", "utc_now"]
