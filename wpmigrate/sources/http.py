"""One polite HTTP client for every network source: a requests.Session with a clear
User-Agent, timeouts, retries with backoff (honouring Retry-After) and a request counter.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .. import __version__
from ..errors import SourceError

USER_AGENT = f"wpmigrate/{__version__} (+https://pypi.org/project/wpmigrate/)"
TIMEOUT = (10, 60)  # connect, read (seconds)
RETRY_STATUSES = (429, 500, 502, 503, 504)


class HttpClient:
    def __init__(
        self,
        *,
        concurrency: int = 4,
        auth: tuple[str, str] | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        user_agent: str = USER_AGENT,
    ):
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

    def close(self) -> None:
        self.session.close()


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


def _reason(exc: Exception) -> str:
    """The innermost, most telling cause of a requests error, on one line."""
    text = str(exc)
    for marker in (
        "Name or service not known",
        "Temporary failure in name resolution",
        "nodename nor servname",
        "Connection refused",
        "Max retries exceeded",
    ):
        if marker in text:
            if marker == "Max retries exceeded":
                continue
            return "DNS lookup failed" if "name" in marker.lower() else marker.lower()
    if "Max retries exceeded" in text:
        return (
            "gave up after several retries (" + text.rsplit("(Caused by ", 1)[-1].rstrip(")") + ")"
        )
    return text.splitlines()[0][:200]
