"""`wpmigrate inspect`: what a site holds, read without writing an archive, and a draft mapping.

`inspect_source()` reads a source (WXR or REST) once and counts post types, statuses,
taxonomies and terms, and for each type the fields its items carry, with a guessed kind
(a `Ymd` date, an attachment id, a URL, a number, a list, HTML...) and sample values.
`draft_mapping()` turns that report into a TOML mapping with a per-type table for each custom
type and typed columns for its fields, for a person to check and edit. A crawl also reports
the template debris it learned per type (wpmigrate/debris.py); the draft writes it as explicit
`[types.<type>.cleaning]` rules a person can review and pin.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tabulate import tabulate

from .errors import MappingError
from .mapping import KEY_COLUMN, RESERVED_COLUMNS, Mapping, reserved_tables
from .model import DebrisRule, Item, LearnedCleaning, Media, Record, Site, Term
from .sources.base import Source

BUILTIN_TYPES = {"post", "page", "attachment"}
SAMPLES = 3
SAMPLE_CHARS = 40
MAX_IDS = 10_000  # integer values kept per field to check against attachment ids
ITEM_COLUMNS = (  # columns every drafted table starts with: (name, from, as, search)
    ("title", "title", None, True),
    ("status", "status", None, False),
    ("date", "date_gmt", "datetime", False),
    ("link", "link", None, False),
)

# Guessed kinds, most specific first, with their label and the column they draft as.
KINDS: dict[str, tuple[str, dict[str, str]]] = {
    "bool": ("bool", {"as": "bool"}),
    "date_ymd": ("date (Ymd)", {"as": "date", "format": "%Y%m%d"}),
    "date": ("date", {"as": "date"}),
    "datetime": ("datetime", {"as": "datetime"}),
    "attachment": ("attachment id", {"as": "media_url"}),
    "integer": ("integer", {"as": "int"}),
    "number": ("number", {"as": "float"}),
    "url": ("URL", {}),
    "html": ("HTML", {"as": "html_to_text"}),
    "split": ("list (split ';')", {"split": ";"}),
    "list": ("list", {"as": "list"}),
    "rows": ("rows (repeater)", {"as": "json"}),
    "object": ("object (group)", {"as": "json"}),
    "text": ("text", {}),
    "empty": ("always empty", {}),
}
_DIGITS = re.compile(r"^\d+$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")
_URL = re.compile(r"^https?://\S+$")
_TAG = re.compile(r"<[A-Za-z][^>]*>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class FieldReport:
    name: str
    origin: str  # acf | meta
    items: int  # items with a non-empty value
    kind: str  # a key of KINDS
    samples: list[str]

    @property
    def label(self) -> str:
        return KINDS[self.kind][0]


@dataclass
class TypeReport:
    name: str
    items: int
    statuses: dict[str, int]
    fields: list[FieldReport]
    taxonomies: list[str]  # taxonomies its items have terms in
    featured_images: int  # items with a featured image


@dataclass
class TaxonomyReport:
    name: str
    terms: int
    types: list[str]


@dataclass
class SiteReport:
    source: str
    kind: str  # wxr | rest
    title: str
    types: list[TypeReport]
    taxonomies: list[TaxonomyReport]
    media: int
    skipped: dict[str, int]
    debris: dict[str, list[DebrisRule]] = field(default_factory=dict)  # learned, per type

    def type(self, name: str) -> TypeReport | None:
        return next((t for t in self.types if t.name == name), None)


# -- reading ------------------------------------------------------------------------------


def inspect_source(source: Source, mapping: Mapping | None = None) -> SiteReport:
    """Read `source` once, keep counts and samples only (memory stays small), and report
    what `mapping` keeps (what it leaves out is counted as skipped)."""
    mapping = mapping or Mapping()
    reader = _Reader()
    for record in source.records():
        reason = mapping.skip_reason(record)
        if reason is None:
            reader.add(record)
        else:
            reader.skipped[reason] += 1
    return reader.report(source)


class _FieldStats:
    """What one field's values look like, value by value."""

    def __init__(self, name: str, origin: str):
        self.name = name
        self.origin = origin
        self.items = 0
        self.kinds: set[str] | None = None  # kinds every value seen so far fits
        self.ids: set[int] = set()
        self.separator = False  # some value holds a ";"
        self.tagged = False  # some value holds an HTML tag
        self.samples: list[str] = []

    def add(self, value: Any) -> None:
        if value is None or value == "" or value == [] or value == {}:
            return
        self.items += 1
        kinds = kinds_of(value)
        self.kinds = kinds if self.kinds is None else self.kinds & kinds
        if "attachment" in kinds and len(self.ids) < MAX_IDS:
            self.ids.add(int(value))
        self.separator = self.separator or (isinstance(value, str) and ";" in value)
        self.tagged = self.tagged or (isinstance(value, str) and _TAG.search(value) is not None)
        sample = _sample(value)
        if sample not in self.samples and len(self.samples) < SAMPLES:
            self.samples.append(sample)

    def kind(self, media_ids: set[int]) -> str:
        if self.kinds is None:
            return "empty"
        for kind in KINDS:
            if kind not in self.kinds:
                continue
            if kind == "attachment" and not self.ids <= media_ids:
                continue
            if (kind == "split" and not self.separator) or (kind == "html" and not self.tagged):
                continue
            return kind
        return "text"


class _TypeStats:
    def __init__(self, name: str):
        self.name = name
        self.statuses: Counter[str] = Counter()
        self.fields: dict[str, _FieldStats] = {}
        self.term_ids: set[int] = set()
        self.featured = 0

    def add(self, item: Item) -> None:
        self.statuses[item.status] += 1
        self.term_ids.update(item.term_ids)
        self.featured += item.featured_media_id is not None
        for name, value in item.fields.items():
            if name not in self.fields:
                self.fields[name] = _FieldStats(name, _origin(item, name))
            self.fields[name].add(value)


class _Reader:
    def __init__(self) -> None:
        self.title = ""
        self.types: dict[str, _TypeStats] = {}
        self.terms: dict[int, str] = {}  # term id -> taxonomy
        self.skipped: Counter[str] = Counter()
        self.media_ids: set[int] = set()
        self.debris: dict[str, list[DebrisRule]] = {}

    def add(self, record: Record) -> None:
        if isinstance(record, LearnedCleaning):
            self.debris[record.post_type] = record.rules
        elif isinstance(record, Item):
            self.types.setdefault(record.type, _TypeStats(record.type)).add(record)
        elif isinstance(record, Media):
            self.media_ids.add(record.id)
        elif isinstance(record, Term):
            self.terms[record.id] = record.taxonomy
        elif isinstance(record, Site):
            self.title = record.title

    def report(self, source: Source) -> SiteReport:
        taxonomies = Counter(self.terms.values())
        used_by: dict[str, list[str]] = {t: [] for t in taxonomies}
        types = sorted(self.types.values(), key=lambda t: (-t.statuses.total(), t.name))
        for stats in types:
            for taxonomy in sorted({self.terms[i] for i in stats.term_ids if i in self.terms}):
                used_by[taxonomy].append(stats.name)
        return SiteReport(
            source=source.describe(),
            kind=source.kind,
            title=self.title,
            types=[self._type_report(t, used_by) for t in types],
            taxonomies=[TaxonomyReport(t, n, used_by[t]) for t, n in taxonomies.items()],
            media=len(self.media_ids),
            skipped=dict(sorted((self.skipped + Counter(source.skipped)).items())),
            debris=dict(sorted(self.debris.items())),
        )

    def _type_report(self, stats: _TypeStats, used_by: dict[str, list[str]]) -> TypeReport:
        fields = [
            FieldReport(f.name, f.origin, f.items, f.kind(self.media_ids), f.samples)
            for f in stats.fields.values()
        ]
        return TypeReport(
            name=stats.name,
            items=stats.statuses.total(),
            statuses=dict(stats.statuses.most_common()),
            fields=fields,
            taxonomies=[t for t, types in used_by.items() if stats.name in types],
            featured_images=stats.featured,
        )


def _origin(item: Item, name: str) -> str:
    """acf when the source says so (WXR keeps ACF's `_name = field_...` reference)."""
    if str(item.meta.get("_" + name, "")).startswith("field_"):
        return "acf"
    return "meta" if name in item.meta else "acf"


def kinds_of(value: Any) -> set[str]:
    """Every kind one value fits; a field's kind is the first that fits all its values."""
    if isinstance(value, bool):
        return {"bool"}
    if isinstance(value, int):
        return {"integer", "number"} | ({"bool"} if value in (0, 1) else set()) | _id(value)
    if isinstance(value, float):
        return {"number"}
    if isinstance(value, list):
        return {"rows"} if any(isinstance(v, dict | list) for v in value) else {"list"}
    if isinstance(value, dict):
        return {"object"}
    return _text_kinds(str(value).strip())


def _text_kinds(text: str) -> set[str]:
    if _DIGITS.match(text):
        kinds = {"integer", "number", "text"} | _id(int(text))
        if text in ("0", "1"):
            kinds.add("bool")
        if len(text) == 8 and _valid(text, "%Y%m%d"):
            kinds.add("date_ymd")
        return kinds
    if _NUMBER.match(text):
        return {"number", "text"}
    if _ISO_DATE.match(text) and _valid(text, "%Y-%m-%d"):
        return {"date", "text"}
    if _ISO_DATETIME.match(text) and _valid_iso(text):
        return {"datetime", "text"}
    if _URL.match(text):
        return {"url", "text"}
    if _TAG.search(text):
        return {"html", "text"}
    return {"split", "html", "text"}  # plain text fits HTML and lists too


def _id(number: int) -> set[str]:
    return {"attachment"} if number > 0 else set()


def _valid(text: str, format: str) -> bool:
    try:
        year = datetime.strptime(text, format).year
    except ValueError:
        return False
    return 1800 <= year <= 2200


def _valid_iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _sample(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= SAMPLE_CHARS else text[: SAMPLE_CHARS - 1] + "…"


# -- printing -----------------------------------------------------------------------------


def render_text(report: SiteReport) -> str:
    """The report as plain-text tables, for a terminal."""
    out = [f"{report.title or '(untitled site)'}: {report.source} ({report.kind})", ""]
    rows = [[t.name, t.items, _counts(t.statuses)] for t in report.types]
    rows.append(["attachment", report.media, "(media)"])
    out += ["Post types", _table(rows, ["type", "items", "statuses"]), ""]
    rows = [[t.name, t.terms, ", ".join(t.types)] for t in report.taxonomies]
    out += ["Taxonomies", _table(rows, ["taxonomy", "terms", "used by"]) if rows else "  none", ""]
    for t in report.types:
        out.append(f"Fields of {t.name} ({t.items} items)")
        rows = [[f.name, f.origin, f.items, f.label, " | ".join(f.samples)] for f in t.fields]
        headers = ["field", "from", "items", "kind", "samples"]
        out += [_table(rows, headers) if rows else "  none", ""]
    for post_type, rules in report.debris.items():
        out.append(f"Debris learned for {post_type} (rules a mapping can pin; keep = kept, doubt)")
        rows = [[r.kind, r.pattern, r.items, "/".join(r.fields), _sample(r.example)] for r in rules]
        out += [_table(rows, ["rule", "pattern", "items", "in", "example"]), ""]
    if report.skipped:
        out.append(f"Skipped: {_counts(report.skipped)}")
    return "\n".join(out).rstrip() + "\n"


def _table(rows: list[list[Any]], headers: list[str]) -> str:
    """Plain columns, indented, counts aligned right."""
    align = ["right" if h in ("items", "terms") else "left" for h in headers]
    text = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, colalign=align)
    return "\n".join("  " + line for line in text.splitlines())


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items())


# -- drafting a mapping -------------------------------------------------------------------


def draft_mapping(report: SiteReport, source: str | None = None) -> str:
    """A TOML mapping with a table per custom type (or, on a site that has none, for posts
    and pages) and a typed column per field.

    `source` is the WXR path or URL as the user gave it (default: what the source reported).
    """
    source = source or report.source
    out = [
        f"# Drafted by `wpmigrate inspect {source}`.",
        "# Check the columns (kinds are guesses from the values seen), then:",
        f"#   wpmigrate export {source} ARCHIVE --mapping THIS_FILE",
        "# as: text, int, float, bool, date, datetime, json, list, media_url, html_to_text,",
        '#     markdown; split = ";" gives a list; search = true adds full-text search.',
        "",
    ]
    drafted = [t for t in report.types if t.name not in BUILTIN_TYPES]
    if not drafted:  # a site of posts and pages: map those
        drafted = [t for t in report.types if t.name in ("post", "page")]
        out += ["# No custom post types found: a table for posts and one for pages.", ""]
    taken = reserved_tables()
    for type_report in drafted:
        table = _table_name(type_report.name, taken)
        taken.add(table)
        out += _type_block(type_report, table)
    for post_type, rules in report.debris.items():
        out += _cleaning_block(post_type, rules)
    return "\n".join(out).rstrip() + "\n"


def write_mapping(
    report: SiteReport, path: str | Path, *, force: bool = False, source: str | None = None
) -> None:
    """Write `draft_mapping()` to `path`; an existing file is kept unless `force`."""
    path = Path(path)
    check_mapping_target(path, force=force)
    try:
        path.write_text(draft_mapping(report, source), encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"{path}: cannot write the draft mapping ({exc.strerror})") from None


def check_mapping_target(path: str | Path, *, force: bool = False) -> None:
    """Whether a draft mapping may be written to `path`: asked before a site is read."""
    path = Path(path)
    if path.exists() and not force:
        raise MappingError(f"{path}: file exists (use --force to replace it)")
    if not path.parent.is_dir():
        raise MappingError(f"{path}: folder {path.parent} does not exist")


def _type_block(report: TypeReport, table: str) -> list[str]:
    columns: list[tuple[str, dict[str, Any], str]] = []
    taken = set(RESERVED_COLUMNS)
    for name, source, convert, search in ITEM_COLUMNS:
        spec: dict[str, Any] = {"from": source}
        spec.update({"as": convert} if convert else {})
        spec.update({"search": True} if search else {})
        columns.append((_column_name(name, taken), spec, ""))
    for f in report.fields:
        spec = {"from": f"{f.origin}.{f.name}", **KINDS[f.kind][1]}
        note = f"{f.label}: {', '.join(f.samples)}" if f.samples else f.label
        columns.append((_column_name(f.name, taken), spec, note))
    for taxonomy in report.taxonomies:
        spec = {"from": f"terms.{taxonomy}", "as": "list"}
        columns.append((_column_name(taxonomy, taken), spec, "term names"))
    if report.featured_images:
        columns.append((_column_name("image_url", taken), {"from": "media.url"}, "featured image"))
    width = max(len(name) for name, _, _ in columns)
    specs = [f"{name.ljust(width)} = {_inline(spec)}" for name, spec, _ in columns]
    note_at = min(max(len(line) for line in specs), 72)
    lines = [
        f"[types.{_key(report.name)}]  # {report.items} items",
        f"table = {_string(table)}",
        "",
        f"[types.{_key(report.name)}.columns]",
    ]
    for line, (_, _, note) in zip(specs, columns, strict=True):
        lines.append(f"{line.ljust(note_at)}  # {note}" if note else line)
    return [*lines, ""]


def _cleaning_block(post_type: str, rules: list[DebrisRule]) -> list[str]:
    """`[types.<type>.cleaning]`: the learned rules, one per line with where it was seen."""
    lines = [
        f"# Template debris learned from {post_type} pages: drop = CSS selectors, drop_text =",
        "# patterns of an element's whole text ({title}, {terms}, {author} stand for the item's",
        "# own), keep = text never removed. Pinned here, these replace what a crawl learns.",
        f"[types.{_key(post_type)}.cleaning]",
    ]
    for kind in ("drop", "drop_text", "keep"):
        chosen = [r for r in rules if r.kind == kind]
        if not chosen:
            continue
        lines.append(f"{kind} = [")
        for rule in chosen:
            note = f"{rule.items} items, {'/'.join(rule.fields)}: {_sample(rule.example)}"
            lines.append(f"    {_toml_string(rule.pattern)},  # {note}")
        lines.append("]")
    return [*lines, ""]


def _toml_string(value: str) -> str:
    """A literal string when it can be one (patterns keep their backslashes readable)."""
    if "'" not in value and not _CONTROL.search(value):
        return f"'{value}'"
    return _string(value)


def _table_name(post_type: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]", "_", post_type.lower())
    if not re.match(r"[a-z_]", base):
        base = "t_" + base
    base = re.sub(r"_fts", "_search", base).removeprefix("sqlite_")
    name = _plural(base)
    if name in taken:
        name = f"{base}_items"
    n = 2
    while name in taken:
        name, n = f"{base}_items_{n}", n + 1
    return name


def _plural(word: str) -> str:
    if word.endswith("s"):
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _column_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]", "_", name).lower() or "field"
    if not re.match(r"[a-z_]", base):
        base = "f_" + base
    candidate, n = base, 2
    while candidate in taken or candidate == KEY_COLUMN:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else _string(name)


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _inline(spec: dict[str, Any]) -> str:
    parts = [f"{k} = {'true' if v is True else _string(v)}" for k, v in spec.items()]
    return "{ " + ", ".join(parts) + " }"
