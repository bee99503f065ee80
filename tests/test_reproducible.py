"""Same input, same archive: two exports of one file are identical to the byte.

Each export runs in its own process with its own string hashing (`PYTHONHASHSEED`), which
is what made ACF repeater rows change key order between runs; `SOURCE_DATE_EPOCH` fixes the
clock, the only other thing that differs between two runs.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
MAPPING = ROOT / "mappings" / "research-library.toml"


def export(archive: Path, hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "SOURCE_DATE_EPOCH": "1715860800"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wpmigrate",
            "export",
            str(SAMPLE),
            str(archive),
            "--quiet",
            "--mapping",
            str(MAPPING),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return hashlib.sha256(archive.read_bytes()).hexdigest()


def test_two_exports_of_one_file_are_identical_to_the_byte(tmp_path):
    first = export(tmp_path / "first.db", "1")
    second = export(tmp_path / "second.db", "2")
    assert first == second


def test_the_clock_is_the_one_given(tmp_path):
    export(tmp_path / "library.db", "0")
    with sqlite3.connect(tmp_path / "library.db") as conn:
        started, finished = conn.execute("select started_at, finished_at from runs").fetchone()
        fetched = {r[0] for r in conn.execute("select distinct fetched_at from items")}
    assert (started, finished, fetched) == (
        "2024-05-16T12:00:00Z",
        "2024-05-16T12:00:00Z",
        {"2024-05-16T12:00:00Z"},
    )
