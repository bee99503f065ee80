"""Export and sync runs: fetch only what changed, and (for sync) mark what disappeared.

The archive records its source in the `site` table on the first export. A later run reads
that source again (or a newer WXR / another URL of the same site), gives the source a
`SourceState` of what the archive already holds, and lets the pipeline write the
differences: new and modified items, tombstones for the gone, restored items that came
back. From a site, every batch commits with the checkpoints it covers, so a killed run
re-run finishes the job. From a file, the whole run is one transaction: the file lands
whole or the archive is left exactly as it was (a re-run reads the file again anyway).
A failed first export leaves no archive behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from .archive import Archive
from .archive.store import discard_if_empty
from .errors import ArchiveError
from .mapping import Mapping
from .pipeline import Exporter, RunResult
from .progress import Progress
from .sources.base import Source, SourceState

FILE_SOURCES = frozenset({"wxr"})  # source kinds whose runs land whole or change nothing


def read_state(archive: Archive, *, detect_deletions: bool) -> SourceState:
    """What the archive holds, for a source to read only what changed."""
    if archive.site() is None:
        return SourceState()  # a first export: read everything
    return SourceState(
        archived=True,
        detect_deletions=detect_deletions,
        versions=archive.known_versions(),
        pages=archive.known_pages(),
        live_ids=archive.live_ids() if detect_deletions else {},
        checkpoints=archive.states(""),
        term_ids=archive.term_ids(),
    )


def run(
    source: Source,
    archive_path: str | Path,
    mapping: Mapping,
    *,
    command: str,
    detect_deletions: bool,
    full: bool = False,
    keep_history: bool = False,
    force: bool = False,
    complete: bool = False,
    progress: Progress | None = None,
) -> RunResult:
    """Export or sync `source` into the archive; the one entry point both commands use.

    `detect_deletions` (sync) marks what the source no longer shows: of a partial WXR file
    (one post type, a date range...), only what it covers, unless `complete` says the file
    is the whole site. `full` re-reads everything even where the archive says it is
    unchanged.
    """
    with (
        _no_empty_archive_left(Path(archive_path)),
        Archive.open(archive_path, create=command == "export") as archive,
        archive.transaction() if source.kind in FILE_SOURCES else nullcontext(),
    ):
        site = archive.site()
        if command == "sync" and site is None:
            raise ArchiveError(
                f"{archive_path} has no source recorded: run `wpmigrate export` first"
            )
        archive.keep_history = keep_history
        state = SourceState() if full else read_state(archive, detect_deletions=detect_deletions)
        expected = None if force or site is None else site["url"]
        exporter = Exporter(
            archive, mapping, progress, expected_site_url=expected, complete=complete
        )
        result = exporter.run(source, command, state)
        with archive.transaction():  # so that a later sync applies the same mapping
            user_files = [str(Path(f).resolve()) for f in mapping.files[1:]]
            archive.set_state("mapping", {"files": user_files})
        return result


@contextmanager
def _no_empty_archive_left(path: Path) -> Iterator[None]:
    """A run that fails leaves no archive it created without content (a file's run left
    nothing); what a site's batches wrote is kept, to resume."""
    created = not path.exists()
    try:
        yield
    except BaseException:
        if created:
            discard_if_empty(path)
        raise
