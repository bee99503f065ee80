"""Sources read a site and yield model records; they never write the archive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SourceError

if TYPE_CHECKING:  # each source is imported when opened: `wpmigrate --help` loads none
    from ..mapping import Mapping
    from .crawl import CrawlSource
    from .rest import RESTSource
    from .wxr import WXRSource

VIA_CHOICES = ("auto", "rest", "crawl", "wxr")
REST_CONCURRENCY = 4


def is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def open_source(
    spec: str,
    mapping: Mapping,
    *,
    via: str = "auto",
    auth: tuple[str, str] | None = None,
    concurrency: int | None = None,
    delay: float = 0.0,
    notify: Callable[[str], None] | None = None,
    allow_origins: tuple[str, ...] = (),
    max_response_mb: int | None = None,
) -> WXRSource | RESTSource | CrawlSource:
    """The source that reads `spec`: a WXR file path or a site URL.

    For a URL, `via="auto"` asks the REST API first (one request) and, when it is switched
    off or absent, crawls the HTML instead, telling `notify` why; when it answers, the REST
    source starts reading (`RESTSource.start()`) while the caller opens its archive. The
    REST API is read from the origin of `spec` and `allow_origins` only; `max_response_mb`
    caps one answer.
    """
    if not is_url(spec):
        if via not in ("auto", "wxr"):
            raise SourceError(f"{spec}: --via {via} needs a site URL, not a file")
        path = Path(spec)
        if not path.exists():
            raise SourceError(f"{spec}: no such file (give a WXR export file or a site URL)")
        from .wxr import WXRSource

        return WXRSource(path, skip_types=mapping.skip_types, notify=notify)
    if via == "wxr":
        raise SourceError(f"{spec}: --via wxr needs a WXR export file, not a URL")
    if via == "crawl":
        return _crawl_source(spec, mapping, concurrency, delay, notify)
    from .rest import RESTSource
    from .rest_discovery import RestUnavailableError

    rest = RESTSource(
        spec,
        skip_types=mapping.skip_types,
        skip_taxonomies=mapping.skip_taxonomies,
        concurrency=concurrency or REST_CONCURRENCY,
        auth=auth,
        notify=notify,
        allowed_origins=allow_origins,
        max_response_bytes=max_response_mb * 1024 * 1024 if max_response_mb else None,
    )
    if via == "rest":
        return rest
    try:
        rest.site()
    except RestUnavailableError as exc:
        if notify is not None:
            notify(
                f"wpmigrate: the REST API of {spec} is not available "
                f"({exc.http_reason or exc}); crawling its HTML instead"
            )
        return _crawl_source(spec, mapping, concurrency, delay, notify)
    rest.start()  # the first requests of the run go out while the caller opens its archive
    return rest


def _crawl_source(
    spec: str,
    mapping: Mapping,
    concurrency: int | None,
    delay: float,
    notify: Callable[[str], None] | None,
) -> CrawlSource:
    from .crawl import DEFAULT_CONCURRENCY as CRAWL_CONCURRENCY
    from .crawl import CrawlSource

    return CrawlSource(
        spec,
        skip_types=mapping.skip_types,
        skip_taxonomies=mapping.skip_taxonomies,
        concurrency=concurrency or CRAWL_CONCURRENCY,
        delay=delay,
        notify=notify,
    )
