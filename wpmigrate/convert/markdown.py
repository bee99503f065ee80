"""`convert --to markdown`: one Markdown file with front matter per item, incrementally.

The items are laid out first (every path known before any file is written, so links between
items can point at their new paths), then streamed from the archive: an item whose digest,
links and options match the manifest is left alone; the others are rendered and written
atomically. Items the archive marks deleted lose their file (or, with `keep_deleted`, keep
it marked `deleted`); items no longer selected (unpublished, another type) lose theirs too.
Only files the manifest lists are ever replaced or removed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import Any

from ..archive.item_reader import ArchiveReader, ItemRecord, Selection
from ..errors import WPMigrateError
from ..progress import Progress
from . import frontmatter
from .body import footnotes_of, to_markdown
from .layout import Layout
from .links import LinkMap, site_hosts
from .manifest import NAME as MANIFEST_NAME
from .manifest import Entry, Manifest, digest

FORMAT_VERSION = 1  # bump when the output changes for the same input
BATCH = 2000  # files written between two saves of the manifest


@dataclass(frozen=True)
class MarkdownOptions:
    layout: Layout
    selection: Selection = field(default_factory=Selection)
    front_matter: str = "yaml"
    media_dir: Path | None = None
    link_style: str = "url"
    keep_deleted: bool = False

    def fingerprint(self) -> str:
        return digest(
            FORMAT_VERSION,
            version("html-to-markdown"),
            self.layout.pattern,
            self.front_matter,
            str(self.media_dir.resolve()) if self.media_dir else None,
            self.link_style,
        )


@dataclass
class ConvertReport:
    items: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    marked_deleted: int = 0
    files_copied: int = 0
    conflicts: list[str] = field(default_factory=list)


def convert_to_markdown(
    archive: str | Path,
    folder: str | Path,
    options: MarkdownOptions,
    progress: Progress | None = None,
) -> ConvertReport:
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise WPMigrateError(f"{folder} is not a folder")
    with ArchiveReader(archive) as reader:
        reader.check_types(options.selection)
        manifest = Manifest.load(folder)
        site = reader.site().get("url") or ""
        if manifest.items and manifest.site != site:
            # Its files would all look like deleted items of this archive, and be removed.
            raise WPMigrateError(
                f"{folder} holds a conversion of another site ({manifest.site or 'unknown'}); "
                "convert into another folder"
            )
        manifest.site = site
        source = _source_state(reader.path, options)
        if manifest.source == source and manifest.all_present():
            # The archive file has not changed since a run that left every file in place.
            live = sum(not e.deleted for e in manifest.items.values())
            return ConvertReport(items=live, unchanged=live)
        return _Writer(reader, folder, options, manifest, source).run(progress)


def _source_state(archive: Path, options: MarkdownOptions) -> str:
    """Which archive file, its size and modification time (its WAL's too), and the options."""
    stats = []
    for path in (archive, archive.with_name(archive.name + "-wal")):
        if path.exists():
            stat = path.stat()
            stats.append((stat.st_size, stat.st_mtime_ns))
    return digest(
        str(archive.resolve()),
        stats,
        options.fingerprint(),
        options.selection,
        options.keep_deleted,
    )


class _Writer:
    def __init__(
        self,
        reader: ArchiveReader,
        folder: Path,
        options: MarkdownOptions,
        manifest: Manifest,
        source: str,
    ):
        self.reader = reader
        self.folder = folder
        self.options = options
        self.report = ConvertReport()
        self.site = reader.site()
        self.terms = reader.terms()
        self.authors = reader.authors()
        self.media = reader.media()
        self.folder_abs = folder.resolve()
        self.made_dirs: set[Path] = set()
        self.manifest = manifest
        self.source = source
        self.rewrite_all = self.manifest.options != options.fingerprint()
        self.manifest.options = options.fingerprint()
        self.links = LinkMap(site_hosts(self.site.get("url")), style=options.link_style)
        self.media_prefix = ""
        if options.media_dir is not None:
            self._add_files(reader)
        self.current: dict[int, str] = {}  # the path of each item selected now
        self._taken: set[str] | None = None  # their paths and copied files (see _remove)

    def _add_files(self, reader: ArchiveReader) -> None:
        root = self.options.media_dir.resolve()
        for row in self.media.values():
            if row.get("local_path") and row.get("sha256") and row.get("url"):
                self.links.add_file(row["url"], str(root / row["local_path"]))
        for url, local_path in reader.linked_files().items():
            self.links.add_file(url, str(root / local_path))
        # Links `export --rewrite-links` already pointed at the copies (relative to the archive)
        self.media_prefix = os.path.relpath(root, self.reader.path.resolve().parent) + "/"

    def run(self, progress: Progress | None) -> ConvertReport:
        keys = list(self.reader.item_keys(self.options.selection))
        paths = self.options.layout.assign(keys)
        self.current = {item_id: str(path) for item_id, path in paths.items()}
        for item in keys:
            self.links.add_item(item, paths[item["id"]])
        self.report.items = len(keys)
        if progress:
            progress.set_total(len(keys))
        foreign = self._foreign_files(paths)
        pending: list[tuple[ItemRecord, PurePosixPath]] = []
        for record in self.reader.items(self.options.selection):
            path = paths[record.id]
            if str(path) in foreign:
                self.report.conflicts.append(str(path))
            elif self._unchanged(record, path):
                self.report.unchanged += 1
            else:
                pending.append((record, path))
                if len(pending) >= BATCH:
                    self._write_batch(pending)
                    pending = []
            if progress:
                progress.advance()
        self._write_batch(pending)
        self._retire(set(paths))  # the ids selected now
        report = self.report
        source = "" if report.conflicts else self.source
        touched = report.written or report.removed or report.marked_deleted
        if touched or source != self.manifest.source or not (self.folder / MANIFEST_NAME).exists():
            self.manifest.source = source
            self.manifest.save()
        return report

    # -- deciding ---------------------------------------------------------------------------

    def _foreign_files(self, paths: dict[int, PurePosixPath]) -> set[str]:
        """Target paths where a file exists that convert did not write: left alone."""
        owned = self.manifest.owned()
        return {
            str(p) for p in paths.values() if str(p) not in owned and (self.folder / p).exists()
        }

    def _digest(self, record: ItemRecord, path: PurePosixPath) -> str:
        row = record.row
        featured = self.media.get(row["featured_media_id"] or -1)
        author = self.authors.get(row["author_id"] or -1)
        terms = [self.terms.get(t) for t in record.terms]
        html = row["content_html"] or ""
        return digest(
            str(path),
            [v for k, v in row.items() if k not in ("content_html", "content_text")],
            hashlib.blake2b(html.encode("utf-8"), digest_size=16).digest(),
            terms,
            record.fields,
            record.event,
            record.mapped,
            featured,
            author,
        )

    def _unchanged(self, record: ItemRecord, path: PurePosixPath) -> bool:
        entry = self.manifest.items.get(record.id)
        if self.rewrite_all or entry is None or entry.deleted or entry.path != str(path):
            return False
        if entry.digest != self._digest(record, path):
            return False
        if not (self.folder / path).is_file():
            return False
        resolve = _Resolver(self, path)
        return all((resolve(url) or "") == was for url, was in entry.refs.items())

    # -- writing ----------------------------------------------------------------------------

    def _write_batch(self, batch: list[tuple[ItemRecord, PurePosixPath]]) -> None:
        if not batch:
            return
        for record, path in batch:  # listed before written: a killed run knows its files
            old = self.manifest.items.get(record.id)
            if old is not None and old.path != str(path):
                self._remove(old)
            self.manifest.items[record.id] = Entry(path=str(path), files=old.files if old else [])
        self.manifest.save()
        for record, path in batch:
            self._write(record, path)
            self.report.written += 1

    def _write(self, record: ItemRecord, path: PurePosixPath, *, deleted: str | None = None):
        resolve = _Resolver(self, path)
        body = to_markdown(record.row["content_html"] or "", resolve, footnotes_of(record.fields))
        featured_row = self.media.get(record.row["featured_media_id"] or -1)
        featured = None
        if featured_row and featured_row.get("url"):
            featured = resolve(featured_row["url"]) or featured_row["url"]
        alias = frontmatter.old_path(record.row["link"])
        data = frontmatter.build(
            record,
            terms=self.terms,
            authors=self.authors,
            featured=featured,
            aliases=[alias] if alias and "?" not in alias else [],
            localise=lambda value: _localised(value, resolve),
        )
        if deleted:
            data.update(deleted=deleted, draft=True)
        text = frontmatter.dump(data, self.options.front_matter) + "\n" + body
        target = self.folder / path
        if target.parent not in self.made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(target.parent)
        with open(target, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        self.report.files_copied += resolve.copy_files(self.folder)
        entry = self.manifest.items[record.id]
        stale = set(entry.files) - set(resolve.copied)
        for name in stale:
            _unlink(self.folder, name)
        entry.files = sorted(resolve.copied)
        entry.refs = resolve.refs
        entry.digest = self._digest(record, path)
        entry.deleted = bool(deleted)

    def _retire(self, current: set[int]) -> None:
        """Items written before and not selected now: remove, or mark if deleted and asked."""
        gone = [i for i in self.manifest.items if i not in current]
        if not gone:
            return
        deleted = self.reader.deleted_item_ids() if self.options.keep_deleted else set()
        taken = set(self.current.values())
        # A deleted item is kept only while no item selected now has taken its path.
        mark = {i for i in gone if i in deleted and self.manifest.items[i].path not in taken}
        for record in self.reader.items(Selection(deleted=True), ids=mark):
            entry = self.manifest.items[record.id]
            if entry.deleted and (self.folder / entry.path).is_file():
                continue
            self._write(record, PurePosixPath(entry.path), deleted=record.row["deleted_at"])
            self.report.marked_deleted += 1
        for item_id in gone:
            if item_id not in mark:
                self._remove(self.manifest.items.pop(item_id))
                self.report.removed += 1

    def _remove(self, entry: Entry) -> None:
        """Remove an entry's files, except those an item selected now has taken over (a
        new item with a deleted item's slug, two items that swapped slugs)."""
        if self._taken is None:
            self._taken = set(self.current.values())
            for item_id in self.current:
                if item_id in self.manifest.items:
                    self._taken.update(self.manifest.items[item_id].files)
        for name in [entry.path, *entry.files]:
            if name not in self._taken:
                _unlink(self.folder, name)


class _Resolver:
    """Rewrites one item's links; remembers what each became and what to copy beside it."""

    def __init__(self, writer: _Writer, path: PurePosixPath):
        self.links = writer.links
        self.path = path
        self.bundle = writer.options.layout.is_bundle
        self.media_prefix = writer.media_prefix
        self.media_root = writer.options.media_dir
        self.folder_abs = writer.folder_abs
        self.refs: dict[str, str] = {}
        self.copies: dict[str, str] = {}  # name next to the item -> local file
        self.copied: list[str] = []

    def __call__(self, url: str) -> str | None:
        new = self._resolve(url)
        self.refs[url] = new or ""  # unresolved too: a file downloaded later changes it
        return new

    def _resolve(self, url: str) -> str | None:
        page = self.links.page(url)
        if page is not None:
            return self.links.href(page[1], self.path, url.partition("#")[2])
        local = self.links.file(url)
        if local is None and self.media_prefix and url.startswith(self.media_prefix):
            local = str(self.media_root.resolve() / url[len(self.media_prefix) :])
        if local is None:
            return None
        if self.bundle:
            name = _bundle_name(local, self.copies)
            self.copies[name] = local
            return name
        return Path(os.path.relpath(local, self.folder_abs / self.path.parent)).as_posix()

    def copy_files(self, folder: Path) -> int:
        """Copy (hard-link when possible) the bundle's files next to its page."""
        copied = 0
        for name, local in self.copies.items():
            target = folder / self.path.parent / name
            self.copied.append(str(self.path.parent / name))
            if target.exists() and target.stat().st_size == os.path.getsize(local):
                continue
            if not os.path.isfile(local):
                continue
            target.unlink(missing_ok=True)
            try:
                os.link(local, target)
            except OSError:
                shutil.copyfile(local, target)
            copied += 1
        return copied


def _bundle_name(local: str, taken: dict[str, str]) -> str:
    name = os.path.basename(local)
    stem, dot, suffix = name.rpartition(".")
    n = 1
    while taken.get(name, local) != local:
        n += 1
        name = f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}"
    return name


def _localised(value: Any, resolve: Callable[[str], str | None]) -> Any:
    """Field values with media URLs pointing at the local copies."""
    if isinstance(value, str):
        if value.startswith(("http://", "https://")):
            return resolve(value) or value
        return value
    if isinstance(value, list):
        return [_localised(v, resolve) for v in value]
    if isinstance(value, dict):
        return {k: _localised(v, resolve) for k, v in value.items()}
    return value


def _unlink(folder: Path, name: str) -> None:
    """Remove a file convert wrote, and the folders under `folder` it leaves empty."""
    path = folder / name
    path.unlink(missing_ok=True)
    parent = path.parent
    try:
        while parent != folder and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    except OSError:
        pass
