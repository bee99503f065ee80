"""Bad input for the REST source: one clear line on stderr, a non-zero exit, no traceback,
and an existing archive keeps every row it had.

The real test site is used where it can be (REST switched off, wrong credentials); fake
servers (pytest-httpserver) stand in for what it cannot be: a host that is down, a site that
is not WordPress, HTML where JSON belongs, a site that fails mid-export. The failing site
replays real responses recorded on the test WordPress (tests/fixtures/rest/) and then
answers 503. Retries run without backoff here (`WPMIGRATE_HTTP_BACKOFF=0`).
"""

from __future__ import annotations

import re
import shutil
import socket
import sqlite3
import time

import pytest
from rest_support import Replay, row_counts, run_cli
from werkzeug import Response

from wpmigrate import runs
from wpmigrate.mapping import load_mapping
from wpmigrate.sources import open_source

HTML = "text/html; charset=UTF-8"


@pytest.fixture(scope="module")
def site_archive(wordpress, tmp_path_factory):
    """An archive exported from the test site, copied by each test that needs one."""
    path = tmp_path_factory.mktemp("errors") / "site.db"
    mapping = load_mapping([])
    source = open_source(wordpress.url, mapping, via="rest")
    runs.run(source, path, mapping, command="export", detect_deletions=False)
    return path


def copy_of(archive, tmp_path):
    target = tmp_path / "lib.db"
    shutil.copyfile(archive, target)
    return target, row_counts(target)


def assert_one_line_error(done, *needles: str) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    line = lines[0]
    assert line.startswith("wpmigrate: error: "), line
    for needle in needles:
        assert needle in line, line
    return line


def assert_kept(path, before: dict[str, int]) -> None:
    """Every row is still there; a run that had started is recorded as failed."""
    after = row_counts(path)
    runs = after.pop("runs")
    assert after == {k: v for k, v in before.items() if k != "runs"}
    db = sqlite3.connect(path)
    statuses = [r[0] for r in db.execute("select status from runs order by id")]
    db.close()
    assert statuses[: before["runs"]] == ["ok"] * before["runs"]
    assert statuses[before["runs"] :] in ([], ["failed"]), statuses
    assert runs == len(statuses)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("via", [[], ["--via", "rest"]], ids=["auto", "rest"])
def test_unreachable_host(site_archive, tmp_path, via):
    path, before = copy_of(site_archive, tmp_path)
    port = closed_port()
    done = run_cli("export", f"http://127.0.0.1:{port}", str(path), *via)
    assert_one_line_error(done, f"cannot reach 127.0.0.1:{port}", "connection refused")
    assert_kept(path, before)


def test_dns_failure(site_archive, tmp_path):
    path, before = copy_of(site_archive, tmp_path)
    done = run_cli("export", "http://wpmigrate-test-site.invalid/", str(path), "--via", "rest")
    assert_one_line_error(done, "cannot reach wpmigrate-test-site.invalid", "DNS lookup failed")
    assert_kept(path, before)


def test_not_wordpress(site_archive, tmp_path, httpserver):
    httpserver.expect_request("/").respond_with_data(
        "<!doctype html><html><head><title>Bakery</title></head><body>Fresh bread</body></html>",
        content_type=HTML,
    )
    httpserver.expect_request(re.compile("/.*")).respond_with_data(
        "<html><body>Not Found</body></html>", status=404, content_type=HTML
    )
    path, before = copy_of(site_archive, tmp_path)
    done = run_cli("export", httpserver.url_for("/"), str(path), "--via", "rest")
    assert_one_line_error(done, "no WordPress REST API found", "not WordPress")
    assert_kept(path, before)


def test_rest_switched_off(wordpress, site_archive, tmp_path):
    path, before = copy_of(site_archive, tmp_path)
    wordpress.set_rest_enabled(False)
    try:
        done = run_cli("export", wordpress.url, str(path), "--via", "rest")
    finally:
        wordpress.set_rest_enabled(True)
    line = assert_one_line_error(done, "REST API is switched off", "HTTP 401", "--via crawl")
    assert "rest_cannot_access" in line
    assert_kept(path, before)


def test_html_where_the_api_index_should_be(site_archive, tmp_path, httpserver):
    base = httpserver.url_for("/").rstrip("/")
    httpserver.expect_request("/wp-json/").respond_with_data(
        "<html><body><h1>Checking your browser…</h1></body></html>", content_type=HTML
    )
    httpserver.expect_request("/").respond_with_data(
        f'<html><head><link rel="https://api.w.org/" href="{base}/wp-json/" /></head></html>',
        content_type=HTML,
    )
    path, before = copy_of(site_archive, tmp_path)
    done = run_cli("export", base, str(path), "--via", "rest")
    assert_one_line_error(done, "expected JSON from the WordPress REST API, got text/html")
    assert_kept(path, before)


def test_wrong_credentials(wordpress, site_archive, tmp_path):
    path, before = copy_of(site_archive, tmp_path)
    wrong = "AbCd EfGh IjKl MnOp QrSt UvWx"
    env = {"WPMIGRATE_APP_PASSWORD": wrong}
    done = run_cli("export", wordpress.url, str(path), "--user", "admin", "--via", "rest", env=env)
    assert_one_line_error(done, "authentication failed", "--user")
    assert wrong not in done.stderr + done.stdout
    assert_kept(path, before)
    assert wrong.encode() not in path.read_bytes()  # nor in the failed run's error


@pytest.mark.parametrize("via", [[], ["--via", "rest"]], ids=["auto", "rest"])
def test_credentials_in_the_url_are_refused(wordpress, site_archive, tmp_path, via):
    """They would be sent and then stored with every item's URL: refused, never echoed."""
    path, before = copy_of(site_archive, tmp_path)
    secret = wordpress.app_password
    url = wordpress.url.replace("http://", f"http://admin:{secret}@") + "/wp-json/"
    done = run_cli("export", url, str(path), *via)
    assert_one_line_error(done, "credentials in the URL are not accepted", "--user")
    assert secret not in done.stderr + done.stdout
    assert_kept(path, before)
    assert secret.encode() not in path.read_bytes()


# -- a site that fails mid-export: recorded responses, then errors -----------------------------


class FlakySite:
    """The recorded test site; `fail_after` requests it answers `failure` to everything, and
    always to the paths in `fail_paths`."""

    def __init__(self, httpserver):
        self.replay = Replay(httpserver.url_for("/").rstrip("/"))
        self.answered = 0
        self.fail_after: int | None = None
        self.fail_paths: set[str] = set()
        self.failure = Response(
            "<html><body>503 Service Unavailable</body></html>", status=503, content_type=HTML
        )
        self.statuses: list[tuple[str, int]] = []
        serve = self.replay.werkzeug_handler()

        def handle(request):
            self.answered += 1
            late = self.fail_after is not None and self.answered > self.fail_after
            failing = late or request.path in self.fail_paths
            response = self.failure if failing else serve(request)
            self.statuses.append((request.full_path.rstrip("?"), response.status_code))
            return response

        httpserver.expect_request(re.compile("/.*")).respond_with_handler(handle)
        self.url = self.replay.base


@pytest.mark.parametrize("via", ["rest", "auto"])  # auto starts reading in open_source
def test_a_5xx_storm_mid_export(httpserver, tmp_path, via):
    site = FlakySite(httpserver)
    path = tmp_path / "lib.db"
    first = run_cli("export", site.url, str(path), "--via", via)
    assert first.returncode == 0, first.stderr
    before = row_counts(path)
    assert (before["items"], before["media"], before["terms"]) == (22, 7, 20)

    site.fail_after = site.answered + 4  # the page, the index, types, taxonomies: then 503s
    site.statuses.clear()
    done = run_cli("export", site.url, str(path), "--via", via)
    assert_one_line_error(done, "the server answered HTTP 503")
    assert_kept(path, before)
    assert [status for _, status in site.statuses[:4]] == [200, 200, 200, 200]
    failed: dict[str, int] = {}
    for request, status in site.statuses[4:]:
        assert status == 503
        failed[request] = failed.get(request, 0) + 1
    # Every request that failed was tried 5 times: once and 4 retries.
    assert failed and set(failed.values()) == {5}, failed


def test_a_failure_after_auto_found_the_api_fails_the_run(httpserver, tmp_path):
    """`--via auto` starts reading as soon as it has found the API; what fails then (here
    wp/v2/types) fails the run, recorded in the archive, in one line, as when the run asks
    first."""
    site = FlakySite(httpserver)
    path = tmp_path / "lib.db"
    assert run_cli("export", site.url, str(path)).returncode == 0
    before = row_counts(path)
    site.fail_paths = {"/wp-json/wp/v2/types"}
    done = run_cli("export", site.url, str(path))
    assert_one_line_error(done, "the server answered HTTP 503")
    assert_kept(path, before)
    with sqlite3.connect(path) as db:
        last = db.execute("select status, error from runs order by id desc limit 1").fetchone()
    assert last[0] == "failed" and "HTTP 503" in last[1]


def test_html_where_json_was_expected_mid_export(httpserver, tmp_path):
    site = FlakySite(httpserver)
    path = tmp_path / "lib.db"
    assert run_cli("export", site.url, str(path), "--via", "rest").returncode == 0
    before = row_counts(path)
    site.failure = Response(
        "<html><body>Request blocked by the firewall</body></html>", status=200, content_type=HTML
    )
    site.fail_after = site.answered + 4
    done = run_cli("export", site.url, str(path), "--via", "rest")
    assert_one_line_error(done, "expected JSON from the WordPress REST API, got text/html")
    assert_kept(path, before)


def test_retry_after_is_honoured_and_the_export_recovers(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("WPMIGRATE_HTTP_BACKOFF", "0")
    site = FlakySite(httpserver)
    serve = site.replay.werkzeug_handler()
    busy = {"left": 1}

    def handle(request):
        if request.path == "/wp-json/wp/v2/publications" and busy["left"]:
            busy["left"] -= 1
            response = Response("busy", status=503, headers={"Retry-After": "1"})
        else:
            response = serve(request)
        site.statuses.append((request.full_path.rstrip("?"), response.status_code))
        return response

    httpserver.clear()
    httpserver.expect_request(re.compile("/.*")).respond_with_handler(handle)
    mapping = load_mapping([])
    source = open_source(site.url, mapping, via="rest")
    started = time.monotonic()
    result = runs.run(
        source, tmp_path / "lib.db", mapping, command="export", detect_deletions=False
    )
    elapsed = time.monotonic() - started
    assert result.status == "ok"
    assert elapsed >= 1.0
    publications = [s for p, s in site.statuses if p.startswith("/wp-json/wp/v2/publications")]
    assert publications[:2] == [503, 200]
    assert row_counts(tmp_path / "lib.db")["items"] == 22
