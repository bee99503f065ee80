"""Finding a site's REST API and what it offers, before any collection is read.

The API root comes from the page given (its `Link: rel="https://api.w.org/"` header or
`<link>` element), else `/wp-json/` or `/?rest_route=/` (see wordpress-sources.md §A). The
index describes the site; wp/v2/types and wp/v2/taxonomies say what to read. Their JSON is
checked where it is read: values of the wrong type are left out and reported through
`malformed(route, what)`, never an AttributeError later on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import requests

from ..errors import SourceError
from ..model import Site
from .http import HttpClient
from .rest_parse import float_or_none, text

PASSWORD_ENV = "WPMIGRATE_APP_PASSWORD"  # read by the CLI; named here for error messages
API_REL = "https://api.w.org/"
INDEX_FIELDS = "name,description,url,home,gmt_offset,timezone_string,namespaces"
Malformed = Callable[[str, str], None]  # (route, what was left out)


class RestUnavailableError(SourceError):
    """The site has no usable REST API for us (switched off, blocked, or not WordPress).

    `wpmigrate export --via auto` falls back to crawling the HTML when it sees this.
    """


@dataclass
class ApiRoot:
    """The API root: pretty (`/wp-json/`) or plain (`/?rest_route=/`) permalinks."""

    url: str

    def route(self, route: str, params: dict[str, Any] | None = None) -> str:
        route = route.lstrip("/")
        query = urlencode(params or {}, safe=",")
        parts = urlsplit(self.url)
        if "rest_route=" in parts.query:
            query = urlencode({"rest_route": "/" + route}, safe="/") + (
                "&" + query if query else ""
            )
            return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        base = self.url if self.url.endswith("/") else self.url + "/"
        return base + route + ("?" + query if query else "")


def site_from_index(index: Any, root_url: str, malformed: Malformed) -> Site:
    """The site as the API index describes it; an index without namespaces is not one."""
    if not isinstance(index, dict) or not isinstance(index.get("namespaces"), list):
        raise RestUnavailableError(f"{root_url}: this is not a WordPress REST API index")
    for name in ("name", "home", "url", "description", "timezone_string"):
        if index.get(name) is not None and not isinstance(index[name], str):
            malformed("index", f"the {name!r} given as a {type(index[name]).__name__}")
    return Site(
        title=text(index.get("name")),
        url=text(index.get("home")) or text(index.get("url")),
        description=text(index.get("description")),
        source_kind="rest",
        source_location=root_url,
        rest_namespaces=[n for n in index["namespaces"] if isinstance(n, str)],
        timezone=text(index.get("timezone_string")),
        gmt_offset=float_or_none(index.get("gmt_offset")),
    )


def described(route: str, listing: dict[str, Any], malformed: Malformed) -> dict[str, dict]:
    """wp/v2/types or wp/v2/taxonomies without the entries that are not objects."""
    for name, info in listing.items():
        if not isinstance(info, dict):
            malformed(route, f"{name!r} given as a {type(info).__name__}")
    return {name: info for name, info in listing.items() if isinstance(info, dict)}


def refuse_credentials_in(url: str) -> None:
    """A user or password in the URL would be sent, and written to the archive with every
    item's URL: refuse it and say how to authenticate instead (without echoing it)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return
    host = parts.netloc.rpartition("@")[2]
    shown = urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, ""))
    raise SourceError(
        f"{shown}: credentials in the URL are not accepted (they would be stored with every "
        f"item); use --user NAME and the application password in ${PASSWORD_ENV}"
    )


def discover_api_root(http: HttpClient, url: str) -> ApiRoot:
    """Find the REST API root from any URL of the site (see wordpress-sources.md §A)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise SourceError(f"{url}: not a URL")
    if "rest_route=" in parts.query or parts.path.rstrip("/").endswith("/wp-json"):
        return ApiRoot(url if "rest_route=" in parts.query else url.rstrip("/") + "/")
    # HEAD first: WordPress sends the Link header and stops before rendering the page.
    head = http.head(url, allow_redirects=True)
    link = head.links.get(API_REL) if head.links else None
    if link and link.get("url"):
        return ApiRoot(link["url"])
    response = http.get(url, allow_redirects=True)
    link = response.links.get(API_REL) if response.links else None
    if link and link.get("url"):
        return ApiRoot(link["url"])
    content_type = response.headers.get("Content-Type", "")
    if "html" in content_type:
        match = re.search(
            r"""<link[^>]+rel=["']https://api\.w\.org/["'][^>]*>""", response.text[:200_000]
        )
        if match:
            href = re.search(r"""href=["']([^"']+)["']""", match.group(0))
            if href:
                return ApiRoot(urljoin(response.url, href.group(1)))
    site = urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))
    for candidate in (urljoin(site, "wp-json/"), site + "?rest_route=/"):
        probe = http.get(candidate)
        if probe.status_code == 200 and is_json(probe):
            return ApiRoot(candidate)
        if probe.status_code in (401, 403) and is_json(probe):
            raise RestUnavailableError(
                http_error(candidate, probe, False),
                status=probe.status_code,
                code=error_code(probe),
            )
    if response.status_code >= 400:
        raise RestUnavailableError(
            f"{url}: the site answered HTTP {response.status_code}", status=response.status_code
        )
    raise RestUnavailableError(
        f"{url}: no WordPress REST API found (not WordPress, or the API is switched off); "
        "try a WXR export file or --via crawl"
    )


def http_error(url: str, response: requests.Response, authenticated: bool) -> str:
    code = error_code(response)
    status = response.status_code
    if code in ("incorrect_password", "invalid_username", "invalid_email") or (
        authenticated and status == 401
    ):
        reason = f"HTTP {status} {code}" if code else f"HTTP {status}"
        return f"{url}: authentication failed ({reason}): check --user and the application password"
    if status in (401, 403):
        return (
            f"{url}: the REST API is switched off for us (HTTP {status}"
            f"{' ' + code if code else ''}); use --via crawl or a WXR export file"
        )
    if status == 404:
        return f"{url}: not found (HTTP 404{' ' + code if code else ''})"
    return f"{url}: the server answered HTTP {status}{' ' + code if code else ''}"


def error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return body.get("code", "") if isinstance(body, dict) else ""


def is_json(response: requests.Response) -> bool:
    if "json" not in response.headers.get("Content-Type", ""):
        return False
    try:
        response.json()
    except ValueError:
        return False
    return True
