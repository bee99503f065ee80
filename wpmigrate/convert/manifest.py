"""The manifest: what `convert` wrote into DIR, so a re-run redoes only what changed.

`DIR/.wpmigrate-convert.json` records, per item, the file written, a digest of everything the
file was made from, the links it resolved (old URL -> what it was written as) and the files
copied next to it. A re-run rewrites an item when its digest or the options changed, or when
one of its links now resolves elsewhere (another item moved, a file was downloaded); it
removes only files the manifest lists, so nothing else in DIR is ever touched. The manifest
is saved before each batch of files is written, with those entries' digests cleared, so a
killed run still knows every file it may have left behind (and a half-written file is
rewritten on the next run: files are written in place, which on ext4 is four times faster
than through a renamed temporary file).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WPMigrateError

NAME = ".wpmigrate-convert.json"
VERSION = 1


@dataclass
class Entry:
    path: str
    digest: str | None = None  # None: being written
    refs: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # copied next to the item (bundles)
    deleted: bool = False  # kept and marked (--keep-deleted)

    def as_json(self) -> dict[str, Any]:
        """Only what is set (most entries have no copied files and are not deleted)."""
        data: dict[str, Any] = {"path": self.path, "digest": self.digest}
        if self.refs:
            data["refs"] = self.refs
        if self.files:
            data["files"] = self.files
        if self.deleted:
            data["deleted"] = True
        return data


@dataclass
class Manifest:
    folder: Path
    options: str = ""
    items: dict[int, Entry] = field(default_factory=dict)
    # The archive file's state and the selection when a run finished with every file in
    # place: a re-run that finds the same state has nothing to do (see markdown.py).
    source: str = ""
    site: str = ""  # the site's URL: a folder holds one site's conversion

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / NAME
        if not path.exists():
            return cls(folder)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            items = {int(k): Entry(**v) for k, v in data["items"].items()}
            return cls(
                folder,
                data.get("options", ""),
                items,
                data.get("source", ""),
                data.get("site", ""),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise WPMigrateError(f"{path} is not a wpmigrate manifest ({exc})") from None

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {
            "version": VERSION,
            "options": self.options,
            "source": self.source,
            "site": self.site,
            "items": {str(k): v.as_json() for k, v in sorted(self.items.items())},
        }
        # No indent: json's C encoder only runs without one (five times faster here).
        write_atomic(self.folder / NAME, json.dumps(data, ensure_ascii=False))

    def all_present(self) -> bool:
        """Every file the manifest lists is still there."""
        root = str(self.folder)
        return all(
            os.path.isfile(os.path.join(root, name))
            for entry in self.items.values()
            for name in (entry.path, *entry.files)
        )

    def owned(self) -> set[str]:
        """Every file (relative to the folder) the manifest says convert wrote."""
        paths = set()
        for entry in self.items.values():
            paths.add(entry.path)
            paths.update(entry.files)
        return paths


def digest(*parts: Any) -> str:
    """A digest of plain values (str, numbers, None, lists, dicts in a stable order)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file renamed over the target: never a half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)
