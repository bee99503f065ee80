"""The manifest: what `convert` wrote into DIR, so a re-run redoes only what changed.

`DIR/.wpmigrate-convert.json` records, per item, the file written, a digest of everything the
file was made from, the links it resolved (old URL -> what it was written as) and the files
copied next to it. A re-run rewrites an item when its digest or the options changed, or when
one of its links now resolves elsewhere (another item moved, a file was downloaded); it
removes only files the manifest lists, so nothing else in DIR is ever touched. The manifest
is saved before each batch of files is written (entries first, digests after), so a killed
run still knows every file it may have left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
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


@dataclass
class Manifest:
    folder: Path
    options: str = ""
    items: dict[int, Entry] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / NAME
        if not path.exists():
            return cls(folder)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            items = {int(k): Entry(**v) for k, v in data["items"].items()}
            return cls(folder, data.get("options", ""), items)
        except (ValueError, KeyError, TypeError) as exc:
            raise WPMigrateError(f"{path} is not a wpmigrate manifest ({exc})") from None

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {
            "version": VERSION,
            "options": self.options,
            "items": {str(k): _compact(asdict(v)) for k, v in sorted(self.items.items())},
        }
        write_atomic(self.folder / NAME, json.dumps(data, ensure_ascii=False, indent=0))

    def owned(self) -> set[str]:
        """Every file (relative to the folder) the manifest says convert wrote."""
        paths = set()
        for entry in self.items.values():
            paths.add(entry.path)
            paths.update(entry.files)
        return paths


def digest(*parts: Any) -> str:
    encoded = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(encoded.encode("utf-8"), digest_size=16).hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file renamed over the target: never a half-written file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, path)


def _compact(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v or k == "path"}
