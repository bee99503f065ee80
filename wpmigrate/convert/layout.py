"""Where each item goes: `--layout` patterns, safe file names, unique paths, new URLs.

A pattern such as `{type}/{slug}.md` or `content/{type}/{year}/{month}/{slug}/index.md` is
filled from the item. Every value is made a safe path segment: percent-encoded slugs are
decoded, characters Windows or macOS refuse (`<>:"/\\|?*`, control characters) become `-`,
leading dots and trailing dots or spaces go, Windows device names (`CON`, `LPT1`…) get a `_`,
and an empty value falls back to the item id, so no slug can climb out of the folder
(`../`) or name a hidden file. Paths are unique ignoring case (two items never share a file
on a case-insensitive disk): a clash gets `-<id>` after the slug.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import WPMigrateError

DEFAULT_LAYOUT = "{type}/{slug}.md"
PLACEHOLDERS = {
    "type": "the post type (post, page, publication…)",
    "slug": "the item's slug (its id when it has none)",
    "id": "the WordPress id",
    "year": "the year of its date (site time)",
    "month": "the month, 01-12",
    "day": "the day, 01-31",
    "path": "the path of its original link (about-us/our-team), or its slug",
    "status": "publish, draft, private…",
}
# Folders that hold content without being part of its URL (Hugo, Astro, Eleventy).
CONTENT_ROOTS = (("src", "content"), ("content",), ("src", "pages"), ("src",))
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")
BUNDLE_NAMES = ("index", "_index")

_UNSAFE_RE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(10)}
MAX_SEGMENT = 120
_PLAIN_SEGMENT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,100}(?:\.[a-z0-9]{1,10})?$")


class LayoutError(WPMigrateError):
    """A --layout pattern that cannot be used."""


@dataclass(frozen=True)
class Layout:
    """A validated path pattern."""

    pattern: str

    def __post_init__(self) -> None:
        try:
            names = [f for _, f, _, _ in string.Formatter().parse(self.pattern) if f is not None]
        except ValueError as exc:
            raise LayoutError(f"--layout {self.pattern!r}: {exc}") from None
        unknown = [n for n in names if n not in PLACEHOLDERS]
        if unknown:
            known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
            raise LayoutError(f"--layout {self.pattern!r}: unknown {{{unknown[0]}}} (use {known})")
        parts = PurePosixPath(self.pattern).parts
        if not parts or self.pattern.startswith("/") or ".." in parts or "\\" in self.pattern:
            raise LayoutError(f"--layout {self.pattern!r}: must be a relative path inside DIR")
        if not ({"slug", "id", "path"} & set(names)):
            raise LayoutError(f"--layout {self.pattern!r}: needs {{slug}}, {{id}} or {{path}}")

    @property
    def is_bundle(self) -> bool:
        """`…/index.md`: each item has its folder, and its files can sit next to it."""
        return PurePosixPath(self.pattern).stem in BUNDLE_NAMES

    @cached_property
    def _parts(self) -> tuple[str, ...]:
        return PurePosixPath(self.pattern).parts

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(f for _, f, _, _ in string.Formatter().parse(self.pattern) if f)

    def path(self, item: dict[str, Any], *, slug: str | None = None) -> PurePosixPath:
        return PurePosixPath(self._render(item, slug))

    def _render(self, item: dict[str, Any], slug: str | None = None) -> str:
        values = _values(item, slug, self._names)
        fallback = values["id"]
        rendered = []
        for part in self._parts:
            text = part.format_map(values)
            rendered.extend(safe_segment(s, fallback) for s in text.split("/") if s)
        return "/".join(rendered)

    def assign(self, items: Iterable[dict[str, Any]]) -> dict[int, PurePosixPath]:
        """A unique path per item (in id order; a later item that clashes gets `-<id>`)."""
        taken: set[str] = set()
        paths: dict[int, PurePosixPath] = {}
        for item in sorted(items, key=lambda i: i["id"]):
            path = self._render(item)
            if path.casefold() in taken:
                path = self._render(item, slug=f"{_slug(item)}-{item['id']}")
                if path.casefold() in taken:
                    stem, dot, suffix = path.rpartition(".")
                    path = f"{stem}-{item['id']}.{suffix}" if dot else f"{path}-{item['id']}"
            taken.add(path.casefold())
            paths[item["id"]] = PurePosixPath(path)
        return paths


class _Segments(dict):
    """Values for str.format; `{path}` may hold slashes, the rest may not."""

    def __missing__(self, key: str) -> str:
        return ""


def _values(item: dict[str, Any], slug: str | None, names: frozenset[str]) -> dict[str, str]:
    date = item.get("date") or item.get("date_gmt") or ""
    fallback = str(item["id"])
    item_slug = safe_segment(slug if slug is not None else _slug(item), fallback)
    path = ""
    if "path" in names:
        path = "/".join(safe_segment(s, fallback) for s in _link_path(item).split("/") if s)
    return _Segments(
        type=safe_segment(item.get("type") or "", "item"),
        slug=item_slug,
        id=fallback,
        year=date[:4],
        month=date[5:7],
        day=date[8:10],
        status=safe_segment(item.get("status") or "", "status"),
        path=path or item_slug,
    )


def _slug(item: dict[str, Any]) -> str:
    return unquote(item.get("slug") or "") or str(item["id"])


def _link_path(item: dict[str, Any]) -> str:
    """The path of a pretty permalink (none for `?p=12` links)."""
    parts = urlsplit(item.get("link") or "")
    if parts.query:
        return ""
    return "/".join(s for s in unquote(parts.path).split("/") if s)


def safe_segment(text: str, fallback: str) -> str:
    """One path segment any OS accepts, never `.`, `..` or hidden."""
    if _PLAIN_SEGMENT_RE.match(text) and text.split(".")[0].upper() not in _RESERVED:
        return text  # the common case, checked in one step
    text = unicodedata.normalize("NFC", text)
    text = _UNSAFE_RE.sub("-", text).strip(" ").lstrip(".").rstrip(". ")
    if len(text) > MAX_SEGMENT:
        _, dot, suffix = text.rpartition(".")
        keep = f".{suffix}" if dot and len(suffix) <= 10 else ""
        text = text[: MAX_SEGMENT - len(keep)].rstrip(". ") + keep
    if not text:
        return fallback
    if text.split(".")[0].upper() in _RESERVED:
        return text + "_" if "." not in text else text.replace(".", "_.", 1)
    return text


def url_for(path: PurePosixPath) -> str:
    """The URL path a static site generator gives a content file.

    `content/post/hello.md` -> `/post/hello/`; `content/post/2024/hello/index.md` ->
    `/post/2024/hello/`. A leading content folder (`content/`, `src/content/`, `src/pages/`)
    is not part of the URL.
    """
    parts = list(path.parts)
    for root in CONTENT_ROOTS:
        if tuple(parts[: len(root)]) == root and len(parts) > len(root):
            parts = parts[len(root) :]
            break
    last = parts[-1]
    for suffix in MARKDOWN_SUFFIXES:
        if last.endswith(suffix):
            last = last[: -len(suffix)]
            break
    parts[-1] = last
    if parts[-1] in BUNDLE_NAMES:
        parts.pop()
    return "/" + "".join(p + "/" for p in parts)
