"""`--media DIR`: a symlink planted in the folder is never followed, whatever wpmigrate writes.

The partial download (`.wpmigrate-partial/<hash>.part`), its sidecar (`<hash>.json`, which
holds the server's ETag) and the partial folder itself are each replaced by a link to a file
or folder outside DIR; the download is refused (`file_error` says why) and nothing outside
DIR changes. A file served by pytest-httpserver, named in a small WXR.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_media_files import attachment, partial_of, rows, wpmigrate, write_wxr
from werkzeug import Response

from wpmigrate.media_files import PARTIAL_DIR

PATH = "/wp-content/uploads/2024/05/notes.txt"
OUTSIDE = b"precious bytes outside the media folder\n"


@pytest.fixture
def served(httpserver):
    httpserver.expect_request(PATH).respond_with_response(
        Response(b"file body", headers={"ETag": '"server-controlled"'}, content_type="text/plain")
    )
    return httpserver.url_for(PATH)


def export(monkeypatch, tmp_path: Path, url: str) -> Path:
    """Export with --media; the refused download makes the run exit 3 (files not fetched)."""
    wxr = write_wxr(tmp_path / "site.xml", url.removesuffix(PATH), [attachment(7, url)])
    archive = tmp_path / "library.db"
    wpmigrate(monkeypatch, "export", wxr, archive, "--media", tmp_path / "media", exit_code=3)
    return archive


@pytest.mark.parametrize("planted", ["sidecar", "partial"])
def test_a_planted_link_in_the_partial_folder_is_not_followed(
    served, tmp_path, monkeypatch, planted
):
    folder = tmp_path / "media"
    part, sidecar = partial_of(folder, served)
    part.parent.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(OUTSIDE)
    link = sidecar if planted == "sidecar" else part
    link.symlink_to(victim)

    archive = export(monkeypatch, tmp_path, served)

    assert victim.read_bytes() == OUTSIDE
    assert os.path.islink(link)
    [(local_path, error)] = rows(archive, "select local_path, file_error from media")
    assert local_path is None
    assert error == f"cannot write the file: {link} is a symbolic link"
    assert not (folder / "2024/05/notes.txt").exists()


def test_a_partial_folder_that_is_a_link_is_refused(served, tmp_path, monkeypatch):
    folder = tmp_path / "media"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (folder / PARTIAL_DIR).symlink_to(elsewhere)

    archive = export(monkeypatch, tmp_path, served)

    assert list(elsewhere.iterdir()) == []
    [(error,)] = rows(archive, "select file_error from media")
    assert error == f"cannot write the file: {folder / PARTIAL_DIR} is a symbolic link"
