"""`redirects`: old URL path -> new path, for every item, term archive and attachment.

New paths come from the same `--layout` as `convert` (see `layout.url_for`), so the rules
match the files written. Old paths are each item's permalink plus the forms WordPress also
answers (`/?p=12`, `/?page_id=2`, `/?post_type=publication&p=32`); term archives
(`/category/parent/child/`, `/tag/x/`, `/?cat=5`, `/<taxonomy>/x/`) go to
`/categories/x/`, `/tags/x/`, `/<taxonomy>/x/`; attachment pages (`/?attachment_id=16`) go
to the file (with `media_url`) or to the item they belong to, and upload URLs to the file.

Each output format matches exactly and is escaped for its own syntax: nginx compares
`location =` with the decoded path and `$request_uri` (query strings) with the raw one;
mod_rewrite matches decoded paths with a regular expression (escaped, quoted, `%` and `$`
escaped in the target); Netlify and CSV take percent-encoded paths.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from .layout import Layout, url_for
from .links import item_keys, site_hosts

if TYPE_CHECKING:
    from ..archive.item_reader import Selection

FORMATS = ("nginx", "apache", "netlify", "csv")
TERM_BASES = {"category": "category", "post_tag": "tag", "post_format": "type"}
NEW_TERM_BASES = {"category": "categories", "post_tag": "tags"}
_PATH_SAFE = "/:@!&'()*+,;=-._~"
_QUERY_SAFE = "=&/:@!'()*+,;-._~?"
_REGEX_SPECIAL_RE = re.compile(r"[.^$*+?()\[\]{}|\\ ]")


@dataclass(frozen=True)
class Redirect:
    old: str  # decoded path, with "?query" when there is one
    new: str  # decoded path
    kind: str  # item, term, attachment, file
    id: int

    @property
    def old_path(self) -> str:
        return self.old.partition("?")[0]

    @property
    def old_query(self) -> str:
        return self.old.partition("?")[2]


def collect(
    archive: str, layout: Layout, selection: Selection, media_url: str | None = None
) -> list[Redirect]:
    """Every redirect, old paths unique (the first rule for a path wins), in a stable order."""
    from ..archive.item_reader import ArchiveReader  # the archive (sqlite-utils) on use only

    with ArchiveReader(archive) as reader:
        reader.check_types(selection)
        hosts = site_hosts(reader.site().get("url"))
        keys = list(reader.item_keys(selection))
        paths = layout.assign(keys)
        rules = list(_item_rules(keys, paths, hosts))
        rules += _term_rules(reader.terms())
        new_item = {i["id"]: url_for(paths[i["id"]]) for i in keys}
        rules += _media_rules(reader.media(), new_item, hosts, media_url)
    seen: set[str] = set()
    unique = []
    for rule in rules:
        if rule.old not in seen and rule.old != rule.new:
            seen.add(rule.old)
            unique.append(rule)
    return unique


def _item_rules(
    items: list[dict[str, Any]], paths: dict[int, PurePosixPath], hosts: set[str]
) -> Iterator[Redirect]:
    for item in items:
        new = url_for(paths[item["id"]])
        for old in item_keys(item, hosts):
            yield Redirect(old, new, "item", item["id"])


def _term_rules(terms: dict[int, dict[str, Any]]) -> list[Redirect]:
    rules = []
    for term in terms.values():
        if term["deleted_at"] or not term["slug"]:
            continue
        taxonomy, slug = term["taxonomy"], unquote(term["slug"])
        chain = [slug]
        parent, hops = terms.get(term["parent_id"] or -1), 0
        while parent is not None and hops < 50:  # a loop in bad data cannot hang us
            chain.insert(0, unquote(parent["slug"]))
            parent, hops = terms.get(parent["parent_id"] or -1), hops + 1
        base = TERM_BASES.get(taxonomy, taxonomy)
        new = f"/{NEW_TERM_BASES.get(taxonomy, taxonomy)}/{slug}/"
        rules.append(Redirect(f"/{base}/{'/'.join(chain)}/", new, "term", term["id"]))
        if taxonomy == "category":
            rules.append(Redirect(f"/?cat={term['id']}", new, "term", term["id"]))
        elif taxonomy == "post_tag":
            rules.append(Redirect(f"/?tag={slug}", new, "term", term["id"]))
    return rules


def _media_rules(
    media: dict[int, dict[str, Any]],
    new_item: dict[int, str],
    hosts: set[str],
    media_url: str | None,
) -> list[Redirect]:
    rules = []
    for row in media.values():
        new_file = None
        if media_url:
            relative = row.get("local_path") or _uploads_path(row.get("url") or "")
            if relative:
                new_file = f"{media_url.rstrip('/')}/{relative}"
        target = new_file or new_item.get(row.get("item_id") or -1)
        if target:
            rules.append(Redirect(f"/?attachment_id={row['id']}", target, "attachment", row["id"]))
        parts = urlsplit(row.get("url") or "")
        if new_file and (parts.hostname or "").lower() in hosts:
            rules.append(Redirect(unquote(parts.path), new_file, "file", row["id"]))
    return rules


def _uploads_path(url: str) -> str | None:
    path = unquote(urlsplit(url).path)
    _, found, rest = path.partition("/wp-content/uploads/")
    return rest if found and rest else None


# -- output ------------------------------------------------------------------------------------


def wire(path: str) -> str:
    """A decoded path (and query) as a client sends it: UTF-8, percent-encoded."""
    base, sep, query = path.partition("?")
    return quote(base, safe=_PATH_SAFE) + (sep + quote(query, safe=_QUERY_SAFE) if sep else "")


def render(rules: list[Redirect], fmt: str) -> str:
    return {"nginx": nginx, "apache": apache, "netlify": netlify, "csv": as_csv}[fmt](rules)


def nginx(rules: list[Redirect]) -> str:
    """Server-context rules: `location =` for paths, `$request_uri` tests for query strings."""
    lines = ["# wpmigrate redirects: include inside the old site's server { } block"]
    for rule in rules:
        target = _nginx_string(wire(rule.new))
        if rule.old_query:
            lines.append(
                f"if ($request_uri = {_nginx_string(wire(rule.old))}) {{ return 301 {target}; }}"
            )
        else:
            lines.append(f"location = {_nginx_string(rule.old)} {{ return 301 {target}; }}")
    return "\n".join(lines) + "\n"


def _nginx_string(text: str) -> str:
    """A double-quoted nginx string. `location =` takes `$` literally; the targets and the
    `$request_uri` values, where `$` would start a variable, are percent-encoded (`%24`)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def apache(rules: list[Redirect]) -> str:
    """mod_rewrite rules for a vhost or .htaccess (`^/?` matches both)."""
    lines = ["# wpmigrate redirects (mod_rewrite): vhost or .htaccess", "RewriteEngine On"]
    for rule in rules:
        pattern = "^/?" + _regex(rule.old_path.lstrip("/")) + "$"
        target = wire(rule.new).replace("\\", "\\\\").replace("%", "\\%").replace("$", "\\$")
        flags = "R=301,L,NE"
        if rule.old_query:
            query = "^" + _regex(rule.old_query) + "$"
            lines.append(f"RewriteCond %{{QUERY_STRING}} {_apache_string(query)}")
            flags += ",QSD"
        lines.append(f"RewriteRule {_apache_string(pattern)} {_apache_string(target)} [{flags}]")
    return "\n".join(lines) + "\n"


def _regex(text: str) -> str:
    """PCRE metacharacters and spaces escaped, `"` as `\\x22` (mod_rewrite's argument parser
    has no escape for a quote inside quotes); everything else (UTF-8 too) as it is."""
    return _REGEX_SPECIAL_RE.sub(r"\\\g<0>", text).replace('"', r"\x22")


def _apache_string(text: str) -> str:
    return f'"{text}"'


def netlify(rules: list[Redirect]) -> str:
    """A `_redirects` file: `/old /new 301`, query parameters as `key=value` after the path."""
    lines = []
    for rule in rules:
        old = wire(rule.old_path)
        params = " ".join(
            f"{quote(k, safe='')}={quote(v, safe='')}"
            for k, v in parse_qsl(rule.old_query, keep_blank_values=True)
        )
        lines.append(" ".join(p for p in (old, params, wire(rule.new), "301") if p))
    return "\n".join(lines) + "\n"


def as_csv(rules: list[Redirect]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["old", "new", "kind", "id"])
    for rule in rules:
        writer.writerow([wire(rule.old), wire(rule.new), rule.kind, rule.id])
    return out.getvalue()
