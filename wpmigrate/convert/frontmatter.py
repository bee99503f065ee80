"""Front matter: an item's metadata as the YAML or TOML block atop its Markdown file.

Keys follow what Hugo, Astro, Eleventy and Jekyll read: `title`, `date`, `lastmod`-style
`modified`, `slug`, `draft`, `categories`, `tags`, `aliases` (the old URL paths, which Hugo
turns into redirects). Dates are ISO 8601 with the item's UTC offset (from `date` against
`date_gmt`), so they name the same instant the archive does. Empty values are left out, in
both formats alike (TOML has no null).

YAML is written by a small emitter of our own, in block style with every string
double-quoted: JSON's string syntax is YAML's double-quoted scalar, so no value can turn into
a date, a number or a boolean on the way back, and it is ten times faster than PyYAML's
representer (which was a third of a conversion). The tests read every file back with PyYAML.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from json.encoder import encode_basestring as _quoted  # JSON's string quoting, in C
from typing import Any
from urllib.parse import unquote, urlsplit

import tomli_w

FORMATS = ("yaml", "toml")
TAXONOMY_KEYS = {"category": "categories", "post_tag": "tags"}
EVENT_KEYS = ("start", "end", "timezone", "all_day", "venue", "address", "city", "country", "cost")
EVENT_KEYS += ("url", "recurrence")

# A key YAML reads as itself when unquoted (`on`, `yes`, `null`… would become other things).
_PLAIN_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_RESOLVED_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
# Characters a YAML reader refuses or folds even inside quotes: escaped as \uXXXX.
_YAML_UNSAFE_RE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


def build(
    record: Any,
    *,
    terms: dict[int, dict[str, Any]],
    authors: dict[int, dict[str, Any]],
    featured: str | None,
    aliases: list[str],
    localise: Callable[[Any], Any],
) -> dict[str, Any]:
    """The front matter of one `ItemRecord`, as a dict in the order it is written."""
    row = record.row
    offset = item_offset(row)
    data: dict[str, Any] = {
        "title": row["title"],
        "date": with_offset(row["date"], row["date_gmt"], offset),
        "modified": utc_to_offset(row["modified_gmt"], offset),
        "slug": unquote(row["slug"] or "") or None,
        "type": row["type"],
        "status": row["status"],
        "draft": row["status"] != "publish" or bool(row["password_protected"]) or None,
        "password_protected": bool(row["password_protected"]) or None,
        "id": row["id"],
        "author": (authors.get(row["author_id"]) or {}).get("name"),
    }
    for taxonomy, names in by_taxonomy(record.terms, terms).items():
        data[TAXONOMY_KEYS.get(taxonomy, taxonomy)] = names
    data.update(
        excerpt=row["excerpt"],
        featured_image=featured,
        aliases=aliases,
        weight=row["menu_order"] or None,
        sticky=bool(row["sticky"]) or None,
    )
    if record.event:
        event = {k: record.event.get(k) for k in EVENT_KEYS}
        event["all_day"] = bool(event["all_day"]) if event["all_day"] is not None else None
        data["event"] = event
    if record.fields:
        data["fields"] = localise(record.fields)
    for table, columns in record.mapped.items():
        data.setdefault(table, localise(columns))  # a table named like a key never hides it
    return pruned(data)


def dump(data: dict[str, Any], fmt: str) -> str:
    """The front matter block, delimiters included."""
    if fmt == "toml":
        return "+++\n" + tomli_w.dumps(data) + "+++\n"
    lines: list[str] = []
    _yaml_mapping(data, "", lines)
    return "---\n" + "\n".join(lines) + "\n---\n"


def _yaml_mapping(data: dict[str, Any], indent: str, lines: list[str]) -> None:
    for key, value in data.items():
        name = (
            key
            if _PLAIN_KEY_RE.match(key) and key.lower() not in _RESOLVED_WORDS
            else (_yaml_scalar(key))
        )
        if isinstance(value, dict) and value:
            lines.append(f"{indent}{name}:")
            _yaml_mapping(value, indent + "  ", lines)
        elif isinstance(value, list) and value:
            lines.append(f"{indent}{name}:")
            _yaml_sequence(value, indent, lines)
        else:
            lines.append(f"{indent}{name}: {_yaml_scalar(value)}")


def _yaml_sequence(values: list[Any], indent: str, lines: list[str]) -> None:
    for value in values:
        if isinstance(value, dict) and value:
            start = len(lines)
            _yaml_mapping(value, indent + "  ", lines)
            lines[start] = f"{indent}- {lines[start][len(indent) + 2 :]}"
        else:  # scalars, and lists in lists as JSON (YAML's flow style)
            lines.append(f"{indent}- {_yaml_scalar(value)}")


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, str):
        text = _quoted(value)
    elif isinstance(value, bool):
        return "true" if value else "false"
    elif value is None:
        return "null"
    elif isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
    else:
        text = json.dumps(value, ensure_ascii=False)
    if _YAML_UNSAFE_RE.search(text):
        text = _YAML_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return text


def by_taxonomy(term_ids: list[int], terms: dict[int, dict[str, Any]]) -> dict[str, list[str]]:
    """Term names by taxonomy, in term order."""
    grouped: dict[str, list[str]] = {}
    for term_id in term_ids:
        term = terms.get(term_id)
        if term is not None:
            grouped.setdefault(term["taxonomy"], []).append(term["name"])
    return grouped


def item_offset(row: dict[str, Any]) -> timedelta | None:
    """The item's UTC offset: its site-time `date` minus its `date_gmt`."""
    if not row.get("date") or not row.get("date_gmt"):
        return None
    local = datetime.fromisoformat(row["date"][:19])
    utc = datetime.fromisoformat(row["date_gmt"][:19])
    return local - utc


def with_offset(local: str | None, gmt: str | None, offset: timedelta | None) -> str | None:
    """`2024-03-15T10:00:00+01:00`; a draft without `date_gmt` keeps its site time as it is."""
    if not local:
        return utc_to_offset(gmt, timedelta(0))
    if offset is None:
        return local
    return datetime.fromisoformat(local[:19]).replace(tzinfo=timezone(offset)).isoformat()


def utc_to_offset(gmt: str | None, offset: timedelta | None) -> str | None:
    if not gmt:
        return None
    instant = datetime.fromisoformat(gmt.replace("Z", "+00:00"))
    return instant.astimezone(timezone(offset or timedelta(0))).isoformat()


def old_path(link: str | None) -> str | None:
    """The path (and query) of an original link: `/about-us/`, `/?p=12`."""
    if not link:
        return None
    parts = urlsplit(link)
    path = parts.path or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def pruned(value: Any) -> Any:
    """Without None, "" and empty lists or objects, at any depth."""
    if isinstance(value, dict):
        kept = {k: pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [pruned(v) for v in value if v is not None]
    return value
