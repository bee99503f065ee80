"""The command line: export, query, search, help and version; bad input of every kind.

Commands run through `wpmigrate.cli.main` (the console script's entry point) in this process,
with `sys.argv` set, or as a real subprocess where a terminal, a pipe or a second process
matters.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import pty
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wpmigrate import __version__
from wpmigrate.archive import Archive
from wpmigrate.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "wxr"
SAMPLE = ROOT / "samples" / "research-library.xml"


def wpmigrate(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["wpmigrate", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def subprocess_wpmigrate(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wpmigrate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=kwargs.pop("cwd", ROOT),
        **kwargs,
    )


def snapshot(path: Path) -> dict[str, list]:
    """Every row of every table (runs apart: a failed run may add its own row)."""
    with sqlite3.connect(path) as conn:
        names = [
            n
            for (n,) in conn.execute("select name from sqlite_master where type = 'table'")
            if n != "runs" and not n.startswith("items_fts_")
        ]
        tables = {n: conn.execute(f'select * from "{n}" order by rowid').fetchall() for n in names}
        tables["runs (before)"] = conn.execute("select * from runs where id = 1").fetchall()
    return tables


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "library.db"
    result = subprocess_wpmigrate("export", SAMPLE, path, "--quiet")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture
def archive(sample_archive, tmp_path) -> Path:
    """A private copy of the sample's archive, for commands that may write."""
    path = tmp_path / "library.db"
    shutil.copy(sample_archive, path)
    return path


# -- export ---------------------------------------------------------------------------------


def test_export_prints_a_summary(monkeypatch, capsys, tmp_path):
    code, out, err = wpmigrate(monkeypatch, capsys, "export", SAMPLE, tmp_path / "a.db")
    assert (code, out) == (0, "")
    (line,) = err.splitlines()
    assert line.startswith("run 1: items 22 added, 0 modified")
    assert "16 terms, 10 media" in line
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("select count(*) from items").fetchone() == (22,)
    code, out, err = wpmigrate(monkeypatch, capsys, "export", SAMPLE, tmp_path / "a.db")
    assert code == 0
    assert err.startswith("run 2: items 0 added, 0 modified")
    assert "22 unchanged" in err


def test_export_quiet_prints_nothing(monkeypatch, capsys, tmp_path):
    assert wpmigrate(monkeypatch, capsys, "export", SAMPLE, tmp_path / "a.db", "--quiet") == (
        0,
        "",
        "",
    )


def test_export_gzipped_file(monkeypatch, capsys, tmp_path):
    packed = tmp_path / "site.xml.gz"
    packed.write_bytes(gzip.compress(SAMPLE.read_bytes()))
    code, _, err = wpmigrate(monkeypatch, capsys, "export", packed, tmp_path / "a.db")
    assert code == 0, err
    assert err.startswith("run 1: items 22 added")


def test_progress_shows_on_a_terminal_only(tmp_path):
    # Piped stderr: the summary line and nothing else.
    piped = subprocess_wpmigrate("export", SAMPLE, tmp_path / "piped.db")
    assert piped.returncode == 0
    assert piped.stderr.count("\n") == 1 and "\r" not in piped.stderr
    assert piped.stderr.startswith("run 1: items 22 added")
    # A terminal: a progress line with the item count and rate.
    leader, follower = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "wpmigrate", "export", SAMPLE, tmp_path / "tty.db"],
            stdout=subprocess.DEVNULL,
            stderr=follower,
            timeout=60,
            cwd=ROOT,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0
    text = shown.decode()
    assert "items: 22" in text
    assert "/s" in text
    assert "run 1: items 22 added" in text


# -- query ----------------------------------------------------------------------------------


def test_query_table_output(monkeypatch, capsys, sample_archive):
    code, out, err = wpmigrate(
        monkeypatch,
        capsys,
        "query",
        sample_archive,
        "select type, status, count(*) as n from items group by 1, 2 order by 1, 2",
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["type", "status", "n"]
    assert lines[2].split() == ["page", "publish", "4"]
    assert lines[-1].split() == ["publication", "trash", "1"]
    assert len(lines) == 2 + 8


def test_query_json_with_a_parameter(monkeypatch, capsys, sample_archive):
    code, out, _ = wpmigrate(
        monkeypatch,
        capsys,
        "query",
        sample_archive,
        "select id, title, sticky from items where id = :id",
        "-p",
        "id",
        "12",
        "--json",
    )
    assert code == 0
    assert json.loads(out) == [
        {"id": 12, "title": "Displacement & Drought in the Horn of Africa", "sticky": 0}
    ]


def test_query_csv(monkeypatch, capsys, sample_archive):
    code, out, _ = wpmigrate(
        monkeypatch,
        capsys,
        "query",
        sample_archive,
        "select id, name from authors order by id",
        "--csv",
    )
    assert code == 0
    assert list(csv.reader(io.StringIO(out))) == [
        ["id", "name"],
        ["1", "Library Admin"],
        ["2", "Zoë Åberg"],
        ["3", "Research & Policy Team"],
        ["4", "Daniel Okafor"],
    ]


@pytest.mark.parametrize(
    "sql",
    [
        "delete from items",
        "update items set title = 'x'",
        "drop table items",
        "insert into authors (id, login) values (99, 'x')",
        "select 1; delete from items",
    ],
)
def test_query_is_read_only(monkeypatch, capsys, archive, sql):
    before = snapshot(archive)
    code, out, err = wpmigrate(monkeypatch, capsys, "query", archive, sql)
    assert code != 0
    assert out == ""
    assert len(err.splitlines()) == 1 and err.startswith("wpmigrate: error: ")
    assert snapshot(archive) == before


def test_query_bad_sql_is_one_line(monkeypatch, capsys, sample_archive):
    code, out, err = wpmigrate(monkeypatch, capsys, "query", sample_archive, "select nope")
    assert (code, out) == (1, "")
    assert err == "wpmigrate: error: query failed: no such column: nope\n"


# -- search ---------------------------------------------------------------------------------


def test_search_ranked_results(monkeypatch, capsys, sample_archive):
    code, out, _ = wpmigrate(
        monkeypatch, capsys, "search", sample_archive, "forced", "labour", "--json"
    )
    assert code == 0
    results = json.loads(out)
    assert results == [
        {
            "id": 26,
            "type": "publication",
            "date": "2024-02-01",
            "title": "Policy Paper: Due Diligence Laws and Forced Labour in Europe",
            "link": "https://library.example.org/publications/policy-paper-due-diligence-laws-europe/",
        },
        {
            "id": 19,
            "type": "publication",
            "date": "2023-07-04",
            "title": "Hidden Hands: Forced Labour in Global Supply Chains",
            "link": (
                "https://library.example.org/publications/hidden-hands-forced-labour-supply-chains/"
            ),
        },
    ]


def test_search_table_type_and_limit(monkeypatch, capsys, sample_archive):
    code, out, _ = wpmigrate(monkeypatch, capsys, "search", sample_archive, "forced labour")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "type", "date", "title", "link"]
    assert [line.split()[0] for line in lines[2:]] == ["26", "19"]
    code, out, _ = wpmigrate(
        monkeypatch, capsys, "search", sample_archive, "water", "--type", "page", "--json"
    )
    assert [(r["id"], r["type"]) for r in json.loads(out)] == [(2, "page")]
    code, out, _ = wpmigrate(
        monkeypatch, capsys, "search", sample_archive, "water", "--limit", "1", "--json"
    )
    assert len(json.loads(out)) == 1


def test_search_leaves_out_deleted_items_and_neutralises_fts_syntax(
    monkeypatch, capsys, sample_archive
):
    code, out, _ = wpmigrate(monkeypatch, capsys, "search", sample_archive, "withdrawn", "--json")
    assert (code, json.loads(out)) == (0, [])  # only item 37, which is in the trash
    code, out, err = wpmigrate(monkeypatch, capsys, "search", sample_archive, 'water" OR (')
    assert code == 0, err


def test_search_without_matches(monkeypatch, capsys, sample_archive):
    code, out, err = wpmigrate(monkeypatch, capsys, "search", sample_archive, "zzzqqq")
    assert (code, out, err) == (0, "", "no matches\n")


# -- help and version -----------------------------------------------------------------------


def test_version():
    result = subprocess_wpmigrate("--version")
    assert result.returncode == 0
    assert result.stdout == f"wpmigrate, version {__version__}\n"


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ([], "wpmigrate export samples/research-library.xml library.db"),
        (["export"], "wpmigrate export site.wordpress.2024-05-01.xml library.db"),
        (["query"], 'wpmigrate query library.db "select type, count(*) from items group by'),
        (["search"], 'wpmigrate search library.db "forced labour"'),
    ],
)
def test_help_shows_examples(monkeypatch, capsys, command, example):
    code, out, _ = wpmigrate(monkeypatch, capsys, *command, "--help")
    assert code == 0
    assert out.startswith("Usage: ")
    assert example in out


# -- bad input --------------------------------------------------------------------------------


def assert_one_line_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert code != 0
    assert out == ""
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("wpmigrate: error: ")
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("missing.xml", "no such file"),
        ("junk.bin", "not an XML file"),
        ("truncated.xml", ""),  # another site's file: refused before or while reading
        ("not-wxr.xml", "not a WordPress export"),
        ("doctype-entities.xml", "DOCTYPE"),
        ("billion-laughs.xml", "DOCTYPE"),
        ("external-entity.xml", "DOCTYPE"),
    ],
)
def test_bad_source_keeps_the_archive(monkeypatch, capsys, archive, source, fragment):
    before = snapshot(archive)
    started = time.monotonic()
    result = wpmigrate(monkeypatch, capsys, "export", FIXTURES / source, archive)
    assert time.monotonic() - started < 5
    assert_one_line_error(*result, fragment)
    assert snapshot(archive) == before
    assert "Riverside Research Library" not in result[2]  # &org; is never expanded


def test_truncated_export_of_the_same_site_keeps_the_archive(
    monkeypatch, capsys, archive, tmp_path
):
    text = SAMPLE.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(text[: text.index(b"<wp:post_id>27</wp:post_id>")])
    before = snapshot(archive)
    result = wpmigrate(monkeypatch, capsys, "export", cut, archive)
    assert_one_line_error(*result, "not a readable WXR file")
    assert snapshot(archive) == before
    with sqlite3.connect(archive) as conn:
        assert conn.execute("select status from runs order by id").fetchall()[0] == ("ok",)


def test_external_entity_is_never_read(monkeypatch, capsys, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    xml = (FIXTURES / "external-entity.xml").read_text()
    assert "file:///etc/passwd" in xml
    attack = tmp_path / "attack.xml"
    attack.write_text(xml.replace("file:///etc/passwd", secret.as_uri()))
    result = wpmigrate(monkeypatch, capsys, "export", attack, tmp_path / "a.db")
    assert_one_line_error(*result, "DOCTYPE")
    assert "TOP-SECRET-MARKER" not in result[1] + result[2]
    if (tmp_path / "a.db").exists():
        assert b"TOP-SECRET-MARKER" not in (tmp_path / "a.db").read_bytes()


def test_billion_laughs_is_refused_quickly_in_bounded_memory(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import resource, sys\n"
            "from wpmigrate.cli import main\n"
            "sys.argv = ['wpmigrate', 'export', sys.argv[1], sys.argv[2]]\n"
            "try:\n"
            "    main()\n"
            "finally:\n"
            "    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stdout)\n",
            FIXTURES / "billion-laughs.xml",
            tmp_path / "a.db",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "DOCTYPE" in result.stderr and "Traceback" not in result.stderr
    assert int(result.stdout.strip()) < 200_000  # KB


def test_archive_in_a_missing_folder(monkeypatch, capsys, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "a.db"
    result = wpmigrate(monkeypatch, capsys, "export", SAMPLE, target)
    assert_one_line_error(*result, "does not exist")
    assert not (tmp_path / "no").exists()


def test_archive_that_is_not_sqlite(monkeypatch, capsys, tmp_path):
    target = tmp_path / "notes.db"
    shutil.copy(FIXTURES / "junk.bin", target)
    result = wpmigrate(monkeypatch, capsys, "export", SAMPLE, target)
    assert_one_line_error(*result, "not a SQLite archive")
    assert target.read_bytes() == (FIXTURES / "junk.bin").read_bytes()
    for command in (["query", target, "select 1"], ["search", target, "water"]):
        assert_one_line_error(*wpmigrate(monkeypatch, capsys, *command), "not a SQLite archive")


def test_query_on_a_missing_archive(monkeypatch, capsys, tmp_path):
    result = wpmigrate(monkeypatch, capsys, "query", tmp_path / "none.db", "select 1")
    assert_one_line_error(*result, "does not exist")
    assert not (tmp_path / "none.db").exists()


def test_damaged_archive_is_one_line(archive):
    data = bytearray(archive.read_bytes())
    noise = random.Random(3)
    for i in range(len(data) // 2, len(data)):
        data[i] = noise.randrange(256)
    archive.write_bytes(bytes(data))
    result = subprocess_wpmigrate("export", SAMPLE, archive)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr


def test_archive_busy_in_another_process(archive):
    before = snapshot(archive)
    with Archive.open(archive):
        result = subprocess_wpmigrate("export", SAMPLE, archive)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"wpmigrate: error: archive {archive} is busy: another wpmigrate process is writing to it"
    ]
    assert snapshot(archive) == before


def test_bad_input_in_a_real_process_has_no_traceback(tmp_path):
    result = subprocess_wpmigrate("export", FIXTURES / "junk.bin", tmp_path / "a.db")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"wpmigrate: error: {FIXTURES / 'junk.bin'}: not an XML file (it does not start with '<')"
    ]
