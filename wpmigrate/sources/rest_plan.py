"""What an incremental REST run asks for: pure decisions, given what the archive holds.

A tracked collection (media, each content type) is first *probed*: one row, newest
modification first, and the `X-WP-Total` header. A probe equal to the checkpoint the last
run committed means nothing changed: the collection is not read at all. Otherwise it is
*swept* (ids, modification times and term ids only, 100 a page) and only the rows that
differ from the archive's are fetched whole; ids the sweep no longer shows are asked for one
by one, to tell deleted from trashed from no longer public.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..values import int_or
from .base import Versions
from .rest_parse import term_ids_of, utc

PROBE_PARAMS = {"per_page": 1, "orderby": "modified", "order": "desc", "_fields": "id,modified_gmt"}


def probe_of(body: list[dict[str, Any]], total: str | None) -> dict[str, Any]:
    """The checkpoint a probe answer stands for: row count and newest (modified, id)."""
    newest = [body[0].get("modified_gmt"), body[0]["id"]] if body else None
    return {"total": int_or(total, len(body)), "newest": newest}


def unchanged(probe: dict[str, Any] | None, checkpoint: dict[str, Any] | None) -> bool:
    """Whether the probe says the collection is as the last run left it."""
    return probe is not None and probe == checkpoint


class Sweep:
    """Compares swept rows with the archive's versions of one collection."""

    def __init__(self, versions: Versions, collection: str, term_fields: list[str]):
        self.known = dict(versions.get(collection, {}))  # left: what the sweep did not show
        self.term_fields = term_fields
        self.changed: list[int] = []

    def see(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            terms = tuple(sorted(term_ids_of(row, self.term_fields)))
            before = self.known.pop(row["id"], None)
            if before is None or before != (utc(row.get("modified_gmt")), terms):
                self.changed.append(row["id"])

    def gone(self) -> list[int]:
        return sorted(self.known)


def batches(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def gone_reason(status_code: int, status: str | None) -> str:
    """Why an id left the listing, from asking for it: its HTTP status, or its `status`."""
    if status_code in (404, 410):
        return "deleted"
    if status_code in (401, 403):
        return "no longer public"
    if status is not None:
        return "trashed" if status == "trash" else "no longer public"
    return "gone"
