"""A WXR file is read in a child process (Linux), with exactly what reading it in-process gives.

The child parses and sends records; the parent decodes, renders, cleans and writes. Records,
their order, the source's skips and warnings, and the archive are the same either way; a
failure in the child reaches the parent after the records read before it; Ctrl-C stops both
processes, and a reader whose parent was killed leaves too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from wxr_support import item, rows, write_wxr

from wpmigrate.errors import SourceError
from wpmigrate.mapping import load_mapping
from wpmigrate.sources import child_process, wxr
from wpmigrate.sources.wxr import WXRSource

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
THEME_DATA = ROOT / "tests" / "fixtures" / "wxr" / "theme-test-data"
SKIP_TYPES = load_mapping().skip_types


def read(path: Path, *, forked: bool, monkeypatch) -> tuple[list, dict, list]:
    monkeypatch.setattr(wxr, "can_fork", lambda: forked)
    source = WXRSource(path, skip_types=SKIP_TYPES)
    records = list(source.records())
    return records, dict(source.skipped), list(source.warnings)


def test_a_command_forks_its_reader_here():
    """Linux, and a fresh process has one thread (the test runner may have more: its
    in-process runs read in-process, the same code without the pipe)."""
    code = "from wpmigrate.sources.child_process import can_fork; print(can_fork())"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.strip() == "True"


@pytest.mark.parametrize(
    "path",
    [SAMPLE, THEME_DATA / "themeunittestdata.wordpress.xml", THEME_DATA / "64-block-test-data.xml"],
    ids=lambda p: p.name,
)
def test_a_forked_reader_yields_what_an_in_process_one_does(path, monkeypatch):
    forked = read(path, forked=True, monkeypatch=monkeypatch)
    in_process = read(path, forked=False, monkeypatch=monkeypatch)
    assert forked == in_process
    assert len(forked[0]) > 40


def test_records_read_before_a_failure_arrive_before_it(tmp_path, monkeypatch):
    text = SAMPLE.read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<item>", len(text) // 2) + 200], encoding="utf-8")
    outcomes = []
    for forked in (True, False):
        monkeypatch.setattr(wxr, "can_fork", lambda forked=forked: forked)
        source = WXRSource(cut, skip_types=SKIP_TYPES)
        seen = []
        with pytest.raises(SourceError) as error:
            seen.extend(source.records())
        outcomes.append((seen, str(error.value), dict(source.skipped)))
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0][0]) > 10


def test_a_reader_that_dies_is_a_one_line_error():
    """A reader killed (by the OOM killer, say) mid-file: the parent says so, not hangs."""

    def dies() -> Iterator[int]:
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)
        yield 2

    read = child_process.records_in_child(dies, snapshot=lambda: None, restore=lambda _: None)
    with pytest.raises(SourceError) as error:
        list(read)
    assert str(error.value) == "the reading process stopped without a word (exit code -9)"


def many_items(tmp_path: Path, count: int) -> Path:
    """A WXR file long enough that an export of it is still reading after a second."""
    return write_wxr(tmp_path / "many.xml", [item(str(i)) for i in range(1, count + 1)])


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "\nState:\tZ" not in status.read_text()


def start_export(source: Path, archive: Path, **options) -> tuple[subprocess.Popen, int]:
    """`wpmigrate export` in a new session, once its reader is running: (process, reader)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "wpmigrate", "export", str(source), str(archive), "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **options,
    )
    deadline = time.monotonic() + 30
    while not children_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    readers = children_of(process.pid)
    assert readers, "the export started no reader"
    return process, readers[0]


def test_a_reader_whose_parent_is_killed_leaves(tmp_path):
    process, reader = start_export(many_items(tmp_path, 30_000), tmp_path / "library.db")
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while alive(reader) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(reader)


def test_ctrl_c_stops_both_processes_and_leaves_no_archive(tmp_path):
    archive = tmp_path / "library.db"
    process, reader = start_export(
        many_items(tmp_path, 30_000),
        archive,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    stderr = process.communicate(timeout=30)[1]
    assert process.returncode == 130
    assert stderr.strip().splitlines() == ["wpmigrate: aborted"]
    assert not alive(reader)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.xml"]


def test_an_export_through_the_reader_archives_every_item(tmp_path):
    archive = tmp_path / "library.db"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "wpmigrate",
            "export",
            str(many_items(tmp_path, 2_000)),
            str(archive),
        ],
        check=True,
        capture_output=True,
    )
    assert rows(archive, "select count(*), min(id), max(id) from items") == [(2_000, 1, 2_000)]
