"""Fuzzing the WXR reader: a few hundred mutants of real WXR files, seeded, in this process.

Seeds are real WXR files: the shipped sample, the WXR fixtures and WordPress's theme test
data, each cut to its channel header and first few items so a run takes milliseconds. Each
mutant is what a broken export looks like: cut off, a span lost or doubled, a byte changed,
a tag dropped, a value replaced by a hostile one, an item repeated, the file re-encoded or
gzipped. Every run must end in one of two ways:

- a clean error (a `WPMigrateError`, one line), with an existing archive byte for byte as
  it was and, on a first export, no file left behind; or
- a complete archive: the run recorded `ok`, `pragma integrity_check` ok and
  `pragma foreign_key_check` empty.

Anything else (another exception: a traceback at the CLI) fails the test with the mutants
that caused it. `python -m pytest tests/test_fuzz_wxr.py -s` prints the tally.
"""

from __future__ import annotations

import gzip
import hashlib
import random
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wpmigrate import runs
from wpmigrate.errors import WPMigrateError
from wpmigrate.mapping import load_mapping
from wpmigrate.sources import open_source

ROOT = Path(__file__).resolve().parent.parent
WXR = ROOT / "tests" / "fixtures" / "wxr"
SEED_FILES = [
    ROOT / "samples" / "research-library.xml",
    WXR / "test-site.wordpress.xml",
    WXR / "wxr-1.0.xml",
    WXR / "wxr-1.1.xml",
    WXR / "cdata-split.xml",
    WXR / "latin1.xml",
    WXR / "theme-test-data" / "themeunittestdata.wordpress.xml",
    WXR / "theme-test-data" / "64-block-test-data.xml",
]
ITEMS_PER_SEED = 6
MUTANTS = 300
SEED = 20240516

HOSTILE_VALUES = [
    b"",
    b" ",
    b"abc",
    b"-1",
    b"0",
    b"99999999999999999999",
    b" 12 ",
    b"1e5",
    b"\xc3\xa9\xe2\x80\x94",
    b"\xff\xfe",
    b"&amp;",
    b"&bogus;",
    b"&#0;",
    b"]]>",
    b"<![CDATA[",
    b"a:1:{s:1:",
    b'a:2:{i:0;s:1:"x";i:1;a:1:{s:3:"key";O:8:"stdClass":0:{}}}',
    b"0000-00-00 00:00:00",
    b"2024-13-45 25:61:61",
    b"publish",
    b"attachment",
    b"javascript:alert(1)",
]
HOSTILE_SNIPPETS = [
    b"<!DOCTYPE x [<!ENTITY e 'x'>]>",
    b"<item>",
    b"</item>",
    b"</channel>",
    b"<wp:post_id>",
    b"<![CDATA[",
    b"&lt;",
    b"\x00",
    b"\x1b",
    b"\xef\xbb\xbf",
    b"<?xml version='1.0'?>",
    b"<item><wp:post_id>7</wp:post_id><wp:post_type>post</wp:post_type></item>",
    b"<category domain='category' nicename='x'><![CDATA[X]]></category>",
    b"<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>999999</wp:meta_value></wp:postmeta>",
]
SIMPLE_ELEMENT = re.compile(
    rb"<((?:wp|dc|excerpt|content):[a-z_]+)>([^<]*|<!\[CDATA\[.*?\]\]>)</\1>"
)


def cut_to_size(text: bytes) -> bytes:
    """The file's header (site, authors, terms) and its first few items."""
    starts = [m.start() for m in re.finditer(rb"<item>", text)]
    if len(starts) <= ITEMS_PER_SEED:
        return text
    return text[: starts[ITEMS_PER_SEED]] + text[text.rindex(b"</channel>") :]


def mutate(text: bytes, rng: random.Random) -> tuple[str, bytes, str]:
    """(what was done, the mutant's bytes, its file suffix)."""
    n = len(text)
    at = rng.randrange(n)
    kind = rng.choice(MUTATIONS)
    if kind == "truncate":
        return f"truncate@{at}", text[:at], ".xml"
    if kind == "delete":
        length = rng.randint(1, 300)
        return f"delete@{at}+{length}", text[:at] + text[at + length :], ".xml"
    if kind == "duplicate":
        length = rng.randint(1, 300)
        to = rng.randrange(n)
        return (
            f"duplicate@{at}+{length}->{to}",
            text[:to] + text[at : at + length] + text[to:],
            ".xml",
        )
    if kind == "byte":
        value = rng.randrange(256)
        return f"byte@{at}={value}", text[:at] + bytes([value]) + text[at + 1 :], ".xml"
    if kind == "drop-tag":
        tags = [m.span() for m in re.finditer(rb"</?[A-Za-z][^>]*>", text)]
        start, end = rng.choice(tags)
        return f"drop-tag@{start}", text[:start] + text[end:], ".xml"
    if kind == "value":
        elements = list(SIMPLE_ELEMENT.finditer(text))
        element = rng.choice(elements)
        value = rng.choice(HOSTILE_VALUES)
        start, end = element.span(2)
        name = element.group(1).decode()
        return f"value {name}={value!r}", text[:start] + value + text[end:], ".xml"
    if kind == "snippet":
        boundaries = [m.start() for m in re.finditer(rb"<", text)]
        where = rng.choice(boundaries)
        snippet = rng.choice(HOSTILE_SNIPPETS)
        return f"snippet@{where} {snippet[:20]!r}", text[:where] + snippet + text[where:], ".xml"
    if kind == "repeat-item":
        items = [m.span() for m in re.finditer(rb"<item>.*?</item>", text, re.DOTALL)]
        if not items:
            return "repeat-item (none)", text, ".xml"
        start, end = rng.choice(items)
        return f"repeat-item@{start}", text[:end] + text[start:end] + text[end:], ".xml"
    if kind == "encoding":
        encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1-declared"])
        if encoding == "latin-1-declared":
            return encoding, re.sub(rb'encoding="[^"]*"', b'encoding="ISO-8859-1"', text), ".xml"
        decoded = text.decode("utf-8", errors="replace")
        if encoding != "utf-16":  # without a byte order mark, as some editors save it
            decoded = re.sub(r'encoding="[^"]*"', f'encoding="{encoding}"', decoded)
        return encoding, decoded.encode(encoding), ".xml"
    packed = gzip.compress(text, mtime=0)
    if rng.random() < 0.5:
        return "gzip", packed, ".xml.gz"
    cut = rng.randrange(len(packed))
    return f"gzip-truncated@{cut}", packed[:cut], ".xml.gz"


MUTATIONS = [
    "truncate",
    "delete",
    "duplicate",
    "byte",
    "drop-tag",
    "value",
    "value",
    "snippet",
    "repeat-item",
    "encoding",
    "gzip",
]


@dataclass
class Outcome:
    kind: str  # "error", "archive", "traceback", "changed" (a failed run changed the archive)
    detail: str = ""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_mutant(mutant: Path, archive: Path, base: bytes | None, command: str) -> Outcome:
    """One run of `mutant` into `archive` (holding `base`, or absent for a first export)."""
    if base is not None:
        archive.write_bytes(base)
    before = digest(archive) if base is not None else None
    mapping = load_mapping([])
    try:
        runs.run(
            open_source(str(mutant), mapping),
            archive,
            mapping,
            command=command,
            detect_deletions=command == "sync",
        )
    except WPMigrateError as exc:
        if "\n" in str(exc):
            return Outcome("traceback", f"a message of several lines: {exc!r}")
        left = sorted(p.name for p in archive.parent.glob(archive.name + "*"))
        if base is None and left:
            return Outcome("changed", f"a failed first export left {left}")
        if base is not None and (digest(archive) != before or left != [archive.name]):
            return Outcome("changed", f"{exc} (left {left})")
        return Outcome("error", str(exc))
    except Exception as exc:  # what the CLI would show as a bug
        return Outcome("traceback", f"{type(exc).__name__}: {exc}")
    with sqlite3.connect(archive) as conn:
        status = conn.execute("select status from runs order by id desc limit 1").fetchone()
        integrity = conn.execute("pragma integrity_check").fetchall()
        dangling = conn.execute("pragma foreign_key_check").fetchall()
    conn.close()
    if status != ("ok",) or integrity != [("ok",)] or dangling:
        return Outcome("traceback", f"incomplete archive: {status} {integrity} {dangling[:3]}")
    return Outcome("archive")


def fuzz(folder: Path, mutants: int, seed: int) -> tuple[Counter[str], list[str]]:
    """Run `mutants` mutants in `folder`: the tally of outcomes, and the problems found."""
    rng = random.Random(seed)
    mapping = load_mapping([])
    seeds = []
    for number, path in enumerate(SEED_FILES):
        text = cut_to_size(path.read_bytes())
        seed_file = folder / f"seed-{number}.xml"
        seed_file.write_bytes(text)
        archive = folder / f"seed-{number}.db"
        source = open_source(str(seed_file), mapping)
        runs.run(source, archive, mapping, command="export", detect_deletions=False)
        seeds.append((path.name, text, archive.read_bytes()))

    tally: Counter[str] = Counter()
    problems = []
    for number in range(mutants):
        name, text, base = rng.choice(seeds)
        what, mutant_bytes, suffix = mutate(text, rng)
        run_folder = folder / f"m{number}"
        run_folder.mkdir()
        mutant = run_folder / f"mutant{suffix}"
        mutant.write_bytes(mutant_bytes)
        first = number % 4 == 0  # a quarter are first exports, the rest update an archive
        command = "export" if first or number % 4 == 1 else "sync"
        outcome = run_mutant(mutant, run_folder / "library.db", None if first else base, command)
        tally[outcome.kind] += 1
        if outcome.kind in ("traceback", "changed"):
            problems.append(f"{name} {what} ({command}): {outcome.kind}: {outcome.detail}")
    return tally, problems


def test_mutated_wxr_files_end_in_a_clean_error_or_a_complete_archive(tmp_path):
    tally, problems = fuzz(tmp_path, MUTANTS, SEED)
    print(
        f"\nfuzz: {MUTANTS} mutants tried, {tally['error']} clean errors, "
        f"{tally['archive']} complete archives, {tally['traceback']} tracebacks, "
        f"{tally['changed']} archives changed by a failed run"
    )
    assert tally["error"] + tally["archive"] == MUTANTS
    assert problems == []
