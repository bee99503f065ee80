"""What an old URL becomes: another item's new path, or the local copy of a file.

Links are matched on their path and query, for any scheme and for the site's host with or
without `www.` (a site moved to https still links to itself over http). Items are found by
their permalink and by the `?p=`, `?page_id=` and `?post_type=…&p=` forms WordPress also
answers, and, as WordPress guesses a mistyped permalink, by a last path segment that is the
slug of exactly one item (`/2018/11/03/block-button/` for a post dated the 2nd); files by
their media URL and by linked-file URLs that `--media` downloaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from .layout import url_for

LINK_STYLES = ("url", "file")
_SLASHES_RE = re.compile(r"//+")


def site_hosts(site_url: str | None) -> set[str]:
    host = (urlsplit(site_url or "").hostname or "").lower()
    if not host:
        return set()
    bare = host.removeprefix("www.")
    return {bare, f"www.{bare}"}


def key(url: str, hosts: set[str]) -> str | None:
    """The lookup key of a URL on the site (decoded path, and query), or None if off-site."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("", "http", "https"):
        return None
    if parts.netloc:
        if (parts.hostname or "").lower() not in hosts:
            return None
    elif not parts.path.startswith("/"):
        return None  # a relative link: nothing to match it against
    path = _SLASHES_RE.sub("/", unquote(parts.path)) or "/"
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return path + (f"?{parts.query}" if parts.query else "")


def item_keys(item: dict[str, Any], hosts: set[str]) -> list[str]:
    """Every key WordPress answers for this item."""
    keys = [k for k in [key(item.get("link") or "", hosts)] if k]
    item_id, kind = item["id"], item.get("type")
    keys.append(f"/?p={item_id}")
    if kind == "page":
        keys.append(f"/?page_id={item_id}")
    elif kind not in (None, "post"):
        keys.append(f"/?post_type={kind}&p={item_id}")
    return list(dict.fromkeys(keys))


@dataclass
class LinkMap:
    """Old URL -> new location, for the items being written and the downloaded files."""

    hosts: set[str]
    pages: dict[str, PurePosixPath] = field(default_factory=dict)  # key -> item's file
    files: dict[str, str] = field(default_factory=dict)  # key -> absolute local file
    slugs: dict[str, PurePosixPath | None] = field(default_factory=dict)  # None: not unique
    style: str = "url"

    def add_item(self, item: dict[str, Any], path: PurePosixPath) -> None:
        for k in item_keys(item, self.hosts):
            self.pages.setdefault(k, path)
        slug = unquote(item.get("slug") or "")
        if slug:
            self.slugs[slug] = None if slug in self.slugs else path

    def add_file(self, url: str, local: str) -> None:
        k = key(url, self.hosts)
        if k:
            self.files.setdefault(k, local)

    def page(self, url: str) -> tuple[str, PurePosixPath] | None:
        """(fragment-free key, target file) of a link to an item being written."""
        base, _, _ = url.partition("#")
        k = key(base, self.hosts)
        if k is None:
            return None
        target = self.pages.get(k)
        if target is None and "?" not in k and not k.startswith("/wp-content/"):
            target = self.slugs.get(k.rstrip("/").rsplit("/", 1)[-1])
        return (k, target) if target is not None else None

    def file(self, url: str) -> str | None:
        k = key(url.partition("#")[0], self.hosts)
        return self.files.get(k) if k else None

    def href(self, target: PurePosixPath, source: PurePosixPath, fragment: str) -> str:
        """How `source` links to `target`: its new URL, or (style `file`) a relative path."""
        link = relative(target, source) if self.style == "file" else url_for(target)
        return link + (f"#{fragment}" if fragment else "")


def relative(target: PurePosixPath | str, source: PurePosixPath) -> str:
    """A POSIX path from the folder of `source` to `target` (both relative to one root)."""
    return PurePosixPath(os.path.relpath(str(target), str(source.parent) or ".")).as_posix()
