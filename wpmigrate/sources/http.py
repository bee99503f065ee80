"""One polite HTTP client for every network source: a requests.Session with a clear
User-Agent, timeouts, retries with backoff (honouring Retry-After), an optional minimum delay
between requests and a request counter; the ordered request window both sources page
with; plus robots.txt rules (protego) and conditional request headers for crawling.

What a hostile server could abuse is bounded here, for every caller:

* **Origins**: a client made with `origins` talks only to those (scheme, host, port);
  redirects are followed hop by hop and one that leaves them is refused with one line.
  Credentials are sent only there, never to a host a Link header or redirect names.
* **Size and time**: a body read here (any non-streamed request) stops at
  `max_response_bytes` *decoded* (a gzip bomb is cut where it crosses the cap) and at a
  total `deadline` per request (a server trickling one byte every few seconds never
  trips the read timeout). Streamed callers read with `read_limited()` or `read_start()`
  (the first bytes only: robots.txt, a sniffed iCal export), on the same deadline.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.exceptions import HTTPError
from urllib3.util.retry import Retry

from .. import __version__
from ..errors import SourceError

USER_AGENT = f"wpmigrate/{__version__} (+https://pypi.org/project/wpmigrate/)"
TIMEOUT = (10, 60)  # connect, read (seconds)
RETRY_STATUSES = (429, 500, 502, 503, 504)
DEFAULT_BACKOFF = 0.5  # urllib3 backoff_factor: waits 0, 1, 2, 4 s between retries
BACKOFF_ENV = "WPMIGRATE_HTTP_BACKOFF"
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 lets crawlers stop reading robots.txt at 500 KiB
DEFAULT_MAX_RESPONSE_MB = 100  # a REST page of 100 long posts is a few MB
DEFAULT_DEADLINE = 300.0  # seconds for one whole request, body included
DEADLINE_ENV = "WPMIGRATE_HTTP_DEADLINE"
MAX_REDIRECTS = 10
CHUNK = 64 * 1024

T = TypeVar("T")
R = TypeVar("R")
_END: Any = object()


def ordered_window(
    pool: Executor, fn: Callable[[T], R], items: Iterable[T], size: int
) -> Iterator[tuple[T, R]]:
    """`fn` over `items` with at most `size` calls in flight, results in the items' order.

    The window slides: each result taken lets the next item start, so requests overlap
    while memory stays flat however many items come. Calls not yet started are cancelled
    when the consumer stops early.
    """
    window: deque[tuple[T, Future[R]]] = deque()
    source = iter(items)
    try:
        for item in itertools.islice(source, size):
            window.append((item, pool.submit(fn, item)))
        while window:
            item, future = window.popleft()
            following = next(source, _END)
            if following is not _END:
                window.append((following, pool.submit(fn, following)))
            yield item, future.result()
    finally:
        for _, future in window:
            future.cancel()


class HttpClient:
    def __init__(
        self,
        *,
        concurrency: int = 4,
        auth: tuple[str, str] | None = None,
        retries: int = 4,
        backoff: float | None = None,
        user_agent: str = USER_AGENT,
        delay: float = 0.0,
        origins: Iterable[str] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024,
        deadline: float | None = None,
    ):
        """`origins`: the only origins (`https://host:port`) requests may go to, redirects
        included; None leaves that to the caller (the crawl and downloads check each hop).
        `auth` is sent to those origins only, so it needs them."""
        if auth is not None and origins is None:
            raise ValueError("credentials need the origins they may be sent to")
        if backoff is None:  # seconds; $WPMIGRATE_HTTP_BACKOFF overrides (tests use 0)
            backoff = _env_float(BACKOFF_ENV, DEFAULT_BACKOFF)
        self.user_agent = user_agent
        self.delay = max(0.0, delay)  # seconds between request starts, across all threads
        self._next_start = 0.0
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"})
        self.auth = auth  # per request, after the origin check; never on the session
        self.origins = None if origins is None else frozenset(map(origin_of, origins))
        self.max_response_bytes = max_response_bytes
        self.deadline = deadline if deadline is not None else _env_float(DEADLINE_ENV, 0.0)
        self.deadline = self.deadline or DEFAULT_DEADLINE
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        adapter = HTTPAdapter(
            max_retries=retry, pool_connections=4, pool_maxsize=max(concurrency, 4)
        )
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._lock = threading.Lock()
        self.requests = 0

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def head(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("HEAD", url, **kwargs)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request, redirects followed hop by hop (each hop checked against the
        origins); without `stream=True` the body is read here, capped and on a deadline."""
        kwargs.setdefault("timeout", TIMEOUT)
        follow = kwargs.pop("allow_redirects", True)
        stream = kwargs.pop("stream", False)
        deadline = time.monotonic() + self.deadline
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(method, url, **kwargs)
            location = response.headers.get("Location")
            if not (follow and response.is_redirect and location):
                break
            response.close()
            url = urljoin(response.url or url, location)
        else:
            raise SourceError(f"{url}: too many redirects (a redirect loop?)")
        if not stream:
            body = read_limited(
                response,
                max_bytes=self.max_response_bytes,
                deadline=deadline,
                url=url,
                hint=" (see --max-response-mb)",
            )
            response._content = body  # what `.content`, `.text` and `.json()` read
            response._content_consumed = True
        return response

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        self.check_origin(url)
        if self.auth is not None:
            kwargs["auth"] = self.auth  # check_origin() let only our origins through
        self._wait_turn()
        with self._lock:
            self.requests += 1
        try:
            return self.session.request(method, url, allow_redirects=False, stream=True, **kwargs)
        except requests.exceptions.ConnectionError as exc:
            raise SourceError(f"cannot reach {_host(url)}: {_reason(exc)}") from None
        except requests.exceptions.Timeout:
            raise SourceError(f"{url}: the server did not answer in time") from None
        except requests.exceptions.RequestException as exc:
            raise SourceError(f"{url}: request failed ({_reason(exc)})") from None

    def check_origin(self, url: str) -> None:
        """Refuse a URL outside the origins this client may talk to (see `OffOriginError`)."""
        if self.origins is not None and origin_of(url) not in self.origins:
            raise OffOriginError(url, sorted(self.origins))

    def _wait_turn(self) -> None:
        """With a delay set, space request starts `delay` seconds apart, whatever the threads."""
        if not self.delay:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self.delay
        if start > now:
            time.sleep(start - now)

    def close(self) -> None:
        self.session.close()


class OffOriginError(SourceError):
    """A request, redirect or API link that leaves the site the user named."""

    def __init__(self, url: str, origins: list[str]):
        self.url = url
        self.origin = origin_of(url)
        super().__init__(
            f"{url}: refused, {self.origin} is not the site given ({', '.join(origins)}); "
            f"if it is the same site, give --allow-origin {self.origin}"
        )


def origin_of(url: str) -> str:
    """`scheme://host[:port]`, lower-case, the default port left out: what a browser
    calls the origin, and what credentials are bound to."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port and port != default else "")


def read_limited(
    response: requests.Response, *, max_bytes: int, deadline: float, url: str, hint: str = ""
) -> bytes:
    """The decoded body of `response`, refused past `max_bytes` or the `deadline`
    (a `time.monotonic()` value); the response is closed when refused. `hint` ends the
    too-large message (the option that raises the cap)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise ResponseTooLarge(
            f"{url}: {int(declared):,} bytes, over the limit of {max_bytes:,}{hint}"
        )
    body = read_start(response, max_bytes=max_bytes + 1, deadline=deadline, url=url)
    if len(body) > max_bytes:
        response.close()
        raise ResponseTooLarge(
            f"{url}: the answer grew past the limit of {max_bytes:,} bytes{hint}"
        )
    return body


def read_start(response: requests.Response, *, max_bytes: int, deadline: float, url: str) -> bytes:
    """At most the first `max_bytes` of the decoded body (the rest is left unread), refused
    when the `deadline` passes; the response is closed when refused."""
    chunks: list[bytes] = []
    size = 0
    try:
        # read1: whatever one read brings (a trickle is seen byte by byte, so the deadline
        # is checked at least once per read timeout), decoded at most CHUNK at a time.
        while size < max_bytes and (
            chunk := response.raw.read1(min(CHUNK, max_bytes - size), decode_content=True)
        ):
            size += len(chunk)
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise ResponseTooSlow(
                    f"{url}: the answer was still coming after the deadline (a trickling server?)"
                )
    except (requests.exceptions.RequestException, HTTPError, OSError) as exc:
        response.close()
        raise SourceError(f"{url}: the answer broke off ({_reason(exc)})") from None
    except SourceError:
        response.close()
        raise
    return b"".join(chunks)


class ResponseTooLarge(SourceError):
    """An answer larger than the size cap."""


class ResponseTooSlow(SourceError):
    """An answer still arriving when its deadline passed."""


@dataclass
class Robots:
    """A site's robots.txt as it applies to our User-Agent (RFC 9309, parsed by protego)."""

    url: str
    user_agent: str = USER_AGENT
    rules: Protego | None = None  # None: no robots.txt, everything is allowed
    status: int = 0
    sitemaps: list[str] = field(default_factory=list)

    @classmethod
    def fetch(cls, client: HttpClient, site_url: str) -> Robots:
        """Read /robots.txt. A 4xx means no rules; a 5xx means "stay away" (RFC 9309 §2.3.1.4)."""
        url = urljoin(site_url, "/robots.txt")
        response = client.get(url, stream=True)
        deadline = time.monotonic() + client.deadline
        try:
            body = read_start(response, max_bytes=ROBOTS_MAX_BYTES, deadline=deadline, url=url)
        finally:
            response.close()
        robots = cls(url, client.user_agent, status=response.status_code)
        if response.status_code >= 500:
            raise SourceError(
                f"{url}: the server answered HTTP {response.status_code}; robots.txt must be "
                "readable before crawling (try again later)"
            )
        if response.status_code >= 400 or not body.strip():
            return robots
        robots.rules = Protego.parse(body.decode("utf-8", errors="replace"))
        robots.sitemaps = list(robots.rules.sitemaps)
        return robots

    def allowed(self, url: str) -> bool:
        return self.rules is None or self.rules.can_fetch(url, self.user_agent)

    @property
    def crawl_delay(self) -> float:
        if self.rules is None:
            return 0.0
        delay = self.rules.crawl_delay(self.user_agent)
        rate = self.rules.request_rate(self.user_agent)
        from_rate = rate.seconds / rate.requests if rate and rate.requests else 0.0
        return max(float(delay or 0.0), from_rate)


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Headers that turn a GET into a conditional one: an unchanged page answers 304."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _env_float(name: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ[name]))
    except (KeyError, ValueError):
        return default


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


_REASONS = {
    "Name or service not known": "DNS lookup failed",
    "Temporary failure in name resolution": "DNS lookup failed",
    "nodename nor servname": "DNS lookup failed",
    "Connection refused": "connection refused",
}


def _reason(exc: Exception) -> str:
    """The innermost, most telling cause of a requests error, on one line."""
    text = str(exc)
    for marker, reason in _REASONS.items():
        if marker in text:
            return reason
    if "Max retries exceeded" in text:
        return (
            "gave up after several retries (" + text.rsplit("(Caused by ", 1)[-1].rstrip(")") + ")"
        )
    return text.splitlines()[0][:200]
