"""One polite HTTP client for every network source: a requests.Session with a clear
User-Agent, timeouts, retries with backoff (honouring Retry-After), an optional minimum delay
between requests and a request counter; the ordered request window both sources page
with; plus robots.txt rules (protego) and conditional request headers for crawling.
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
from urllib.parse import urljoin

import requests
from protego import Protego
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .. import __version__
from ..errors import SourceError

USER_AGENT = f"wpmigrate/{__version__} (+https://pypi.org/project/wpmigrate/)"
TIMEOUT = (10, 60)  # connect, read (seconds)
RETRY_STATUSES = (429, 500, 502, 503, 504)
DEFAULT_BACKOFF = 0.5  # urllib3 backoff_factor: waits 0, 1, 2, 4 s between retries
BACKOFF_ENV = "WPMIGRATE_HTTP_BACKOFF"
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 lets crawlers stop reading robots.txt at 500 KiB

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
    ):
        if backoff is None:  # seconds; $WPMIGRATE_HTTP_BACKOFF overrides (tests use 0)
            backoff = _env_float(BACKOFF_ENV, DEFAULT_BACKOFF)
        self.user_agent = user_agent
        self.delay = max(0.0, delay)  # seconds between request starts, across all threads
        self._next_start = 0.0
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"})
        if auth is not None:
            self.session.auth = auth
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
        kwargs.setdefault("timeout", TIMEOUT)
        self._wait_turn()
        with self._lock:
            self.requests += 1
        try:
            return self.session.request(method, url, **kwargs)
        except requests.exceptions.ConnectionError as exc:
            raise SourceError(f"cannot reach {_host(url)}: {_reason(exc)}") from None
        except requests.exceptions.Timeout:
            raise SourceError(f"{url}: the server did not answer in time") from None
        except requests.exceptions.TooManyRedirects:
            raise SourceError(f"{url}: too many redirects (a redirect loop?)") from None
        except requests.exceptions.RequestException as exc:
            raise SourceError(f"{url}: request failed ({_reason(exc)})") from None

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
        try:
            body = response.raw.read(ROBOTS_MAX_BYTES, decode_content=True) or b""
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
    from urllib.parse import urlsplit

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
