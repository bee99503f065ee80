"""Fetching a crawl's pages: one GET with our own redirect handling, checked and capped.

Every hop of a redirect is checked (same host, allowed by robots.txt) before it is asked
for, answers are read up to a size limit, and whatever stops a page is a `Skip` with a
reason the crawler counts, never an exception that ends the run.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from ..errors import SourceError
from .http import HttpClient, ResponseTooLarge, ResponseTooSlow, read_limited

MAX_REDIRECTS = 5
HTML_TYPES = ("text/html", "application/xhtml+xml")
XML_TYPES = ("xml", "text/plain", "gzip", "octet-stream")
ICAL_TYPES = ("text/calendar", "text/plain", "octet-stream")


class Skip(Exception):
    """A URL not read: disallowed, off-site, missing, not HTML, too large, a redirect loop."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def fetch(
    http: HttpClient,
    url: str,
    *,
    check: Callable[[str], None],
    types: tuple[str, ...],
    max_bytes: int,
    headers: dict[str, str] | None = None,
) -> tuple[str, dict[str, str], bytes]:
    """(final URL, headers, body) of `url`; `check(url)` raises Skip for a hop not to take."""
    visited: list[str] = []
    for _ in range(MAX_REDIRECTS + 1):
        check(url)
        try:
            response = http.get(url, allow_redirects=False, stream=True, headers=headers)
        except SourceError as exc:
            raise Skip("unreachable", str(exc)) from None
        try:
            location = response.headers.get("Location")
            if response.is_redirect and location:
                visited.append(url)
                url = urljoin(url, location)
                if url in visited:
                    raise Skip("redirect-loop", f"{visited[0]}: redirect loop")
                continue
            check_status(url, response.status_code)
            content_type = response.headers.get("Content-Type", "")
            if not any(t in content_type for t in types):
                raise Skip("not-html", f"{url}: not what we read ({content_type or 'no type'})")
            body = read_capped(response, max_bytes, url, http.deadline)
        finally:
            response.close()
        return url, dict(response.headers), body
    raise Skip("redirect-loop", f"{visited[0]}: more than {MAX_REDIRECTS} redirects")


def check_status(url: str, status: int) -> None:
    if status == 304:
        raise Skip("not-modified", url)
    if status in (404, 410):
        raise Skip("http-404", f"{url}: not found (HTTP {status})")
    if status >= 400:
        raise Skip(f"http-{status}", f"{url}: the server answered HTTP {status}")


def read_capped(response: Any, max_bytes: int, url: str, seconds: float) -> bytes:
    """The body, read by the HTTP module's one capped reader within `seconds`; a page too
    large or too slow is a Skip."""
    try:
        return read_limited(
            response, max_bytes=max_bytes, deadline=time.monotonic() + seconds, url=url
        )
    except ResponseTooLarge as exc:
        raise Skip("too-large", str(exc)) from None
    except ResponseTooSlow as exc:
        raise Skip("too-slow", str(exc)) from None
    except SourceError as exc:
        raise Skip("unreachable", str(exc)) from None


def decode(body: bytes, content_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", content_type, re.I) or re.search(
        rb"""<meta[^>]+charset=["']?([\w-]+)""", body[:4096], re.I
    )
    charset = match.group(1) if match else "utf-8"
    if isinstance(charset, bytes):
        charset = charset.decode("ascii", errors="ignore")
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


@dataclass
class Loaded:
    """A fetched page, parsed."""

    url: str  # where it was asked for
    final_url: str  # where it was found, after redirects
    headers: dict[str, str]
    raw: str
    doc: Any  # lxml HtmlElement


def norm_url(url: str) -> str:
    """URLs that name the same page compare equal (no fragment, one trailing slash)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
        path += "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def html_escape(text: str) -> str:
    """Model text is HTML as the source gave it: plain text found in a page is escaped back."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
