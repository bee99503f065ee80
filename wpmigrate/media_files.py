"""Download the site's files next to the archive: `wpmigrate export/sync … --media DIR`.

Every live media row's file, and every file under `/wp-content/uploads/` that content links
to on the site's hosts, lands in DIR with WordPress's layout (`2024/03/report.pdf`). The
`media` rows (and `linked_files` for the rest) record `local_path`, `sha256`, `size` and the
served `mime`, plus the ETag/Last-Modified the server sent.

* **Bounded and streamed**: `concurrency` downloads at once, each written in 64 KiB chunks
  to `DIR/.wpmigrate-partial/<hash>.part`, renamed into place only when complete.
* **Resumable**: a partial file left by a killed run is continued with `Range` +
  `If-Range` (the server must still have the same file), else fetched again.
* **Cheap re-runs**: a file whose media row is unchanged since it was fetched, and whose
  bytes on disk still have the recorded size and sha256, costs *no request at all*. A file
  that is on disk but whose row changed is asked for with `If-None-Match` /
  `If-Modified-Since`: a 304 downloads nothing.
* **Safety**: names go through `safe_paths` (no `..`, no absolute paths, no symlinks, no
  NUL or Windows device names, bounded length); only the site's host, the hosts the source
  names for its attachments and the hosts given with `--media-host` are fetched, redirects
  included; a size cap, and a content-type
  check (an HTML page where a PDF should be is a login wall or a soft 404, not the file).
* A failed download is counted (`runs.counts.files.failed`), recorded in `file_error`, and
  reported; it never stops the others or undoes the export, but the command then exits 3.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import os
import re
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import requests

from .archive import Archive, WriteCounts
from .errors import WPMigrateError
from .safe_paths import (
    UnsafePathError,
    inside,
    make_parents,
    open_for_read,
    open_for_write,
    safe_relative_path,
    with_suffix_tag,
)
from .sources.http import HttpClient
from .values import int_or

UPLOADS = "/wp-content/uploads/"
PARTIAL_DIR = ".wpmigrate-partial"
CHUNK = 1 << 16
MAX_REDIRECTS = 5
DEFAULT_MAX_FILE_SIZE = 1 << 30
_LOOSE_TYPES = {"application/octet-stream", "binary/octet-stream", "application/x-download"}


@dataclass
class MediaOptions:
    """What `--media`, `--media-host`, `--max-file-size` and `--rewrite-links` ask for."""

    directory: Path
    hosts: tuple[str, ...] = ()  # CDN hosts allowed besides the site's own
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    rewrite_links: bool = False
    concurrency: int = 4


@dataclass
class _Task:
    """One file to make sure of: a media row (`media_id`) or a linked file (`url` only)."""

    url: str
    media_id: int | None = None
    item_id: int | None = None
    candidates: tuple[str, ...] = ()  # relative paths to try, best first
    expected_mime: str = ""
    row_hash: str | None = None  # the media row's content_hash now
    before: dict[str, Any] = field(default_factory=dict)  # what the last download recorded
    target: PurePosixPath | None = None
    fallback_dir: PurePosixPath | None = None  # no name in the URL: Content-Disposition's


@dataclass
class _Outcome:
    task: _Task
    status: str  # downloaded | unchanged | not_modified | failed | refused
    local_path: str | None = None
    sha256: str | None = None
    size: int | None = None
    mime: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str = ""
    bytes: int = 0


@dataclass
class FilesReport:
    """What `download_files` did, for the summary line."""

    counts: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    bytes: int = 0
    seconds: float = 0.0
    requests: int = 0
    rewritten: int = 0

    @property
    def files_per_second(self) -> float:
        done = self.counts.get("downloaded", 0)
        return done / self.seconds if self.seconds else 0.0


def download_into(
    archive_path: str | os.PathLike[str],
    run_id: int,
    options: MediaOptions,
    *,
    client: HttpClient | None = None,
) -> FilesReport:
    """Download the files of the archive's media into `options.directory` after run `run_id`.

    The counts go into that run's `runs.counts` under `files`.
    """
    with Archive.open(archive_path, create=False) as archive:
        report = download_files(archive, options, client=client)
        counts = WriteCounts()
        for outcome, n in report.counts.items():
            counts.add("files", outcome, n)
        counts.add("files", "bytes", report.bytes)
        counts.add("files", "requests", report.requests)
        if report.rewritten:
            counts.add("files", "items_rewritten", report.rewritten)
        archive.add_run_counts(run_id, counts)
    return report


def download_files(
    archive: Archive, options: MediaOptions, *, client: HttpClient | None = None
) -> FilesReport:
    site = archive.site() or {}
    if not site.get("url"):
        raise WPMigrateError("the archive has no site URL: export it before downloading files")
    root = options.directory
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WPMigrateError(f"cannot create the media folder {root}: {exc.strerror}") from None
    if not root.is_dir():
        raise WPMigrateError(f"{root} is not a folder")
    hosts = allowed_hosts(site["url"], [*options.hosts, *attachment_hosts(archive)])
    http = client or HttpClient(concurrency=options.concurrency, retries=2)
    requests_before = http.requests
    downloader = _Downloader(root.resolve(), hosts, options, http)
    report = FilesReport()
    started = time.monotonic()
    media_rows, linked_rows = [], []
    tasks = list(_plan(archive, site["url"], hosts))
    downloader.assign_targets(tasks)
    for outcome in downloader.run(tasks):
        report.counts[outcome.status] = report.counts.get(outcome.status, 0) + 1
        report.bytes += outcome.bytes
        if outcome.status in ("failed", "refused"):
            report.failures.append((outcome.task.url, outcome.error))
        row = _row(outcome)
        if outcome.task.media_id is not None:
            media_rows.append(row)
        else:
            linked_rows.append(row)
        if len(media_rows) + len(linked_rows) >= 200:
            archive.record_files(media_rows, linked_rows)
            media_rows, linked_rows = [], []
    archive.record_files(media_rows, linked_rows)
    report.seconds = time.monotonic() - started
    report.requests = http.requests - requests_before
    if options.rewrite_links:
        report.rewritten = rewrite_links(archive, root, site["url"], hosts)
    return report


# -- what to fetch ------------------------------------------------------------------------------


def allowed_hosts(site_url: str, extra: Iterable[str]) -> set[str]:
    """Lower-case `host[:port]` values downloads may come from.

    The site's host and its `www.` twin (`example.org` and `www.example.org` are one site,
    as `pipeline.same_site` has it), plus the `--media-host` values.
    """
    site = urlsplit(site_url).netloc.lower()
    hosts = {site, site.removeprefix("www.") if site.startswith("www.") else "www." + site}
    for host in extra:
        host = host.strip().lower()
        hosts.add(urlsplit(host).netloc if "//" in host else host.strip("/"))
    hosts.discard("")
    return hosts


def attachment_hosts(archive: Archive) -> set[str]:
    """The hosts the source itself names for its media files (WXR `wp:attachment_url`, REST
    `source_url`): a WordPress.com, CDN or S3-offload host is the site's file host."""
    hosts = set()
    for row in archive.media_for_download():
        parts = urlsplit(row["url"])
        if parts.scheme in ("http", "https"):
            hosts.add(parts.netloc.lower().rsplit("@", 1)[-1])
    return hosts


def host_allowed(url: str, hosts: set[str]) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    netloc = parts.netloc.lower().rsplit("@", 1)[-1]  # no credentials in file URLs
    return netloc in hosts or (parts.hostname or "") in hosts


def _plan(archive: Archive, site_url: str, hosts: set[str]) -> Iterator[_Task]:
    """Media rows first (by id), then files linked from content (by URL)."""
    media_urls: set[str] = set()
    for row in archive.media_for_download():
        url = row["url"]
        media_urls.add(url)
        yield _Task(
            url=url,
            media_id=row["id"],
            candidates=_candidates(url, row.get("file") or ""),
            expected_mime=row.get("mime_type") or "",
            row_hash=row.get("content_hash"),
            before=row,
        )
    known = archive.linked_files()
    found: dict[str, int | None] = {url: row.get("item_id") for url, row in known.items()}
    for item_id, html in archive.html_mentioning(UPLOADS):
        for url in upload_links(html, site_url, hosts):
            found.setdefault(url, item_id)
    for url in sorted(found):
        if url in media_urls:
            continue
        yield _Task(
            url=url,
            item_id=found[url],
            candidates=_candidates(url, ""),
            expected_mime=mimetypes.guess_type(urlsplit(url).path)[0] or "",
            before=known.get(url, {}),
        )


_URL = re.compile(r"""(?:https?:)?//[^\s"'<>()\\,]+|/wp-content/uploads/[^\s"'<>()\\,]+""")


def upload_links(html: str, site_url: str, hosts: set[str]) -> list[str]:
    """Absolute URLs of files under /wp-content/uploads/ on allowed hosts in `html`.

    srcset lists are split on commas, so every size of an image is found.
    """
    links = []
    for match in _URL.finditer(html):
        url = urljoin(site_url, match.group(0).replace("&amp;", "&"))
        parts = urlsplit(url)
        if UPLOADS in parts.path and host_allowed(url, hosts):
            links.append(urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")))
    return links


def _candidates(url: str, attached_file: str) -> tuple[str, ...]:
    """Where a file goes, best first: WordPress's own layout, then anything usable."""
    path = unquote(urlsplit(url).path)
    found = []
    if "/uploads/" in path:
        found.append(path.split("/uploads/", 1)[1])
    if attached_file:
        found.append(attached_file)
    found.append(path)
    return tuple(found)


# -- downloading ---------------------------------------------------------------------------------


class _Downloader:
    def __init__(self, root: Path, hosts: set[str], options: MediaOptions, http: HttpClient):
        self.root = root
        self.hosts = hosts
        self.options = options
        self.http = http
        self.partial = root / PARTIAL_DIR
        self.claimed: dict[PurePosixPath, str] = {}

    def assign_targets(self, tasks: list[_Task]) -> None:
        """Give each task its own path; the second of two clashing names gets a tag."""
        for task in tasks:
            target = None
            for candidate in task.candidates:
                target = safe_relative_path(candidate)
                if target is not None:
                    break
            if target is None:
                # No name in the URL (`/?attachment_id=5`): a folder of its own, where the
                # name the server gives (Content-Disposition) goes.
                target = PurePosixPath(f"media-{task.media_id}" if task.media_id else "file")
                task.fallback_dir = target
                recorded = safe_relative_path(task.before.get("local_path") or "")
                if recorded is not None and recorded.parent == target:
                    target = recorded
            key = _key(target)
            owner = self.claimed.get(key)
            if owner is not None and owner != task.url:
                tag = str(task.media_id) if task.media_id else _digest(task.url)[:8]
                target = with_suffix_tag(target, tag)
                key = _key(target)
            self.claimed[key] = task.url
            task.target = target

    def run(self, tasks: list[_Task]) -> Iterator[_Outcome]:
        """Outcomes as they finish, with at most `concurrency` files in flight."""
        width = max(1, self.options.concurrency)
        pending = iter(tasks)
        with ThreadPoolExecutor(max_workers=width) as pool:
            running: set[Future[_Outcome]] = set()
            for task in pending:
                running.add(pool.submit(self.fetch, task))
                if len(running) >= width * 2:
                    done, running = wait(running, return_when=FIRST_COMPLETED)
                    yield from (f.result() for f in done)
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)

    def fetch(self, task: _Task) -> _Outcome:
        try:
            return self._fetch(task)
        except requests.RequestException as exc:  # before OSError: it is one
            return _Outcome(
                task, "failed", error=f"download broke off ({type(exc).__name__}); resumes next run"
            )
        except (UnsafePathError, OSError) as exc:
            return _Outcome(task, "failed", error=f"cannot write the file: {exc}")
        except WPMigrateError as exc:
            return _Outcome(task, "failed", error=str(exc))

    def _fetch(self, task: _Task) -> _Outcome:
        if not host_allowed(task.url, self.hosts):
            return _Outcome(task, "refused", error="not a host of the site (see --media-host)")
        assert task.target is not None
        final = inside(self.root, task.target)
        on_disk = self._intact(final, task)
        if (
            on_disk
            and task.media_id is not None
            and task.before.get("file_row_hash") == task.row_hash
        ):
            return self._kept(task, "unchanged")
        if on_disk and task.media_id is None:
            return self._kept(task, "unchanged")  # linked files have no row to compare
        headers = {"Accept-Encoding": "identity"}
        if on_disk:
            headers.update(_conditional(task.before))
        partial, sidecar = self._partial_paths(task.url)
        offset = self._resume_from(partial, sidecar, task.url)
        if offset and not on_disk:
            headers["Range"] = f"bytes={offset}-"
            validator = _read_note(sidecar).get("validator")
            headers["If-Range"] = validator
        response = self._get(task.url, headers)
        try:
            if response.status_code == 304 and on_disk:
                return self._kept(task, "not_modified", response)
            if response.status_code == 416 and offset:
                _remove(partial, sidecar)
                response.close()
                return self._fetch(task)
            if response.status_code not in (200, 206):
                return _Outcome(task, "failed", error=f"HTTP {response.status_code}")
            return self._save(task, response, partial, sidecar, offset)
        finally:
            response.close()

    def _get(self, url: str, headers: dict[str, str]) -> requests.Response:
        """GET without following redirects blindly: every hop must stay on allowed hosts."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self.http.get(url, headers=headers, stream=True, allow_redirects=False)
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            location = response.headers.get("Location", "")
            response.close()
            url = urljoin(url, location)
            if not location or not host_allowed(url, self.hosts):
                raise WPMigrateError(f"redirected off the site to {urlsplit(url).netloc or '?'}")
        raise WPMigrateError("too many redirects")

    def _save(
        self, task: _Task, response: requests.Response, partial: Path, sidecar: Path, offset: int
    ) -> _Outcome:
        mime = (response.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        problem = _type_problem(mime, task.expected_mime or _guess(task.target))
        if problem:
            return _Outcome(task, "refused", error=problem)
        encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
        length = None if encoded else int_or(response.headers.get("Content-Length"), None)
        resuming = response.status_code == 206 and offset and _range_start(response) == offset
        if response.status_code == 206 and not resuming:
            _remove(partial, sidecar)
            return _Outcome(task, "failed", error="the server sent a part we did not ask for")
        start = offset if resuming else 0
        limit = self.options.max_file_size
        if length is not None and start + length > limit:
            return _Outcome(task, "refused", error=f"larger than --max-file-size ({limit:,} B)")
        digest = hashlib.sha256()
        make_parents(self.root, PurePosixPath(PARTIAL_DIR, partial.name))
        if resuming:
            with open_for_read(partial) as done:
                for chunk in iter(lambda: done.read(CHUNK), b""):
                    digest.update(chunk)
        validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
        if validator:
            with open_for_write(sidecar) as note:
                note.write(json.dumps({"url": task.url, "validator": validator}).encode())
        size, received = start, 0
        with open_for_write(partial, append=bool(resuming)) as out:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                received += len(chunk)
                if size > limit:
                    out.close()
                    _remove(partial, sidecar)
                    return _Outcome(
                        task, "refused", error=f"larger than --max-file-size ({limit:,} B)"
                    )
                digest.update(chunk)
                out.write(chunk)
        if length is not None and received != length:
            return _Outcome(task, "failed", error=f"cut short at {size:,} bytes", bytes=received)
        assert task.target is not None
        offered = content_disposition_name(response.headers.get("Content-Disposition", ""))
        named = safe_relative_path(offered)
        if task.fallback_dir is not None and named is not None:
            task.target = task.fallback_dir / named.name
        make_parents(self.root, task.target)
        final = inside(self.root, task.target)
        if final.is_dir():
            return _Outcome(task, "failed", error=f"{task.target} is a folder")
        os.replace(partial, final)  # replaces a planted symlink itself, never its target
        _remove(sidecar)
        return _Outcome(
            task,
            "downloaded",
            local_path=str(task.target),
            sha256=digest.hexdigest(),
            size=size,
            mime=mime or None,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            bytes=received,
        )

    def _intact(self, final: Path, task: _Task) -> bool:
        """The recorded file is at the target, a regular file, with its size and sha256."""
        before = task.before
        if not before.get("sha256") or before.get("local_path") != str(task.target):
            return False
        try:
            info = os.lstat(final)
        except OSError:
            return False
        if not os.path.isfile(final) or os.path.islink(final) or info.st_size != before.get("size"):
            return False
        return _sha256(final) == before["sha256"]

    def _kept(
        self, task: _Task, status: str, response: requests.Response | None = None
    ) -> _Outcome:
        before = task.before
        headers = response.headers if response is not None else {}
        return _Outcome(
            task,
            status,
            local_path=before.get("local_path"),
            sha256=before.get("sha256"),
            size=before.get("size"),
            mime=before.get("mime"),
            etag=headers.get("ETag") or before.get("file_etag"),
            last_modified=headers.get("Last-Modified") or before.get("file_last_modified"),
        )

    def _partial_paths(self, url: str) -> tuple[Path, Path]:
        name = _digest(url)[:40]
        return self.partial / f"{name}.part", self.partial / f"{name}.json"

    def _resume_from(self, partial: Path, sidecar: Path, url: str) -> int:
        """Bytes already fetched of `url` by an earlier run, if the server can go on from there."""
        try:
            note = _read_note(sidecar)
            size = os.lstat(partial).st_size
        except (OSError, ValueError):
            return 0
        if note.get("url") != url or not note.get("validator") or os.path.islink(partial):
            return 0
        return size


def _read_note(sidecar: Path) -> dict[str, Any]:
    """A partial download's sidecar (its URL and validator), never read through a link."""
    with open_for_read(sidecar) as stream:
        note = json.loads(stream.read(64 * 1024))
    return note if isinstance(note, dict) else {}


def _row(outcome: _Outcome) -> dict[str, Any]:
    task = outcome.task
    ok = outcome.status in ("downloaded", "unchanged", "not_modified")
    row: dict[str, Any] = {
        "local_path": outcome.local_path if ok else task.before.get("local_path"),
        "sha256": outcome.sha256 if ok else task.before.get("sha256"),
        "size": outcome.size if ok else task.before.get("size"),
        "mime": outcome.mime if ok else task.before.get("mime"),
        "file_etag": outcome.etag if ok else task.before.get("file_etag"),
        "file_last_modified": outcome.last_modified
        if ok
        else task.before.get("file_last_modified"),
        "file_error": None if ok else outcome.error,
    }
    if task.media_id is not None:
        row["id"] = task.media_id
        row["file_row_hash"] = task.row_hash if ok else task.before.get("file_row_hash")
    else:
        row["url"] = task.url
        row["item_id"] = task.item_id
    return row


# -- rewriting links ------------------------------------------------------------------------------


def rewrite_links(archive: Archive, root: Path, site_url: str, hosts: set[str]) -> int:
    """Point `content_html` links at downloaded copies; returns how many items changed.

    Links become paths relative to the archive's folder (`media/2024/03/report.pdf`), so the
    archive and the folder can move together. Run with `--rewrite-links` on every sync: an
    item the site changed comes back with the site's URLs.
    """
    base = archive.path.parent if archive.path else Path.cwd()
    local: dict[str, str] = {}
    for row in archive.media_for_download():
        if row.get("local_path") and row.get("sha256"):
            local[_bare(row["url"])] = row["local_path"]
    for url, row in archive.linked_files().items():
        if row.get("local_path") and row.get("sha256"):
            local[_bare(url)] = row["local_path"]
    if not local:
        return 0

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        path = local.get(_bare(urljoin(site_url, found.replace("&amp;", "&"))))
        if path is None:
            return found
        target = root.joinpath(*PurePosixPath(path).parts)
        return quote(Path(os.path.relpath(target, base)).as_posix())

    htmls: dict[int, str] = {}
    for needle in [*sorted(hosts), UPLOADS]:
        for item_id, html in archive.html_mentioning(needle):
            htmls.setdefault(item_id, html)
    changes = [(i, new) for i, html in htmls.items() if (new := _URL.sub(replace, html)) != html]
    archive.set_item_html(changes)
    return len(changes)


# -- small helpers -------------------------------------------------------------------------------


def _type_problem(served: str, expected: str) -> str:
    """Why a response is not the file we asked for, or ''."""
    expected = expected.lower()
    if not served or served in _LOOSE_TYPES:
        return ""
    if served == "text/html" and expected != "text/html":
        return f"served an HTML page, not {expected or 'a file'}"
    if expected and expected not in _LOOSE_TYPES and served.split("/")[0] != expected.split("/")[0]:
        return f"served {served}, expected {expected}"
    return ""


def _guess(target: PurePosixPath | None) -> str:
    return (mimetypes.guess_type(target.name)[0] or "") if target else ""


def _conditional(before: dict[str, Any]) -> dict[str, str]:
    headers = {}
    if before.get("file_etag"):
        headers["If-None-Match"] = before["file_etag"]
    if before.get("file_last_modified"):
        headers["If-Modified-Since"] = before["file_last_modified"]
    return headers


def content_disposition_name(header: str) -> str:
    """The file name a Content-Disposition header proposes ('' if none); made safe later."""
    message = Message()
    message["content-disposition"] = header
    return message.get_filename() or ""


def _range_start(response: requests.Response) -> int | None:
    match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    return int(match.group(1)) if match else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _key(path: PurePosixPath) -> PurePosixPath:
    """Paths that clash on a case-insensitive file system clash here too."""
    return PurePosixPath(str(path).casefold())


def _bare(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path, parts.query, ""))


def _remove(*paths: Path) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
