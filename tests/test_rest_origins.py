"""The REST source talks only to the site the user named: credentials never cross hosts.

A fake server (pytest-httpserver) answers for two origins at once: the one the user names
(`http://127.0.0.1:PORT`) and another (`http://localhost:PORT`, another host, so another
origin). The named site advertises its API on the other origin (Link header), redirects its
home page there, or redirects `/wp-json/` there: each is refused with one line naming the
option that allows it, before anything reaches the other origin. With `--allow-origin` the
export reads the API there (the recorded test site, replayed), with the credentials.
"""

from __future__ import annotations

import base64

from rest_support import Replay, run_cli
from werkzeug import Request, Response

PASSWORD = "AbCd EfGh IjKl MnOp QrSt UvWx"
AUTH_ENV = {"WPMIGRATE_APP_PASSWORD": PASSWORD}
BASIC = "Basic " + base64.b64encode(f"editor:{PASSWORD}".encode()).decode()


class TwoOrigins:
    """The named site on 127.0.0.1, the recorded WordPress replayed on localhost."""

    def __init__(self, httpserver, named_site):
        self.port = httpserver.port
        self.named = f"http://127.0.0.1:{self.port}"
        self.other = f"http://localhost:{self.port}"
        self.replay = Replay(self.other)
        self.seen: list[tuple[str, str, str | None]] = []  # (host, path, Authorization)
        self.named_site = named_site
        httpserver.expect_request("").respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        host = request.host.split(":")[0]
        self.seen.append((host, request.path, request.headers.get("Authorization")))
        if host == "localhost":
            status, headers, body = self.replay.answer(request.url)
            return Response(body, status=status, headers=headers)
        return self.named_site(request, self.other)

    def reached_other(self) -> list[tuple[str, str, str | None]]:
        return [seen for seen in self.seen if seen[0] == "localhost"]


def api_elsewhere(request: Request, other: str) -> Response:
    link = {"Link": f'<{other}/wp-json/>; rel="https://api.w.org/"'}
    return Response("<html><body>home</body></html>", headers=link, content_type="text/html")


def home_redirects(request: Request, other: str) -> Response:
    return Response("", 301, {"Location": f"{other}/"})


def api_redirects(request: Request, other: str) -> Response:
    if request.path.startswith("/wp-json"):
        return Response("", 301, {"Location": f"{other}{request.full_path}"})
    return Response("<html><body>no link</body></html>", content_type="text/html")


def assert_refused(done, origin: str) -> None:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("wpmigrate: error: "), lines[0]
    assert f"{origin} is not the site given" in lines[0]
    assert f"--allow-origin {origin}" in lines[0]
    assert PASSWORD not in done.stderr


def test_an_api_link_to_another_host_is_refused(httpserver, tmp_path):
    sites = TwoOrigins(httpserver, api_elsewhere)
    archive = tmp_path / "site.db"
    done = run_cli("export", sites.named + "/", str(archive), "--user", "editor", env=AUTH_ENV)
    assert_refused(done, sites.other)
    assert sites.reached_other() == []
    assert sites.seen == [("127.0.0.1", "/", BASIC)]
    assert not archive.exists()


def test_a_home_redirect_to_another_host_is_refused(httpserver, tmp_path):
    sites = TwoOrigins(httpserver, home_redirects)
    archive = tmp_path / "site.db"
    done = run_cli("export", sites.named + "/", str(archive), "--user", "editor", env=AUTH_ENV)
    assert_refused(done, sites.other)
    assert sites.reached_other() == []
    assert not archive.exists()


def test_an_api_redirect_never_switches_sites(httpserver, tmp_path):
    sites = TwoOrigins(httpserver, api_redirects)
    archive = tmp_path / "site.db"
    done = run_cli("export", sites.named + "/wp-json/", str(archive), "--via", "rest")
    assert_refused(done, sites.other)
    assert sites.reached_other() == []
    assert not archive.exists()


def test_allow_origin_reads_the_api_there_with_the_credentials(httpserver, tmp_path):
    sites = TwoOrigins(httpserver, api_elsewhere)
    archive = tmp_path / "site.db"
    done = run_cli(
        "export",
        sites.named + "/",
        str(archive),
        "--user",
        "editor",
        "--allow-origin",
        sites.other,
        "--quiet",
        env=AUTH_ENV,
    )
    assert done.returncode == 0, done.stderr
    other = sites.reached_other()
    assert len(other) > 10
    assert {auth for _, _, auth in other} == {BASIC}


def test_allow_origin_must_be_a_url(tmp_path):
    done = run_cli("export", "http://127.0.0.1:9/", str(tmp_path / "a.db"), "--allow-origin", "x")
    assert done.returncode == 2
    assert "'x' is not an http(s) URL such as https://host" in done.stderr
