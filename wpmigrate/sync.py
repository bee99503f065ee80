"""Incremental runs: fetch only what changed, and (for sync) mark what disappeared.

The archive records its source in the `site` table on the first export. A sync reads that
source again (or a newer WXR / another URL of the same site), gives the source what the
archive already holds, and lets the pipeline write the differences: new and modified items,
tombstones for the gone, restored items that came back. Every batch commits with the
checkpoints it covers, so a killed run re-run finishes the job.
"""

from __future__ import annotations

from pathlib import Path

from .archive import Archive
from .archive.store import discard_if_empty
from .errors import ArchiveError, WPMigrateError
from .mapping import Mapping
from .pipeline import Exporter, RunResult, Source
from .progress import Progress
from .sources.crawl import CrawlSource
from .sources.rest import KnownState, RESTSource
from .sources.wxr import WXRSource


def prepare_incremental(source: Source, archive: Archive, *, detect_deletions: bool) -> None:
    """Tell `source` what the archive holds, so it reads only what changed."""
    if isinstance(source, RESTSource):
        if archive.site() is None:
            return  # a first export: read everything
        source.known = KnownState(versions=archive.known_versions(), probes=archive.states("rest:"))
        source.detect_deletions = detect_deletions
    elif isinstance(source, CrawlSource):
        pages = archive.known_pages()
        source.known_pages = pages
        validators = archive.states("crawl:validators").get("crawl:validators", {})
        source.validators = {url: tuple(pair) for url, pair in validators.items() if url in pages}
        if detect_deletions:
            source.known_items = archive.live_ids()["item"]
    elif isinstance(source, WXRSource) and detect_deletions:
        source.known = archive.live_ids()


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
    progress: Progress | None = None,
) -> RunResult:
    """Export or sync `source` into the archive; the one entry point both commands use.

    `detect_deletions` (sync) marks what the source no longer shows; `full` re-reads
    everything even where the archive says it is unchanged.
    """
    created = not Path(archive_path).exists()
    try:
        return _run(
            source,
            archive_path,
            mapping,
            command=command,
            detect_deletions=detect_deletions,
            full=full,
            keep_history=keep_history,
            force=force,
            progress=progress,
        )
    except WPMigrateError:
        if created:
            discard_if_empty(Path(archive_path))
        raise


def _run(
    source: Source,
    archive_path: str | Path,
    mapping: Mapping,
    *,
    command: str,
    detect_deletions: bool,
    full: bool,
    keep_history: bool,
    force: bool,
    progress: Progress | None,
) -> RunResult:
    with Archive.open(archive_path, create=command == "export") as archive:
        site = archive.site()
        if command == "sync" and site is None:
            raise ArchiveError(
                f"{archive_path} has no source recorded: run `wpmigrate export` first"
            )
        archive.keep_history = keep_history
        if not full:
            prepare_incremental(source, archive, detect_deletions=detect_deletions)
        expected = None if force or site is None else site["url"]
        exporter = Exporter(archive, mapping, progress, expected_site_url=expected)
        result = exporter.run(source, command)
        with archive.transaction():  # so that a later sync applies the same mapping
            user_files = [str(Path(f).resolve()) for f in mapping.files[1:]]
            archive.set_state("mapping", {"files": user_files})
        return result
