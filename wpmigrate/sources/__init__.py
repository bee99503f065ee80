"""Sources read a site and yield model records; they never write the archive."""

from __future__ import annotations

from pathlib import Path

from ..errors import SourceError
from ..mapping import Mapping
from .rest import RESTSource
from .wxr import WXRSource

VIA_CHOICES = ("auto", "rest", "wxr")


def is_url(spec: str) -> bool:
    return spec.startswith(("http://", "https://"))


def open_source(
    spec: str,
    mapping: Mapping,
    *,
    via: str = "auto",
    auth: tuple[str, str] | None = None,
    concurrency: int = 4,
) -> WXRSource | RESTSource:
    """The source that reads `spec`: a WXR file path or a site URL."""
    if not is_url(spec):
        if via not in ("auto", "wxr"):
            raise SourceError(f"{spec}: --via {via} needs a site URL, not a file")
        path = Path(spec)
        if not path.exists():
            raise SourceError(f"{spec}: no such file (give a WXR export file or a site URL)")
        return WXRSource(path, skip_types=mapping.skip_types)
    if via == "wxr":
        raise SourceError(f"{spec}: --via wxr needs a WXR export file, not a URL")
    return RESTSource(
        spec,
        skip_types=mapping.skip_types,
        skip_taxonomies=mapping.skip_taxonomies,
        concurrency=concurrency,
        auth=auth,
    )
