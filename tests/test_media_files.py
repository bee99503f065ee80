"""`--media DIR`: the site's files downloaded next to the archive, safely and only once.

Against the real WordPress: every file matches the one in its uploads folder, byte for byte;
a re-run makes no request at all; a changed row costs one conditional request. Against
pytest-httpserver: a download cut off mid-way resumes where it stopped, and a crafted WXR
whose names try every trick (`../`, absolute paths, NUL, `CON`, backslashes, 300-character
names, planted symlinks, off-site redirects, HTML instead of a PDF) writes nothing outside
the folder.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import re
import sqlite3
import sys
from html import escape
from pathlib import Path

from werkzeug import Request, Response

from wpmigrate.cli import main
from wpmigrate.media_files import PARTIAL_DIR


def wpmigrate(monkeypatch, *args, exit_code: int = 0) -> None:
    monkeypatch.setattr(sys, "argv", ["wpmigrate", *map(str, args), "--quiet"])
    try:
        main()
    except SystemExit as exc:
        assert (exc.code or 0) == exit_code, f"wpmigrate {args} exited with {exc.code}"
    else:
        assert exit_code == 0, f"wpmigrate {args} exited with 0"


def rows(archive: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(archive) as conn:
        return conn.execute(sql, params).fetchall()


def files_counts(archive: Path) -> dict[str, int]:
    counts = rows(archive, "select counts from runs order by id desc limit 1")[0][0]
    return json.loads(counts).get("files", {})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def partial_of(folder: Path, url: str) -> tuple[Path, Path]:
    name = hashlib.sha256(url.encode()).hexdigest()[:40]
    return folder / PARTIAL_DIR / f"{name}.part", folder / PARTIAL_DIR / f"{name}.json"


# -- against the real WordPress ------------------------------------------------------------------


def test_files_match_the_uploads_folder_and_a_rerun_asks_for_nothing(
    wordpress, tmp_path, monkeypatch
):
    archive, folder = tmp_path / "library.db", tmp_path / "media"
    uploads = wordpress.uploads_dir
    # A partial file from a killed run, for a server that does not do ranges (php -S with
    # our router answers 200 to a Range request): it is fetched whole again.
    water = f"{wordpress.url}/wp-content/uploads/2023/03/water-point.png"
    part, note = partial_of(folder, water)
    part.parent.mkdir(parents=True)
    part.write_bytes(b"\x89PNG garbage from an earlier run")
    note.write_text(json.dumps({"url": water, "validator": '"stale"'}))

    wpmigrate(monkeypatch, "export", wordpress.url, archive, "--media", folder)

    media = rows(archive, "select id, file, local_path, sha256, size, mime, file_error from media")
    assert len(media) == 7 and all(error is None for *_, error in media)
    for _id, file, local_path, digest, size, mime, _ in media:
        assert local_path == file  # WordPress's own 2023/03/name layout
        assert digest == sha256(uploads / file) == sha256(folder / local_path)
        assert size == (uploads / file).stat().st_size
        assert mime in ("image/png", "application/pdf")
    linked = rows(archive, "select url, local_path, sha256 from linked_files order by url")
    assert linked  # the resized images the content shows
    for url, local_path, digest in linked:
        assert url.startswith(f"{wordpress.url}/wp-content/uploads/")
        assert digest == sha256(uploads / local_path) == sha256(folder / local_path)
    assert not part.exists() and not note.exists()
    first = files_counts(archive)
    assert first["downloaded"] == len(media) + len(linked) == first["requests"]
    assert "failed" not in first and "refused" not in first

    # Nothing changed: not one request, whatever the number of files.
    wpmigrate(monkeypatch, "sync", archive, "--media", folder)
    again = files_counts(archive)
    assert again == {"unchanged": len(media) + len(linked), "bytes": 0, "requests": 0}

    # A file damaged on disk is fetched again (one request); a media row that changed is
    # asked about with its ETag and answered 304 (one request, no bytes).
    (folder / "2023/01/annual-report-2022.pdf").write_bytes(b"not the report")
    with sqlite3.connect(archive) as conn:
        conn.execute(
            "update media set file_row_hash = 'older' where file = '2023/03/water-point.png'"
        )
    wpmigrate(monkeypatch, "sync", archive, "--media", folder)
    third = files_counts(archive)
    assert (third["downloaded"], third["not_modified"], third["requests"]) == (1, 1, 2)
    assert sha256(folder / "2023/01/annual-report-2022.pdf") == sha256(
        uploads / "2023/01/annual-report-2022.pdf"
    )


def test_rewrite_links_points_content_at_the_copies(wordpress, tmp_path, monkeypatch):
    archive, folder = tmp_path / "library.db", tmp_path / "media"
    wpmigrate(monkeypatch, "export", wordpress.url, archive, "--media", folder, "--rewrite-links")
    html = "".join(r[0] for r in rows(archive, "select content_html from items"))
    assert f"{wordpress.url}/wp-content/uploads/" not in html
    assert 'src="media/2023/03/water-point-1024x683.png"' in html
    assert files_counts(archive)["items_rewritten"] >= 3


# -- resuming, against a server that does ranges ---------------------------------------------------

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Files</title><link>{base}</link><description></description>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>{base}</wp:base_site_url>
<wp:base_blog_url>{base}</wp:base_blog_url>
"""


def attachment(post_id: int, url: str, attached_file: str = "") -> str:
    meta = (
        f"<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
        f"<wp:meta_value><![CDATA[{attached_file}]]></wp:meta_value></wp:postmeta>"
        if attached_file
        else ""
    )
    return (
        f"<item><title>file {post_id}</title><wp:post_id>{post_id}</wp:post_id>"
        "<wp:post_date>2024-01-01 00:00:00</wp:post_date>"
        "<wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt>"
        f"<wp:post_name>file-{post_id}</wp:post_name><wp:status>inherit</wp:status>"
        "<wp:post_type>attachment</wp:post_type>"
        f"<wp:attachment_url>{escape(url)}</wp:attachment_url>{meta}</item>\n"
    )


def post(post_id: int, html: str) -> str:
    return (
        f"<item><title>post {post_id}</title><wp:post_id>{post_id}</wp:post_id>"
        "<wp:post_date>2024-01-01 00:00:00</wp:post_date>"
        "<wp:post_date_gmt>2024-01-01 00:00:00</wp:post_date_gmt>"
        f"<wp:post_name>post-{post_id}</wp:post_name><wp:status>publish</wp:status>"
        f"<wp:post_type>post</wp:post_type><content:encoded><![CDATA[{html}]]></content:encoded>"
        "</item>\n"
    )


def write_wxr(path: Path, base: str, items: list[str]) -> Path:
    path.write_text(WXR_HEAD.format(base=base) + "".join(items) + "</channel></rss>\n")
    return path


def test_a_download_cut_off_resumes_where_it_stopped(httpserver, tmp_path, monkeypatch):
    body = bytes(range(256)) * 1024  # 256 KiB
    etag = '"v1"'
    served: list[dict] = []

    def cut_off(request: Request) -> Response:
        def half():
            yield body[: 128 * 1024]
            raise ConnectionResetError("the server went away")

        served.append({"range": request.headers.get("Range")})
        headers = {"ETag": etag, "Content-Length": str(len(body))}
        return Response(half(), headers=headers, content_type="application/octet-stream")

    def ranges(request: Request) -> Response:
        wanted = request.headers.get("Range", "")
        served.append({"range": wanted, "if_range": request.headers.get("If-Range")})
        if wanted.startswith("bytes=") and request.headers.get("If-Range") == etag:
            start = int(wanted[6:].rstrip("-"))
            headers = {
                "ETag": etag,
                "Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}",
            }
            return Response(body[start:], 206, headers, content_type="application/octet-stream")
        return Response(body, headers={"ETag": etag}, content_type="application/octet-stream")

    path = "/wp-content/uploads/2024/05/dataset.bin"
    url = httpserver.url_for(path)
    wxr = write_wxr(tmp_path / "site.xml", httpserver.url_for("/"), [attachment(7, url)])
    archive, folder = tmp_path / "library.db", tmp_path / "media"

    httpserver.expect_oneshot_request(path).respond_with_handler(cut_off)
    wpmigrate(monkeypatch, "export", wxr, archive, "--media", folder, exit_code=3)
    part, _ = partial_of(folder, url)
    kept = part.stat().st_size
    assert 0 < kept < len(body)
    assert files_counts(archive)["failed"] == 1
    assert rows(archive, "select local_path, file_error from media") == [
        (None, "download broke off (ChunkedEncodingError); resumes next run")
    ]

    httpserver.expect_oneshot_request(path).respond_with_handler(ranges)
    wpmigrate(monkeypatch, "export", wxr, archive, "--media", folder)
    assert served[-1] == {"range": f"bytes={kept}-", "if_range": etag}
    counts = files_counts(archive)
    assert (counts["downloaded"], counts["bytes"]) == (1, len(body) - kept)
    assert rows(archive, "select local_path, sha256, size from media") == [
        ("2024/05/dataset.bin", hashlib.sha256(body).hexdigest(), len(body))
    ]
    assert (folder / "2024/05/dataset.bin").read_bytes() == body
    assert not part.exists()


# -- hostile names ------------------------------------------------------------------------------


def test_hostile_names_stay_inside_the_folder(httpserver, tmp_path, monkeypatch):
    base = httpserver.url_for("/").rstrip("/")
    served: dict[str, bytes] = {}

    def handler(request: Request) -> Response:
        name = request.path.rsplit("/", 1)[-1]
        if name == "redirect.txt":
            return Response("", 302, {"Location": "http://evil.invalid/steal.txt"})
        if name == "report.pdf":  # a login wall or a soft 404: HTML where a PDF should be
            return Response("<html>Please log in</html>", content_type="text/html")
        if name == "big.bin":
            return Response(b"x" * 20_000, content_type="application/octet-stream")
        body = f"file at {request.full_path}".encode()
        served[request.full_path] = body
        headers = {}
        if request.args.get("attachment_id"):
            headers["Content-Disposition"] = 'attachment; filename="../../cd-escape.txt"'
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response(body, headers=headers, content_type=kind)

    httpserver.expect_request(re.compile(r"^/.*")).respond_with_handler(handler)
    long_name = "n" * 300 + ".txt"
    cases = {
        101: (f"{base}/wp-content/uploads/../../../escape-1.txt", "../../../escape-1.txt"),
        102: (f"{base}/wp-content/uploads/2024/01/%2e%2e%2f%2e%2e%2fescape-2.txt", ""),
        103: (f"{base}/download/103", "/etc/passwd"),
        104: (f"{base}/wp-content/uploads/2024/01/nul%00byte.txt", ""),
        105: (f"{base}/wp-content/uploads/2024/01/CON.txt", ""),
        106: (f"{base}/wp-content/uploads/2024/01/..%5C..%5Cwin.txt", ""),
        107: (f"{base}/wp-content/uploads/2024/01/{long_name}", ""),
        108: (f"{base}/get/108", "C:\\Windows\\System32\\evil.dll"),
        109: (f"{base}/?attachment_id=109", ""),
        110: ("ftp://evil.invalid/wp-content/uploads/2024/01/off-site.txt", ""),
        111: (f"{base}/wp-content/uploads/2024/01/redirect.txt", ""),
        112: (f"{base}/wp-content/uploads/2024/02/through-link.txt", ""),
        113: (f"{base}/wp-content/uploads/2024/01/report.pdf", ""),
        114: (f"{base}/wp-content/uploads/2024/01/big.bin", ""),
        115: (f"{base}/wp-content/uploads/2024/01/Same.txt", ""),
        116: (f"{base}/wp-content/uploads/2024/01/same.txt", ""),
        117: (f"{base}/wp-content/uploads/2024/01/planted.txt", ""),
    }
    items = [attachment(i, url, file) for i, (url, file) in cases.items()]
    items.append(
        post(
            200,
            f'<a href="{base}/wp-content/uploads/2024/03/../../../linked-escape.pdf">x</a>'
            '<img src="/wp-content/uploads/2024/03/pic.png" '
            'srcset="/wp-content/uploads/2024/03/pic-300x200.png 300w, '
            'http://evil.invalid/wp-content/uploads/2024/03/no.png 600w">',
        )
    )
    wxr = write_wxr(tmp_path / "site.xml", base, items)
    archive, folder = tmp_path / "library.db", tmp_path / "media"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "sentinel.txt").write_text("untouched")
    (folder / "2024/01").mkdir(parents=True)
    (folder / "2024/02").symlink_to(outside, target_is_directory=True)
    (folder / "2024/01/planted.txt").symlink_to(outside / "sentinel.txt")

    wpmigrate(
        monkeypatch,
        "export",
        wxr,
        archive,
        "--media",
        folder,
        "--max-file-size",
        "10K",
        exit_code=3,
    )

    got = {
        i: (path, error)
        for i, path, error in rows(archive, "select id, local_path, file_error from media")
    }
    assert {i: path for i, (path, _) in got.items() if path} == {
        101: "escape-1.txt",
        102: "2024/01/escape-2.txt",
        103: "etc/passwd",
        104: "2024/01/nul_byte.txt",
        105: "2024/01/_CON.txt",
        106: "2024/01/win.txt",
        107: got[107][0],  # checked below
        108: "C_/Windows/System32/evil.dll",
        109: "media-109/cd-escape.txt",
        115: "2024/01/Same.txt",
        116: "2024/01/same~116.txt",  # the same name on a case-insensitive disk
    }
    long_path = Path(got[107][0])
    assert long_path.parent == Path("2024/01") and long_path.suffix == ".txt"
    assert len(long_path.name.encode()) <= 200
    errors = {i: error for i, (path, error) in got.items() if not path}
    assert "not a host of the site" in errors[110]
    assert "redirected off the site to evil.invalid" in errors[111]
    assert "symbolic link" in errors[112] and "symbolic link" in errors[117]
    assert "served an HTML page" in errors[113]
    assert "--max-file-size" in errors[114]
    counts = files_counts(archive)
    assert counts["refused"] == 3 and counts["failed"] == 3  # 110, 113, 114 / 111, 112, 117

    linked = dict(rows(archive, "select url, local_path from linked_files"))
    up = f"{base}/wp-content/uploads/2024/03/../../.."
    assert linked == {
        f"{up}/linked-escape.pdf": "2024/03/linked-escape.pdf",  # `..` dropped, not resolved
        f"{base}/wp-content/uploads/2024/03/pic.png": "2024/03/pic.png",
        f"{base}/wp-content/uploads/2024/03/pic-300x200.png": "2024/03/pic-300x200.png",
    }

    # Nothing was written anywhere but the folder, and the links planted in it were not
    # followed: the folder outside still holds only its untouched sentinel.
    assert sorted(p.name for p in outside.iterdir()) == ["sentinel.txt"]
    assert (outside / "sentinel.txt").read_text() == "untouched"
    root = os.path.realpath(folder)
    for path in [*tmp_path.rglob("*")]:
        if path.is_file() and not path.is_symlink() and path.parent != tmp_path:
            real = os.path.realpath(path)
            assert real.startswith(root + os.sep) or real.startswith(str(outside)), real
    for local_path, digest in rows(
        archive, "select local_path, sha256 from media where local_path is not null"
    ):
        assert sha256(folder / local_path) == digest
    assert served  # the server did answer the ordinary files
