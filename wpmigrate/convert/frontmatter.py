"""Front matter: an item's metadata as the YAML or TOML block atop its Markdown file.

Keys follow what Hugo, Astro, Eleventy and Jekyll read: `title`, `date`, `lastmod`-style
`modified`, `slug`, `draft`, `categories`, `tags`, `aliases` (the old URL paths, which Hugo
turns into redirects). Dates are ISO 8601 with the item's UTC offset (from `date` against
`date_gmt`), so they name the same instant the archive does. Empty values are left out, in
both formats alike (TOML has no null).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import unquote, urlsplit

import tomli_w
import yaml

FORMATS = ("yaml", "toml")
TAXONOMY_KEYS = {"category": "categories", "post_tag": "tags"}
EVENT_KEYS = ("start", "end", "timezone", "all_day", "venue", "address", "city", "country", "cost")
EVENT_KEYS += ("url", "recurrence")

try:  # libyaml's emitter when PyYAML was built with it: several times faster
    _DUMPER: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _DUMPER = yaml.SafeDumper


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
        "draft": row["status"] != "publish" or None,
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
    text = yaml.dump(
        data,
        Dumper=_DUMPER,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1 << 30,  # never fold a line
    )
    return "---\n" + text + "---\n"


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
