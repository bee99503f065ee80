"""Mapping files (TOML): what to skip, how to clean, and where each type goes.

`mappings/default.toml` is always read first; each `--mapping FILE` is merged on top: lists
of skipped types and teaser phrases add up, other values replace.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cleaning import CleaningConfig, CleaningConfigError
from .errors import MappingError

DEFAULT_MAPPING = Path(__file__).resolve().parent.parent / "mappings" / "default.toml"
if not DEFAULT_MAPPING.is_file():  # installed as a wheel: the file ships inside the package
    DEFAULT_MAPPING = Path(__file__).resolve().parent / "default_mapping.toml"

SOURCE_KEYS = {"skip_types", "skip_taxonomies", "statuses"}
TOP_LEVEL_KEYS = {"source", "cleaning", "types"}
MERGED_LISTS = {"skip_types", "skip_taxonomies", "teasers"}


@dataclass
class Mapping:
    skip_types: frozenset[str] = frozenset()
    skip_taxonomies: frozenset[str] = frozenset()
    statuses: frozenset[str] | None = None  # None: every status but auto-draft
    cleaning: CleaningConfig = field(default_factory=CleaningConfig)
    types: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def keeps_status(self, status: str) -> bool:
        if status == "auto-draft":
            return False
        return self.statuses is None or status in self.statuses


def load_mapping(paths: list[str | Path] = (), *, include_internals: bool = False) -> Mapping:
    """Read the default mapping and then each file in `paths`, in order."""
    source: dict[str, Any] = {}
    cleaning: dict[str, Any] = {}
    types: dict[str, Any] = {}
    files = [DEFAULT_MAPPING, *map(Path, paths)]
    for path in files:
        document = _read_toml(path)
        unknown = set(document) - TOP_LEVEL_KEYS
        if unknown:
            raise MappingError(f"{path}: unknown table or key {sorted(unknown)[0]!r}")
        _merge(source, _table(document, "source", path), path, allowed=SOURCE_KEYS)
        _merge(cleaning, _table(document, "cleaning", path), path, allowed=None)
        types.update(_table(document, "types", path))
    try:
        cleaning_config = CleaningConfig.from_dict(cleaning, source=str(files[-1]))
    except CleaningConfigError as exc:
        raise MappingError(str(exc)) from None
    statuses = source.get("statuses")
    return Mapping(
        skip_types=frozenset() if include_internals else frozenset(source.get("skip_types", [])),
        skip_taxonomies=frozenset(source.get("skip_taxonomies", [])),
        statuses=frozenset(statuses) if statuses is not None else None,
        cleaning=cleaning_config,
        types=types,
        files=[str(p) for p in files],
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: invalid TOML: {exc}") from None


def _table(document: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise MappingError(f"{path}: [{name}] must be a table")
    return value


def _merge(into: dict[str, Any], table: dict[str, Any], path: Path, allowed: set[str] | None):
    for key, value in table.items():
        if allowed is not None and key not in allowed:
            raise MappingError(f"{path}: unknown key {key!r} in [source]")
        if key in MERGED_LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise MappingError(f"{path}: {key} must be a list of strings, not {value!r}")
            into[key] = list(dict.fromkeys([*into.get(key, []), *value]))
        else:
            into[key] = value
