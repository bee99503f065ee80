"""What every source is: the `Source` protocol, and the `SourceState` it reads from.

A run reads a `SourceState` from the archive and hands it to `source.records(state)`; the
source yields model records and `Checkpoint`s, which the archive commits with the rows they
cover and the next run reads back into its state (Singer's state in, bookmarks out). A
source holds no archive and is told nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..model import Record

# collection ('items:<type>', 'media', 'terms:<taxonomy>', 'comments') -> id ->
# (modified_gmt, sorted term ids)
Versions = dict[str, dict[int, tuple[str | None, tuple[int, ...]]]]


@dataclass(frozen=True)
class SourceState:
    """What the archive already holds; the empty default means "read everything".

    `archived` is false on a first export (and with --full): nothing to compare against.
    `detect_deletions` (a sync) asks for Tombstones for what the site no longer shows.
    """

    archived: bool = False
    detect_deletions: bool = False
    versions: Versions = field(default_factory=dict)
    # page URL -> (item id, modified_gmt) of live items a crawl archived
    pages: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    # Tombstone kind (item, media, term, comment) -> ids not marked deleted
    live_ids: dict[str, set[int]] = field(default_factory=dict)
    # the checkpoints earlier runs committed, by collection
    checkpoints: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (taxonomy, slug) -> id of the archive's live terms: a partial WXR file names its
    # items' terms without declaring them, and they are the archive's, not new ones
    term_ids: dict[tuple[str, str], int] = field(default_factory=dict)


EMPTY_STATE = SourceState()


class Source(Protocol):
    """A site read one way (WXR file, REST API, HTML crawl), yielding model records."""

    kind: str
    skipped: dict[str, int]  # what the source left out, by reason
    warnings: list[str]  # what went wrong without stopping the run, for the user

    def describe(self) -> str: ...

    def records(self, state: SourceState = EMPTY_STATE) -> Iterator[Record]: ...

    @property
    def fraction(self) -> float | None:
        """How far the run is (0..1), when the source can tell."""

    @property
    def requests_made(self) -> int | None:
        """HTTP requests so far; None for a source that makes none."""
