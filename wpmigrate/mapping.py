"""Mapping files (TOML): what to skip, how to clean, and where each type goes.

The default mapping (`wpmigrate/default_mapping.toml`, inside the package) is always read
first; each `--mapping FILE` is merged on top: lists of skipped types and teaser phrases add
up, other values replace, and a `[types.<type>]` table replaces the whole earlier definition
of that type.

A `[types.<type>]` table maps a post type to a table of its own with typed columns (built by
`archive/type_tables.py`); its `[types.<type>.cleaning]` table (drop, drop_text, keep; see
cleaning/debris.py) pins the type's debris rules, which then win over learned ones.
Everything is checked here, before any archive is opened: a mistake gives one `MappingError`
line naming the file, the line where it can be found, the key and the value.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .archive.schema import FTS, TABLES
from .cleaning import CleaningConfig, CleaningConfigError
from .cleaning.debris import DebrisRules
from .errors import MappingError
from .model import Item, Record, Term

# Ships inside the package, so an installed wheel reads the same file as a checkout.
DEFAULT_MAPPING: Traversable = resources.files("wpmigrate") / "default_mapping.toml"

SOURCE_KEYS = {"skip_types", "skip_taxonomies", "statuses"}
TOP_LEVEL_KEYS = {"source", "cleaning", "types"}
MERGED_LISTS = {"skip_types", "skip_taxonomies", "teasers"}
STRING_LISTS = MERGED_LISTS | {"statuses"}

TYPE_KEYS = ("table", "columns", "cleaning")
COLUMN_KEYS = ("from", "as", "format", "split", "search")
CONVERSIONS = (
    "text",
    "int",
    "float",
    "bool",
    "date",
    "datetime",
    "json",
    "list",
    "media_url",
    "html_to_text",
    "markdown",
)
FORMATTED = {"date", "datetime"}
# `from = "<prefix>.<name>"`; anything without one of these prefixes is an `items` column.
FIELD_ORIGINS = ("acf", "meta")
FROM_PREFIXES = (*FIELD_ORIGINS, "terms", "author", "media")
KEY_COLUMN = "item_id"
RESERVED_COLUMNS = {KEY_COLUMN, "rowid", "oid", "_rowid_"}
FTS_SUFFIXES = ("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FTS_NAME = re.compile(r"_fts(_data|_idx|_docsize|_config|_content)?$", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    """One typed column of a per-type table: `name = { from = ..., as = ... }`."""

    name: str
    source: str  # the `from` value, e.g. "acf.report_pdf", "terms.region", "title"
    convert: str = "text"  # the `as` value; "list" when only `split` is given
    format: str | None = None  # strptime format for `date` / `datetime`
    split: str | None = None  # separator: the text becomes a list of stripped parts
    search: bool = False  # index this column for full-text search

    @property
    def origin(self) -> str:
        """Where the value comes from: acf, meta, terms, author, media or items."""
        prefix, _, rest = self.source.partition(".")
        return prefix if rest and prefix in FROM_PREFIXES else "items"

    @property
    def key(self) -> str:
        """The name after the prefix (the field, taxonomy or column name)."""
        return self.source.partition(".")[2] if self.origin != "items" else self.source

    @property
    def sql_type(self) -> type:
        return {"int": int, "bool": int, "float": float}.get(self.convert, str)


@dataclass(frozen=True)
class TypeTable:
    """`[types.<post_type>]`: the items of one type as rows of their own table."""

    post_type: str
    table: str
    columns: tuple[Column, ...]
    file: str = ""

    @property
    def search_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.search]


@dataclass
class Mapping:
    skip_types: frozenset[str] = frozenset()
    skip_taxonomies: frozenset[str] = frozenset()
    statuses: frozenset[str] | None = None  # None: every status but auto-draft
    cleaning: CleaningConfig = field(default_factory=CleaningConfig)
    types: dict[str, TypeTable] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # `[types.<type>.cleaning]`: debris rules pinned for a type; they win over learned ones
    type_cleaning: dict[str, DebrisRules] = field(default_factory=dict)

    def skip_reason(self, record: Record) -> str | None:
        """Why the mapping leaves `record` out ("status:draft", "taxonomy:nav_menu"...), or
        None to keep it.

        The one place the skip rules are applied: the pipeline and `inspect` ask here;
        sources get `skip_types` and `skip_taxonomies` only as a hint to save requests.
        """
        if isinstance(record, Item):
            if record.type in self.skip_types:
                return f"type:{record.type}"
            if not self.keeps_status(record.status):
                return f"status:{record.status}"
        elif isinstance(record, Term) and record.taxonomy in self.skip_taxonomies:
            return f"taxonomy:{record.taxonomy}"
        return None

    def keep(self, record: Record) -> bool:
        return self.skip_reason(record) is None

    def keeps_status(self, status: str) -> bool:
        if status == "auto-draft":
            return False
        return self.statuses is None or status in self.statuses


def load_mapping(paths: list[str | Path] = (), *, include_internals: bool = False) -> Mapping:
    """Read the default mapping and then each file in `paths`, in order."""
    source: dict[str, Any] = {}
    cleaning: dict[str, Any] = {}
    types: dict[str, tuple[TypeTable, _Where]] = {}
    type_cleaning: dict[str, DebrisRules] = {}
    files = [DEFAULT_MAPPING, *map(Path, paths)]
    for path in files:
        document, where = _read_toml(path)
        unknown = set(document) - TOP_LEVEL_KEYS
        if unknown:
            name = sorted(unknown)[0]
            raise where.error((name,), "unknown table or key", hint=TOP_LEVEL_KEYS, name=name)
        _merge(source, _table(document, "source", where), where, "source", SOURCE_KEYS)
        _merge(cleaning, _table(document, "cleaning", where), where, "cleaning", None)
        for post_type, spec in _table(document, "types", where).items():
            types.pop(post_type, None)
            type_cleaning.pop(post_type, None)
            if isinstance(spec, dict) and "cleaning" in spec:
                type_cleaning[post_type] = _type_cleaning(post_type, spec["cleaning"], where)
            if not isinstance(spec, dict) or set(spec) - {"cleaning"}:
                types[post_type] = (_type_table(post_type, spec, where), where)
    _check_table_names(types)
    try:
        cleaning_config = CleaningConfig.from_dict(cleaning, source=str(files[-1]))
    except CleaningConfigError as exc:
        raise MappingError(str(exc)) from None
    statuses = source.get("statuses")
    return Mapping(
        skip_types=frozenset() if include_internals else frozenset(source.get("skip_types", [])),
        skip_taxonomies=frozenset()
        if include_internals
        else frozenset(source.get("skip_taxonomies", [])),
        statuses=frozenset(statuses) if statuses is not None else None,
        cleaning=cleaning_config,
        types={post_type: spec for post_type, (spec, _) in types.items()},
        files=[str(p) for p in files],
        type_cleaning=type_cleaning,
    )


# -- reading ------------------------------------------------------------------------------


class _Where:
    """A mapping file's name and text, to point errors at the line that holds a key."""

    def __init__(self, path: Path | Traversable, text: str):
        self.path = path
        self.lines = text.splitlines()

    def error(
        self,
        key: tuple[str, ...],
        problem: str,
        *,
        value: Any = None,
        hint: Any = None,
        name: str | None = None,
    ) -> MappingError:
        """`file:line: key = value: problem (did you mean ...?)`, all on one line.

        `name` is a misspelt key rather than a value: the hint is matched against it.
        """
        line = self.line_of(key)
        place = f"{self.path}:{line}" if line else str(self.path)
        shown = ".".join(_show_key(k) for k in key)
        if value is not None:
            shown += f" = {_show(value)}"
        message = f"{place}: {shown}: {problem}"
        wrong = name if name is not None else value
        if hint and isinstance(wrong, str):
            close = difflib.get_close_matches(wrong, sorted(hint), n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        return MappingError(message)

    def line_of(self, key: tuple[str, ...]) -> int | None:
        """The line that defines `key`, else the nearest table holding it or the first inside it."""
        best, best_len, header = None, 0, ()
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            if line.startswith("["):
                header = _key_parts(line.strip("[] \t").split("]")[0])
                path = header
            elif "=" in line and not line.startswith("#"):
                path = header + _key_parts(line.split("=", 1)[0])
            else:
                continue
            # A line that holds the key (its table) or lies inside it (a sub-table).
            score = len(path) if key[: len(path)] == path else 0
            if path[: len(key)] == key:
                score = len(key)
            if score > best_len:
                best, best_len = number, score
        return best


def _key_parts(text: str) -> tuple[str, ...]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_-]+)', text)
    return tuple(a or b or c for a, b, c in parts)


def _show_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{k} = {_show(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    return json.dumps(value, ensure_ascii=False, default=str)


def _read_toml(path: Path | Traversable) -> tuple[dict[str, Any], _Where]:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except IsADirectoryError:
        raise MappingError(f"{path}: is a folder, not a mapping file") from None
    except UnicodeDecodeError:
        raise MappingError(f"{path}: invalid TOML: not UTF-8 text") from None
    try:
        return tomllib.loads(text), _Where(path, text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        place = f"{path}:{found.group(1)}" if found else str(path)
        raise MappingError(f"{place}: invalid TOML: {exc}") from None


def _table(document: dict[str, Any], name: str, where: _Where) -> dict[str, Any]:
    value = document.get(name, {})
    if not isinstance(value, dict):
        raise where.error((name,), "must be a table", value=value)
    return value


def _merge(
    into: dict[str, Any],
    table: dict[str, Any],
    where: _Where,
    section: str,
    allowed: set[str] | None,
) -> None:
    for key, value in table.items():
        if allowed is not None and key not in allowed:
            raise where.error((section, key), f"unknown key in [{section}]", hint=allowed, name=key)
        if key in STRING_LISTS and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise where.error((section, key), "must be a list of strings", value=value)
        if key in MERGED_LISTS:
            into[key] = list(dict.fromkeys([*into.get(key, []), *value]))
        else:
            into[key] = value


# -- [types.<type>] -----------------------------------------------------------------------


def _type_table(post_type: str, spec: Any, where: _Where) -> TypeTable:
    key = ("types", post_type)
    if not isinstance(spec, dict):
        raise where.error(key, "must be a table with `table` and `columns`", value=spec)
    for name in spec:
        if name not in TYPE_KEYS:
            raise where.error(
                (*key, name), "unknown key (use table, columns)", hint=TYPE_KEYS, name=name
            )
    table = spec.get("table")
    if table is None:
        raise where.error(key, 'missing key `table` (the table name, e.g. table = "reports")')
    _check_table_name(table, (*key, "table"), where)
    columns = spec.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise where.error(
            (*key, "columns"),
            f"a type needs columns: [types.{post_type}.columns] with name = {{ from = ... }}",
            value=columns,
        )
    parsed = tuple(_column(name, c, (*key, "columns", name), where) for name, c in columns.items())
    _check_column_names(parsed, (*key, "columns"), where)
    return TypeTable(post_type=post_type, table=table, columns=parsed, file=str(where.path))


def _type_cleaning(post_type: str, spec: Any, where: _Where) -> DebrisRules:
    key = ("types", post_type, "cleaning")
    try:
        return DebrisRules.from_dict(spec, where=f"[types.{post_type}.cleaning]")
    except CleaningConfigError as exc:
        line = where.line_of(key)
        raise MappingError(f"{where.path}:{line}: {exc}" if line else str(exc)) from None


def _check_table_name(table: Any, key: tuple[str, ...], where: _Where) -> None:
    if not isinstance(table, str) or not _IDENTIFIER.match(table):
        raise where.error(key, "a table name is letters, digits and _", value=table)
    if table.lower() in reserved_tables():
        raise where.error(key, "collides with a core archive table", value=table)
    if table.lower().startswith("sqlite_") or _FTS_NAME.search(table):
        raise where.error(key, "is reserved (sqlite_* and *_fts* tables)", value=table)


def reserved_tables() -> set[str]:
    """Names a per-type table may not take: the archive's tables and their FTS tables."""
    names = set(TABLES)
    names.update(f"{table}{suffix}" for table in FTS for suffix in FTS_SUFFIXES)
    return {n.lower() for n in names}


def _check_table_names(types: dict[str, tuple[TypeTable, _Where]]) -> None:
    seen: dict[str, TypeTable] = {}
    for spec, where in types.values():
        other = seen.get(spec.table.lower())
        if other is not None:
            raise where.error(
                ("types", spec.post_type, "table"),
                f"already used by [types.{other.post_type}] in {other.file}",
                value=spec.table,
            )
        seen[spec.table.lower()] = spec


def _column(name: str, spec: Any, key: tuple[str, ...], where: _Where) -> Column:
    if not isinstance(spec, dict):
        raise where.error(key, 'a column is a table like { from = "acf.name" }', value=spec)
    for option in spec:
        if option not in COLUMN_KEYS:
            raise where.error(
                (*key, option),
                f"unknown key (use {', '.join(COLUMN_KEYS)})",
                value=spec[option],
                hint=COLUMN_KEYS,
                name=option,
            )
    source = spec.get("from")
    if source is None:
        raise where.error(key, 'missing key `from` (e.g. from = "acf.report_pdf")')
    _check_from(source, (*key, "from"), where)
    convert = _check_as(spec, key, where)
    search = spec.get("search", False)
    if not isinstance(search, bool):
        raise where.error((*key, "search"), "must be true or false", value=search)
    return Column(
        name=name,
        source=source,
        convert=convert,
        format=spec.get("format"),
        split=spec.get("split"),
        search=search,
    )


def _check_from(source: Any, key: tuple[str, ...], where: _Where) -> None:
    if not isinstance(source, str) or not source.strip():
        raise where.error(key, "must name where the value comes from", value=source)
    prefix, dot, rest = source.partition(".")
    if dot and prefix in FROM_PREFIXES:
        if not rest:
            raise where.error(key, f"names nothing after {prefix}.", value=source)
        if prefix == "author" and rest not in TABLES["authors"][0]:
            columns = ", ".join(TABLES["authors"][0])
            raise where.error(
                key, f"authors have no such column (use one of {columns})", value=source
            )
        if prefix == "media" and rest not in TABLES["media"][0]:
            raise where.error(
                key,
                "media have no such column",
                value=source,
                hint=[f"media.{c}" for c in TABLES["media"][0]],
            )
        return
    if source not in TABLES["items"][0]:
        raise where.error(
            key,
            "names nothing: use acf.<name>, meta.<key>, terms.<taxonomy>, author.<column>, "
            "media.<column> or an items column",
            value=source,
            hint=TABLES["items"][0],
        )


def _check_as(spec: dict[str, Any], key: tuple[str, ...], where: _Where) -> str:
    convert = spec.get("as")
    split, fmt = spec.get("split"), spec.get("format")
    if convert is not None and convert not in CONVERSIONS:
        raise where.error(
            (*key, "as"),
            f"unknown conversion (use one of {', '.join(CONVERSIONS)})",
            value=convert,
            hint=CONVERSIONS,
        )
    if split is not None:
        if not isinstance(split, str) or not split:
            raise where.error((*key, "split"), "must be a separator string", value=split)
        if convert not in (None, "list"):
            raise where.error(
                (*key, "as"), 'split gives a list: leave `as` out or use as = "list"', value=convert
            )
        convert = "list"
    convert = convert or "text"
    if fmt is not None:
        if convert not in FORMATTED:
            raise where.error(
                (*key, "format"), 'only applies to as = "date" or "datetime"', value=fmt
            )
        if not isinstance(fmt, str) or "%" not in fmt:
            raise where.error(
                (*key, "format"), 'a strptime format like "%Y%m%d" (% codes) is needed', value=fmt
            )
    return convert


def _check_column_names(columns: tuple[Column, ...], key: tuple[str, ...], where: _Where) -> None:
    seen: set[str] = set()
    for column in columns:
        here = (*key, column.name)
        if not _IDENTIFIER.match(column.name):
            raise where.error(here, "a column name is letters, digits and _")
        lower = column.name.lower()
        if lower in RESERVED_COLUMNS or (column.search and lower == "rank"):
            raise where.error(here, "this column name is reserved (item_id is the key to items)")
        if lower in seen:
            raise where.error(here, "another column has the same name (SQLite ignores case)")
        seen.add(lower)
