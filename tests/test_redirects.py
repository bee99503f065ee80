"""`redirects ARCHIVE --to nginx|apache|netlify|csv`: the old site's URLs keep working.

Every item (its permalink, `/?p=ID`, `/?page_id=ID`), term archive and attachment gets an
exact-match rule to the path `convert` gives it with the same `--layout`. The sample's
permalinks are given spaces, quotes, `&`, `$`, `%` and non-ASCII letters; a real Apache
(installed with Debian's wordpress package) then answers every old URL with a 301 to the
new path, and nothing else.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from convert_support import SAMPLE, export, wpmigrate, wpmigrate_fails

SITE = "https://library.example.org"
LINKS = {  # permalink -> an odd one, as WXR writes it
    f"{SITE}/about-us/": f"{SITE}/über uns/",
    f"{SITE}/contact/": f"{SITE}/say &quot;hello&quot; &amp; 'bye'/",
    f"{SITE}/about-us/our-team/": f"{SITE}/team%20%26%20board/",
    f"{SITE}/new-acquisitions-spring-2024/": f"{SITE}/cost-$5 (50%)/",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redirects")
    text = SAMPLE.read_text(encoding="utf-8")
    for old, new in LINKS.items():
        assert f"<link>{old}</link>" in text
        text = text.replace(f"<link>{old}</link>", f"<link>{new}</link>")
    wxr = folder / "odd-links.xml"
    wxr.write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as monkeypatch:
        return export(monkeypatch, wxr, folder / "library.db")


def rules(monkeypatch, capsys, archive: Path, fmt: str, *extra: str) -> str:
    return wpmigrate(monkeypatch, "redirects", archive, "--to", fmt, *extra, capsys=capsys)


def test_csv_lists_items_terms_and_attachments(archive, monkeypatch, capsys):
    lines = rules(monkeypatch, capsys, archive, "csv", "--media-url", "/media").splitlines()
    assert lines[0] == "old,new,kind,id"
    for line in [
        "/%C3%BCber%20uns/,/page/about-us/,item,2",
        "/?p=2,/page/about-us/,item,2",
        "/?page_id=2,/page/about-us/,item,2",
        "/team%20&%20board/,/page/our-team/,item,3",
        "/say%20%22hello%22%20&%20'bye'/,/page/contact/,item,5",
        "/cost-%245%20(50%25)/,/post/new-acquisitions-spring-2024/,item,11",
        "/publications/water-for-all/,/publication/water-for-all/,item,23",
        "/?post_type=publication&p=23,/publication/water-for-all/,item,23",
        "/category/news/library-updates/,/categories/library-updates/,term,3",
        "/?cat=3,/categories/library-updates/,term,3",
        "/tag/open-data/,/tags/open-data/,term,5",
        "/?tag=open-data,/tags/open-data/,term,5",
        "/?attachment_id=24,/media/2024/03/water-report.pdf,attachment,24",
        "/wp-content/uploads/2024/03/water-report.pdf,/media/2024/03/water-report.pdf,file,24",
    ]:
        assert line in lines, line
    olds = [line.split(",")[0] for line in lines[1:]]
    assert len(olds) == len(set(olds))
    # Drafts have no public URL to keep; the trashed item is gone.
    assert not any(line.endswith((",32", ",34", ",37")) and ",item," in line for line in lines)
    # Without --media-url an attachment page goes to the item it belongs to.
    plain = rules(monkeypatch, capsys, archive, "csv").splitlines()
    assert "/?attachment_id=24,/publication/water-for-all/,attachment,24" in plain


def test_the_layout_decides_the_new_paths(archive, monkeypatch, capsys):
    lines = rules(
        monkeypatch, capsys, archive, "netlify", "--layout", "content/{type}/{year}/{slug}/index.md"
    ).splitlines()
    assert "/publications/water-for-all/ /publication/2024/water-for-all/ 301" in lines
    assert "/ post_type=publication p=23 /publication/2024/water-for-all/ 301" in lines
    assert "/%C3%BCber%20uns/ /page/2024/about-us/ 301" in lines


def test_nginx_rules_are_exact_and_quoted(archive, monkeypatch, capsys):
    text = rules(monkeypatch, capsys, archive, "nginx")
    string = r'"((?:[^"\\]|\\.)*)"'
    location = re.compile(rf"^location = {string} \{{ return 301 {string}; \}}$")
    query = re.compile(rf"^if \(\$request_uri = {string}\) \{{ return 301 {string}; \}}$")
    found = {}
    for line in text.splitlines()[1:]:
        match = location.match(line) or query.match(line)
        assert match, line
        old, new = (re.sub(r"\\(.)", r"\1", g) for g in match.groups())
        assert "$" not in new
        found[old] = new
    assert found["/über uns/"] == "/page/about-us/"
    assert found["/team & board/"] == "/page/our-team/"
    assert found["/say \"hello\" & 'bye'/"] == "/page/contact/"
    assert found["/cost-$5 (50%)/"] == "/post/new-acquisitions-spring-2024/"
    assert found["/?p=11"] == "/post/new-acquisitions-spring-2024/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def apache(tmp_path):
    """A private Apache with mod_rewrite; yields (base URL, rules file to fill, start())."""
    binary = shutil.which("apache2") or shutil.which("httpd")
    if binary is None:
        pytest.fail("apache2 is missing (Debian's wordpress package installs it)")
    modules = Path("/usr/lib/apache2/modules")
    port = free_port()
    rules_file = tmp_path / "rules.conf"
    conf = tmp_path / "httpd.conf"
    user = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"ServerRoot {tmp_path}\nListen 127.0.0.1:{port}\nPidFile {tmp_path}/httpd.pid\n"
        f"ErrorLog {tmp_path}/error.log\nServerName localhost\nDocumentRoot {tmp_path}\n"
        f"LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so\n"
        f"LoadModule authz_core_module {modules}/mod_authz_core.so\n"
        f"LoadModule rewrite_module {modules}/mod_rewrite.so\n{user}Include {rules_file}\n",
        encoding="utf-8",
    )
    process = None

    def start() -> None:
        nonlocal process
        check = subprocess.run([binary, "-t", "-f", str(conf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        process = subprocess.Popen([binary, "-X", "-f", str(conf)], start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("apache2 did not start")

    try:
        yield f"http://127.0.0.1:{port}", rules_file, start
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


def test_apache_answers_every_old_url_with_its_new_path(archive, monkeypatch, capsys, apache):
    base, rules_file, start = apache
    rules_file.write_text(rules(monkeypatch, capsys, archive, "apache"), encoding="utf-8")
    start()
    table = rules(monkeypatch, capsys, archive, "csv")
    expected = [(row["old"], row["new"]) for row in csv.DictReader(io.StringIO(table))]
    assert len(expected) > 60
    session = requests.Session()
    for old, new in expected:
        answer = session.get(base + old, allow_redirects=False, timeout=10)
        assert answer.status_code == 301, old
        assert answer.headers["Location"] in (new, base + new), old
    # Exact matches only: a longer path, another query or another id is not redirected.
    for other in ["/%C3%BCber%20uns/more/", "/?p=20000", "/?p=2&x=1", "/category/news/x/"]:
        answer = session.get(base + other, allow_redirects=False, timeout=10)
        assert answer.status_code != 301 and "Location" not in answer.headers, other


def test_a_bad_format_or_archive_is_one_line(archive, tmp_path, monkeypatch, capsys):
    error = wpmigrate_fails(monkeypatch, capsys, "redirects", archive, "--to", "caddy")
    assert "Invalid value for '--to'" in error
    error = wpmigrate_fails(monkeypatch, capsys, "redirects", tmp_path / "none.db", "--to", "nginx")
    assert error == f"wpmigrate: error: archive {tmp_path / 'none.db'} does not exist"
