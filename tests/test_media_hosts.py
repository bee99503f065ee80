"""`--media`: files on the hosts the source names for its attachments (WordPress.com, a CDN,
an S3 offload) are fetched; `--media-host` adds hosts; failed downloads exit 3."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from html import escape
from pathlib import Path

from werkzeug import Request, Response

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Offloaded</title><link>{site}</link><description></description>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{site}</wp:base_site_url>
<wp:base_blog_url>{site}</wp:base_blog_url>
<item><title>photo</title><wp:post_id>5</wp:post_id>
<wp:post_date>2024-01-01 00:00:00</wp:post_date>
<wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt>
<wp:post_name>photo</wp:post_name><wp:status>inherit</wp:status>
<wp:post_type>attachment</wp:post_type><wp:attachment_url>{photo}</wp:attachment_url></item>
<item><title>post</title><wp:post_id>10</wp:post_id>
<wp:post_date>2024-01-02 00:00:00</wp:post_date>
<wp:post_date_gmt>2024-01-02 00:00:00</wp:post_date_gmt>
<wp:post_name>post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<content:encoded><![CDATA[{html}]]></content:encoded></item>
</channel></rss>
"""


def wpmigrate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wpmigrate", *args], capture_output=True, text=True, timeout=300
    )


def rows(archive: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql).fetchall()


def serve_files(httpserver, missing: str = "") -> None:
    def handler(request: Request) -> Response:
        if missing and request.path.endswith(missing):
            return Response("not found", 404, content_type="text/plain")
        return Response(PNG, content_type="image/png")

    httpserver.expect_request("/wp-content/uploads/2024/01/photo.png").respond_with_handler(handler)
    httpserver.expect_request("/wp-content/uploads/2024/01/photo-300x200.png").respond_with_data(
        PNG, content_type="image/png"
    )


def write_wxr(path: Path, site: str, photo: str, html: str) -> Path:
    path.write_text(WXR.format(site=site, photo=escape(photo), html=html))
    return path


def test_files_on_the_host_the_export_names_are_downloaded(httpserver, tmp_path):
    # The site is on one host, its uploads offloaded to another (here: the same server
    # under its IP address, as an S3 bucket or a CDN would be a host of its own).
    port = httpserver.port
    site, offload = f"http://localhost:{port}", f"http://127.0.0.1:{port}"
    serve_files(httpserver)
    wxr = write_wxr(
        tmp_path / "site.xml",
        site,
        f"{offload}/wp-content/uploads/2024/01/photo.png",
        f'<img src="{offload}/wp-content/uploads/2024/01/photo-300x200.png">',
    )
    archive, folder = tmp_path / "library.db", tmp_path / "media"

    result = wpmigrate("export", str(wxr), str(archive), "--media", str(folder))

    assert result.returncode == 0, result.stderr
    assert rows(archive, "select local_path, file_error from media") == [
        ("2024/01/photo.png", None)
    ]
    assert rows(archive, "select url, local_path, file_error from linked_files") == [
        (
            f"{offload}/wp-content/uploads/2024/01/photo-300x200.png",
            "2024/01/photo-300x200.png",
            None,
        )
    ]
    assert (folder / "2024/01/photo.png").read_bytes() == PNG


def test_media_host_adds_a_host_content_links_to(httpserver, tmp_path):
    port = httpserver.port
    site, other = f"http://localhost:{port}", f"http://127.0.0.1:{port}"
    serve_files(httpserver)
    linked = f"{other}/wp-content/uploads/2024/01/photo-300x200.png"
    wxr = write_wxr(
        tmp_path / "site.xml",
        site,
        f"{site}/wp-content/uploads/2024/01/photo.png",
        f'<img src="{linked}">',
    )
    archive, folder = tmp_path / "library.db", tmp_path / "media"

    assert wpmigrate("export", str(wxr), str(archive), "--media", str(folder)).returncode == 0
    assert rows(archive, "select url from linked_files") == []  # a host nobody named

    synced = wpmigrate(
        "sync", str(archive), "--media", str(folder), "--media-host", f"127.0.0.1:{port}"
    )
    assert synced.returncode == 0, synced.stderr
    assert rows(archive, "select url, local_path from linked_files") == [
        (linked, "2024/01/photo-300x200.png")
    ]


def test_a_run_whose_downloads_failed_exits_3_with_a_count(httpserver, tmp_path):
    site = f"http://localhost:{httpserver.port}"
    serve_files(httpserver, missing="photo.png")
    wxr = write_wxr(
        tmp_path / "site.xml",
        site,
        f"{site}/wp-content/uploads/2024/01/photo.png",
        f'<img src="{site}/wp-content/uploads/2024/01/photo-300x200.png">',
    )
    archive, folder = tmp_path / "library.db", tmp_path / "media"

    result = wpmigrate("export", str(wxr), str(archive), "--media", str(folder))

    assert result.returncode == 3
    assert "1 downloaded" in result.stderr and "1 failed" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "wpmigrate: error: 1 file not downloaded (media.file_error and linked_files.file_error "
        "say why); the content is archived, run again to retry"
    )
    assert rows(archive, "select file_error from media") == [("HTTP 404",)]
    assert rows(archive, "select count(*) from items") == [(1,)]  # the export itself stands
