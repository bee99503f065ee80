"""`convert --to jsonl`: one JSON object per item, streamed, for scripts and import tools.

Each line holds every `items` column, the author, the terms by taxonomy (id, name, slug), the
fields (decoded JSON), the featured image, the item's media rows, its comments, its event and
its mapped-table columns (under `mapped`, by table). Lines are written as the archive is
read, so memory stays flat and a consumer can start before the end.
"""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from typing import Any, TextIO

from ..archive.item_reader import ArchiveReader, Selection
from ..errors import WPMigrateError
from ..progress import Progress


def write_jsonl(
    archive: str,
    target: str,
    selection: Selection,
    progress: Progress | None = None,
) -> int:
    """Write the selected items to the file `target` (`-`: stdout); returns how many.

    The archive is opened first: a bad archive leaves no empty output file behind.
    """
    with ArchiveReader(archive) as reader:
        reader.check_types(selection)
        with open_output(target) as out:
            return _write(reader, out, selection, progress)


def open_output(target: str) -> Any:
    """The file to write (UTF-8, `\\n` line ends), or stdout for `-`; a clear error if not."""
    if target == "-":
        return nullcontext(sys.stdout)
    try:
        return open(target, "w", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise WPMigrateError(f"cannot write {target}: {exc.strerror}") from None


def _write(
    reader: ArchiveReader, out: TextIO, selection: Selection, progress: Progress | None
) -> int:
    terms = reader.terms()
    authors = reader.authors()
    media = reader.media()
    count = 0
    for record in reader.items(selection, with_comments=True):
        row = record.row
        grouped: dict[str, list[dict[str, Any]]] = {}
        for term_id in record.terms:
            term = terms.get(term_id)
            if term is not None:
                grouped.setdefault(term["taxonomy"], []).append(
                    {"id": term["id"], "name": term["name"], "slug": term["slug"]}
                )
        line = {
            **row,
            "author": authors.get(row["author_id"]),
            "terms": grouped,
            "fields": record.fields,
            "featured_media": media.get(row["featured_media_id"]),
            "media": record.attachments,
            "comments": record.comments,
            "event": record.event,
            "mapped": record.mapped,
        }
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
        if progress:
            progress.advance()
    return count
