"""File names from a site, made safe to write under one folder.

Names reach us from URLs, WXR postmeta (`_wp_attached_file`) and Content-Disposition
headers: all of them are someone else's text. Whatever they say, the path we write stays
inside the download folder and is a valid name on Linux, macOS and Windows:

* separators: `/` and `\\` both split; `..`, `.` and empty segments are dropped, so
  `../../etc/passwd` and `/etc/passwd` both become `etc/passwd`;
* NUL, control characters and `<>:"|?*` become `_`; trailing dots and spaces go (Windows
  drops them silently, which would merge names); a leading dot goes (no hidden files);
* Windows device names (`CON`, `NUL.txt`, `com1.pdf`…) get a `_` prefix;
* a segment longer than 200 bytes is cut, keeping its extension and adding a short hash of
  the original so two long names do not collide; at most 8 folders deep.

`inside()` then joins the result to the folder and refuses any existing symlink on the
way, so a link planted in the folder cannot redirect a write elsewhere; `open_for_write()`
and `open_for_read()` open the last part without following a link (O_NOFOLLOW, or an lstat
check just before where the system has no such flag).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import BinaryIO

MAX_SEGMENT_BYTES = 200
MAX_DEPTH = 8
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    "CONIN$",
    "CONOUT$",
    *(f"COM{i}" for i in "123456789¹²³"),
    *(f"LPT{i}" for i in "123456789¹²³"),
}


class UnsafePathError(ValueError):
    """A path that cannot be written safely (a symlink or a file where a folder must go)."""


def safe_relative_path(raw: str) -> PurePosixPath | None:
    """`raw` as a relative POSIX path with only safe segments; None when nothing is left."""
    text = unicodedata.normalize("NFC", raw).replace("\\", "/")
    parts = [s for s in (clean_segment(part) for part in text.split("/")) if s]
    if not parts:
        return None
    return PurePosixPath(*parts[-MAX_DEPTH:])


def clean_segment(segment: str) -> str:
    """One file or folder name made safe; '' when nothing usable remains."""
    original = segment
    segment = _UNSAFE.sub("_", segment).strip().rstrip(". ").lstrip(".")
    if not segment:
        return ""
    if segment.split(".", 1)[0].strip().upper() in _RESERVED:
        segment = "_" + segment
    if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
        segment = _shorten(segment, original)
    return segment


def _shorten(segment: str, original: str) -> str:
    stem, dot, ext = segment.rpartition(".")
    if not dot or len(ext) > 16 or not stem:
        stem, ext = segment, ""
    tag = "~" + hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    budget = MAX_SEGMENT_BYTES - len(tag.encode()) - (len(ext.encode()) + 1 if ext else 0)
    cut = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(". ")
    return cut + tag + ("." + ext if ext else "")


def with_suffix_tag(path: PurePosixPath, tag: str) -> PurePosixPath:
    """`2024/03/report.pdf` + `12` → `2024/03/report~12.pdf` (to separate clashing names)."""
    name = path.name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return path.with_name(f"{name}~{tag}")
    return path.with_name(f"{stem}~{tag}.{ext}")


def inside(root: Path, relative: PurePosixPath) -> Path:
    """`root / relative`, after checking that no existing part of it is a symlink.

    Folders are not created here; `make_parents()` does that with the same checks.
    """
    target = root.joinpath(*relative.parts)
    current = root
    for part in relative.parts:
        current = current / part
        if os.path.islink(current):
            raise UnsafePathError(f"{current} is a symbolic link")
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(target.parent)]) != real_root:
        raise UnsafePathError(f"{relative} leaves the download folder")
    return target


def make_parents(root: Path, relative: PurePosixPath) -> None:
    """Create the folders of `relative` under `root`, refusing symlinks and files on the way."""
    current = root
    for part in relative.parts[:-1]:
        current = current / part
        if os.path.islink(current):
            raise UnsafePathError(f"{current} is a symbolic link")
        if not current.exists():
            with contextlib.suppress(FileExistsError):  # another download made it meanwhile
                current.mkdir()
        if not current.is_dir() or os.path.islink(current):
            raise UnsafePathError(f"{current} is not a folder")


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


def open_for_write(path: Path, *, append: bool = False) -> BinaryIO:
    """`path` opened for writing (created, truncated or appended to), never through a link."""
    flags = os.O_WRONLY | os.O_CREAT | _BINARY | (os.O_APPEND if append else os.O_TRUNC)
    return os.fdopen(_open(path, flags), "ab" if append else "wb")


def open_for_read(path: Path) -> BinaryIO:
    """`path` opened for reading, refusing a symlink there rather than reading its target."""
    return os.fdopen(_open(path, os.O_RDONLY | _BINARY), "rb")


def _open(path: Path, flags: int) -> int:
    if not _NOFOLLOW and os.path.islink(path):  # the portable fallback
        raise UnsafePathError(f"{path} is a symbolic link")
    try:
        return os.open(path, flags | _NOFOLLOW, 0o644)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise UnsafePathError(f"{path} is a symbolic link") from None
        raise
