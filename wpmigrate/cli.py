"""The `wpmigrate` command line: parse options, call the library, print results.

Each command imports the library it uses when it runs: `wpmigrate --help`, `query` or a cron
job's `sync` do not pay for the others (sqlite-utils, requests, lxml...). The names click
needs to declare the options (choices, defaults) come from modules that import nothing heavy.
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from . import __version__
from .convert import frontmatter as convert_frontmatter
from .convert import layout as convert_layout
from .convert import links as convert_links
from .convert import redirects as convert_redirects
from .errors import DownloadsFailed, describe_failure
from .progress import Progress
from .sources import VIA_CHOICES

if TYPE_CHECKING:
    from .archive.reader import Rows
    from .mapping import Mapping
    from .media_files import FilesReport, MediaOptions
    from .pipeline import RunResult, Source

PASSWORD_ENV = "WPMIGRATE_APP_PASSWORD"

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="wpmigrate")
def cli() -> None:
    """Move a WordPress site's content into a queryable SQLite archive, and keep it in sync.

    \b
      wpmigrate export samples/research-library.xml library.db
      wpmigrate search library.db "forced labour"
      wpmigrate query library.db "select type, count(*) from items group by type"
    """


def mapping_options(command: Any) -> Any:
    command = click.option(
        "--mapping",
        "mappings",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="Mapping file (TOML), read on top of the default mapping that ships in the package. "
        "Repeatable.",
    )(command)
    return click.option(
        "--include-internals",
        is_flag=True,
        help="Keep WordPress internals too: internal types (revisions, menu items, "
        "templates...) and taxonomies (post formats, menus...).",
    )(command)


def quiet_option(command: Any) -> Any:
    return click.option("--quiet", "-q", is_flag=True, help="No progress or summary output.")(
        command
    )


def source_options(command: Any) -> Any:
    command = click.option(
        "--via",
        type=click.Choice(VIA_CHOICES),
        default="auto",
        show_default=True,
        help="How to read a URL: the REST API (rest), its public HTML (crawl), or the REST API "
        "with a crawl when it is switched off (auto).",
    )(command)
    command = click.option(
        "--user",
        help=f"WordPress user for private content; the application password is read from "
        f"${PASSWORD_ENV} or prompted for (never given on the command line).",
    )(command)
    command = click.option(
        "--delay",
        type=click.FloatRange(0, 60),
        default=0.0,
        help="Crawling: seconds between requests (robots.txt Crawl-delay wins when longer).",
    )(command)
    command = click.option(
        "--allow-origin",
        "allow_origins",
        multiple=True,
        metavar="URL",
        callback=_origins,
        help="REST API: also talk to (and send --user's password to) this origin, e.g. "
        "https://www.example.org when the site moved there. Repeatable. Without it, an API "
        "link or redirect to another scheme, host or port is refused.",
    )(command)
    command = click.option(
        "--max-response-mb",
        type=click.IntRange(1, 100_000),
        default=None,
        metavar="MB",
        help="REST API: refuse an answer larger than this once decoded (default 100).",
    )(command)
    return click.option(
        "--concurrency",
        type=click.IntRange(1, 16),
        default=None,
        help="Requests in flight at once (default 4 for the REST API, 2 when crawling).",
    )(command)


def _origins(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple:
    """--allow-origin values: http(s) URLs with a host (only their origin counts)."""
    for value in values:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise click.BadParameter(f"{value!r} is not an http(s) URL such as https://host")
    return values


def media_options(command: Any) -> Any:
    """--media DIR and its companions; `media_settings` checks and gathers them."""
    command = click.option(
        "--rewrite-links",
        is_flag=True,
        help="With --media: point content links at the downloaded copies.",
    )(command)
    command = click.option(
        "--max-file-size",
        default="1G",
        show_default=True,
        metavar="SIZE",
        help="With --media: skip files larger than this (bytes, or 500K, 20M, 2G).",
    )(command)
    command = click.option(
        "--media-host",
        "media_hosts",
        multiple=True,
        metavar="HOST",
        help="With --media: also fetch from this host. The site's host and the hosts the "
        "source names for its attachments (a CDN, an S3 offload) are trusted already. "
        "Repeatable.",
    )(command)
    return click.option(
        "--media",
        type=click.Path(file_okay=False),
        help="Download every media file (and upload files content links to) into this folder, "
        "as 2024/03/name; re-runs fetch only what changed.",
    )(command)


def media_settings(
    media: str | None,
    media_hosts: tuple[str, ...],
    max_file_size: str,
    rewrite_links: bool,
    concurrency: int | None,
) -> MediaOptions | None:
    """What `--media DIR` asks for, checked before the export starts (None without it)."""
    if not media and (media_hosts or rewrite_links):
        raise click.UsageError("--media-host and --rewrite-links need --media DIR")
    size = parse_size(max_file_size or "1G")  # a bad size fails before the export
    if not media:
        return None
    from .media_files import MediaOptions

    return MediaOptions(
        directory=Path(media),
        hosts=tuple(media_hosts),
        max_file_size=size,
        rewrite_links=rewrite_links,
        concurrency=concurrency or 4,
    )


def parse_size(text: str) -> int:
    units = {"": 1, "B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    value = text.strip().upper().removesuffix("IB").removesuffix("B")
    number, unit = (value[:-1], value[-1]) if value[-1:] in units and value[-1:] else (value, "")
    try:
        size = int(float(number) * units[unit])
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a size (try 500K, 20M, 2G)") from None
    if size <= 0:
        raise click.BadParameter("--max-file-size must be more than 0")
    return size


def read_auth(user: str | None) -> tuple[str, str] | None:
    if not user:
        return None
    password = os.environ.get(PASSWORD_ENV) or click.prompt(
        f"Application password for {user}", hide_input=True
    )
    return (user, password)


@cli.command(name="export")
@click.argument("source")
@click.argument("archive", type=click.Path(dir_okay=False))
@source_options
@mapping_options
@click.option("--full", is_flag=True, help="Re-read everything, even what looks unchanged.")
@click.option("--force", is_flag=True, help="Export even if ARCHIVE holds another site.")
@media_options
@quiet_option
def export_command(
    source: str,
    archive: str,
    via: str,
    user: str | None,
    delay: float,
    concurrency: int | None,
    allow_origins: tuple[str, ...],
    max_response_mb: int | None,
    mappings: tuple[str, ...],
    include_internals: bool,
    full: bool,
    force: bool,
    media: str | None,
    media_hosts: tuple[str, ...],
    max_file_size: str,
    rewrite_links: bool,
    quiet: bool,
) -> None:
    """Export SOURCE (a WXR file, .xml or .xml.gz, or a site URL) into the SQLite ARCHIVE.

    The archive is created if missing. Exporting again updates it in place and, for a
    site URL, reads only what changed (an interrupted export re-run finishes the job).

    \b
      wpmigrate export site.wordpress.2024-05-01.xml library.db
      wpmigrate export https://example.org library.db
      WPMIGRATE_APP_PASSWORD=... wpmigrate export https://example.org library.db --user editor
      wpmigrate export export.xml.gz library.db --mapping mappings/research-library.toml
    """
    from .mapping import load_mapping

    files = media_settings(media, media_hosts, max_file_size, rewrite_links, concurrency)
    mapping = load_mapping(list(mappings), include_internals=include_internals)
    network = {"allow_origins": allow_origins, "max_response_mb": max_response_mb}
    reader = _open_source(source, mapping, via, user, concurrency, delay, quiet=quiet, **network)
    _read_into(
        archive, reader, mapping, files, quiet=quiet, command="export", full=full, force=force
    )


@cli.command(name="sync")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("source", required=False)
@source_options
@mapping_options
@click.option("--keep-history", is_flag=True, help="Keep the previous version of modified items.")
@click.option("--force", is_flag=True, help="Sync even if SOURCE is another site.")
@click.option(
    "--complete",
    is_flag=True,
    help="The WXR file is the whole site: mark deleted whatever it lacks, even of post types "
    "or dates it holds nothing of (without it, a partial export only speaks for what it "
    "covers).",
)
@click.option("--full", is_flag=True, help="Re-read everything, even what looks unchanged.")
@media_options
@quiet_option
def sync_command(
    archive: str,
    source: str | None,
    via: str,
    user: str | None,
    delay: float,
    concurrency: int | None,
    allow_origins: tuple[str, ...],
    max_response_mb: int | None,
    mappings: tuple[str, ...],
    include_internals: bool,
    keep_history: bool,
    force: bool,
    complete: bool,
    full: bool,
    media: str | None,
    media_hosts: tuple[str, ...],
    max_file_size: str,
    rewrite_links: bool,
    quiet: bool,
) -> None:
    """Bring ARCHIVE up to date with its source: only what changed is fetched.

    SOURCE defaults to the one the last run recorded, and --mapping to the files it used;
    give a newer WXR file or another URL of the same site to use that instead. Items that
    disappeared keep their rows, with `deleted_at` set; the `changes` table logs what each
    run added, modified, deleted and restored.

    \b
      wpmigrate sync library.db
      wpmigrate sync library.db site.wordpress.2024-06-01.xml
      wpmigrate sync library.db --keep-history
      wpmigrate sync library.db posts-only.xml          # pages, media... left as they are
      wpmigrate sync library.db whole-site.xml --complete
    """
    from .archive.reader import recorded_source
    from .mapping import load_mapping

    files = media_settings(media, media_hosts, max_file_size, rewrite_links, concurrency)
    recorded_spec, recorded_mappings = recorded_source(archive)
    mapping = load_mapping(list(mappings) or recorded_mappings, include_internals=include_internals)
    network = {"allow_origins": allow_origins, "max_response_mb": max_response_mb}
    reader = _open_source(
        source or recorded_spec, mapping, via, user, concurrency, delay, quiet=quiet, **network
    )
    _read_into(
        archive,
        reader,
        mapping,
        files,
        quiet=quiet,
        command="sync",
        full=full,
        keep_history=keep_history,
        force=force,
        complete=complete,
    )


def _open_source(
    spec: str,
    mapping: Mapping,
    via: str,
    user: str | None,
    concurrency: int | None,
    delay: float,
    *,
    quiet: bool,
    allow_origins: tuple[str, ...],
    max_response_mb: int | None,
) -> Source:
    from .sources import open_source

    return open_source(
        spec,
        mapping,
        via=via,
        auth=read_auth(user),
        concurrency=concurrency,
        delay=delay,
        notify=None if quiet else _notify,
        allow_origins=allow_origins,
        max_response_mb=max_response_mb,
    )


def _notify(message: str) -> None:
    click.echo(message, err=True)


def _read_into(
    archive: str,
    reader: Source,
    mapping: Mapping,
    files: MediaOptions | None,
    *,
    quiet: bool,
    command: str,
    **options: Any,
) -> None:
    """What export and sync share: run the source into the archive, download, report."""
    from . import runs

    # A run makes millions of short-lived objects and few cycles: collecting the youngest
    # generation every 10,000 allocations instead of 700, and never re-scanning what start-up
    # made, saves ~5 % of an export (measured on the WXR bench file, bench/README.md).
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    progress = Progress("items", enabled=False if quiet else None)
    result = runs.run(
        reader,
        archive,
        mapping,
        command=command,
        detect_deletions=command == "sync",
        progress=progress,
        **options,
    )
    if not quiet:
        _print_summary(result)
    if files is not None:
        from .media_files import download_into

        report = download_into(archive, result.run_id, files)
        if not quiet:
            _print_files(report)
        if report.failures:
            failed = len(report.failures)
            raise DownloadsFailed(
                f"{failed:,} file{'s' if failed != 1 else ''} not downloaded (media.file_error "
                "and linked_files.file_error say why); the content is archived, run again "
                "to retry"
            )


@cli.command(name="log")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option("--limit", default=10, show_default=True, help="How many recent runs.")
@click.option("--changes", "show_changes", is_flag=True, help="List the changed items too.")
@click.option("--json", "as_json", is_flag=True, help="Output as JSON.")
def log_command(archive: str, limit: int, show_changes: bool, as_json: bool) -> None:
    """Show recent runs and what they changed.

    \b
      wpmigrate log library.db
      wpmigrate log library.db --limit 1 --changes
    """
    from .archive.reader import recent_changes, recent_runs

    runs = recent_runs(archive, limit)
    _print_rows(runs, as_json=as_json, as_csv=False)
    if show_changes and runs.rows:
        click.echo()
        _print_rows(recent_changes(archive, limit), as_json=as_json, as_csv=False)


@cli.command(name="inspect")
@click.argument("source")
@source_options
@click.option(
    "--write-mapping",
    "mapping_file",
    type=click.Path(dir_okay=False),
    help="Draft a mapping (TOML) into this file: a table per custom type (for posts and "
    "pages on a site without any).",
)
@click.option("--force", is_flag=True, help="Replace the --write-mapping file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Output the report as JSON.")
def inspect_command(
    source: str,
    via: str,
    user: str | None,
    delay: float,
    concurrency: int | None,
    allow_origins: tuple[str, ...],
    max_response_mb: int | None,
    mapping_file: str | None,
    force: bool,
    as_json: bool,
) -> None:
    """Show what SOURCE (a WXR file or a site URL) holds, without writing an archive.

    Post types with counts, taxonomies with term counts, and for each type its fields with a
    guessed kind (date Ymd, attachment id, URL, number, list, HTML, bool) and sample values.

    \b
      wpmigrate inspect samples/research-library.xml
      wpmigrate inspect https://example.org --write-mapping mappings/example.toml
    """
    from .mapping import load_mapping
    from .report import check_mapping_target, inspect_source, render_text, write_mapping

    if mapping_file:  # before reading the site, not after printing its report
        check_mapping_target(mapping_file, force=force)
    mapping = load_mapping([])
    network = {"allow_origins": allow_origins, "max_response_mb": max_response_mb}
    reader = _open_source(source, mapping, via, user, concurrency, delay, quiet=False, **network)
    report = inspect_source(reader, mapping)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(report), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(report), nl=False)
    if mapping_file:
        write_mapping(report, mapping_file, force=force, source=source)
        click.echo(f"wrote a draft mapping to {mapping_file}", err=True)


@cli.command()
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("sql")
@click.option("--json", "as_json", is_flag=True, help="Output rows as a JSON list of objects.")
@click.option("--csv", "as_csv", is_flag=True, help="Output rows as CSV with a header.")
@click.option("-p", "--param", nargs=2, multiple=True, help="Named parameter: -p name value.")
def query(
    archive: str, sql: str, as_json: bool, as_csv: bool, param: tuple[tuple[str, str], ...]
) -> None:
    """Run SQL against ARCHIVE, opened read-only.

    \b
      wpmigrate query library.db "select type, count(*) from items group by type"
      wpmigrate query library.db "select title from items where id = :id" -p id 42 --json
    """
    from .archive.reader import run_query

    _print_rows(run_query(archive, sql, dict(param)), as_json=as_json, as_csv=as_csv)


@cli.command()
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("terms", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, help="How many results.")
@click.option("--type", "types", multiple=True, help="Only items of this type. Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Output results as JSON.")
def search(archive: str, terms: tuple[str, ...], limit: int, types: tuple[str, ...], as_json: bool):
    """Full-text search over titles, excerpts and content, best matches first.

    \b
      wpmigrate search library.db "forced labour"
      wpmigrate search library.db water --type publication --limit 5
    """
    from .archive.reader import search as search_archive

    found = search_archive(archive, " ".join(terms), types=types, limit=limit)
    if not found.rows and not as_json:
        click.echo("no matches", err=True)
        return
    _print_rows(found, as_json=as_json, as_csv=False)


# -- convert and redirects: out of the archive (wpmigrate/convert/) --------------------------


def convert_layout_options(command: Any) -> Any:
    """--layout, --types and --include-unpublished: shared by convert and redirects."""
    command = click.option(
        "--include-unpublished",
        is_flag=True,
        help="Include drafts, pending, future, private and password-protected items (left out "
        "by default).",
    )(command)
    command = click.option(
        "--types",
        "types",
        multiple=True,
        metavar="TYPE",
        help="Only items of this type (post, page...). Repeatable, or comma-separated.",
    )(command)
    return click.option(
        "--layout",
        default=convert_layout.DEFAULT_LAYOUT,
        show_default=True,
        help="Path of each file: {type} {slug} {id} {year} {month} {day} {path} {status}; "
        "e.g. content/{type}/{year}/{month}/{slug}/index.md for page bundles.",
    )(command)


@cli.command(name="convert")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("target")
@click.option(
    "--to", "to", type=click.Choice(["markdown", "jsonl"]), required=True, help="Output format."
)
@convert_layout_options
@click.option(
    "--front-matter",
    type=click.Choice(convert_frontmatter.FORMATS),
    default="yaml",
    show_default=True,
    help="Markdown: front matter format.",
)
@click.option(
    "--media",
    "media_dir",
    type=click.Path(file_okay=False),
    help="Markdown: the folder `export --media` downloaded into; links then point at the "
    "copies (copied next to each page with an index.md layout).",
)
@click.option(
    "--links",
    "link_style",
    type=click.Choice(convert_links.LINK_STYLES),
    default="url",
    show_default=True,
    help="Markdown: internal links as the new URL (/post/x/) or a relative file path (x.md).",
)
@click.option(
    "--keep-deleted",
    is_flag=True,
    help="Markdown: keep the files of items the archive marks deleted, marked `deleted`.",
)
@quiet_option
def convert_command(
    archive: str,
    target: str,
    to: str,
    layout: str,
    types: tuple[str, ...],
    include_unpublished: bool,
    front_matter: str,
    media_dir: str | None,
    link_style: str,
    keep_deleted: bool,
    quiet: bool,
) -> None:
    """Write ARCHIVE out for a new home: Markdown files into the folder TARGET, or JSON Lines.

    Markdown: one file per item with front matter (title, dates, taxonomies, fields, the old
    URL as `aliases`...). A re-run rewrites only what changed and removes the files of
    deleted items; other files in TARGET are never touched. JSON Lines: one object per item
    (all columns, terms, fields, media, comments, event) into the file TARGET, or - for stdout.

    \b
      wpmigrate convert library.db site --to markdown
      wpmigrate convert library.db site --to markdown --layout 'content/{type}/{slug}/index.md'
      wpmigrate convert library.db items.jsonl --to jsonl --types post,page
    """
    from .archive import item_reader as convert_reader
    from .convert import jsonl as convert_jsonl
    from .convert import markdown as convert_markdown

    selection = convert_reader.Selection.of(types, include_unpublished)
    progress = Progress("items", enabled=False if quiet else None)
    if to == "jsonl":
        convert_layout.Layout(layout)  # a bad --layout fails the same way for both formats
        count = convert_jsonl.write_jsonl(
            archive, target, selection, None if target == "-" else progress
        )
        progress.close()
        if not quiet and target != "-":
            click.echo(f"wrote {count:,} items to {target}", err=True)
        return
    options = convert_markdown.MarkdownOptions(
        layout=convert_layout.Layout(layout),
        selection=selection,
        front_matter=front_matter,
        media_dir=Path(media_dir) if media_dir else None,
        link_style=link_style,
        keep_deleted=keep_deleted,
    )
    report = convert_markdown.convert_to_markdown(archive, target, options, progress)
    progress.close()
    if not quiet:
        click.echo(
            f"{report.items:,} items: {report.written:,} written, {report.unchanged:,} "
            f"unchanged, {report.removed:,} removed, {report.marked_deleted:,} marked deleted; "
            f"{report.files_copied:,} files copied",
            err=True,
        )
    for path in report.conflicts[:10]:
        click.echo(f"warning: {path} exists and was not written by convert: left alone", err=True)
    if len(report.conflicts) > 10:
        click.echo(f"warning: … and {len(report.conflicts) - 10:,} more left alone", err=True)


@cli.command(name="redirects")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.option(
    "--to", "to", type=click.Choice(convert_redirects.FORMATS), required=True, help="Rule format."
)
@convert_layout_options
@click.option(
    "--media-url",
    metavar="PATH",
    help="Where the new site serves the media folder (e.g. /media): upload URLs and "
    "attachment pages then redirect to the files.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here, not stdout.")
def redirects_command(
    archive: str,
    to: str,
    layout: str,
    types: tuple[str, ...],
    include_unpublished: bool,
    media_url: str | None,
    output: str | None,
) -> None:
    """Redirect rules from the old site's URLs to the new paths `convert` writes.

    Every item (its permalink, /?p=ID, /?page_id=ID), term archive (/category/x/, /tag/x/)
    and attachment (/?attachment_id=ID), exact-match, escaped for the server's syntax.
    Give the same --layout as to convert.

    \b
      wpmigrate redirects library.db --to nginx > redirects.conf
      wpmigrate redirects library.db --to netlify --layout 'content/{type}/{slug}/index.md'
      wpmigrate redirects library.db --to csv --media-url /media -o redirects.csv
    """
    from .archive import item_reader as convert_reader
    from .convert import jsonl as convert_jsonl

    selection = convert_reader.Selection.of(types, include_unpublished)
    rules = convert_redirects.collect(archive, convert_layout.Layout(layout), selection, media_url)
    text = convert_redirects.render(rules, to)
    if output:
        with convert_jsonl.open_output(output) as out:
            out.write(text)
    else:
        click.echo(text, nl=False)


def _print_rows(answer: Rows, *, as_json: bool, as_csv: bool) -> None:
    columns, rows = answer.columns, answer.rows
    if as_json:
        click.echo(
            json.dumps(
                [dict(zip(columns, r, strict=True)) for r in rows],
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
    elif as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        from tabulate import tabulate

        click.echo(tabulate([[_cell(v) for v in r] for r in rows], headers=columns))


def _cell(value: Any) -> Any:
    """Long text is cut for the table view (--json and --csv give it whole); links never."""
    if isinstance(value, str) and len(value) > 80 and not value.startswith(("http://", "https://")):
        return value[:77] + "..."
    return value


def _print_summary(result: RunResult) -> None:
    items = result.counts.counts.get("items", {})
    outcomes = ("added", "modified", "deleted", "restored", "unchanged")
    parts = [f"{items.get(k, 0):,} {k}" for k in outcomes]
    skipped = sum(result.counts.counts.get("skipped", {}).values())
    media = result.counts.get("media", "seen")
    terms = result.counts.get("terms", "seen")
    click.echo(
        f"run {result.run_id}: items {', '.join(parts)}; {terms:,} terms, {media:,} media; "
        f"{skipped:,} skipped"
        + (f"; {len(result.warnings):,} warnings" if result.warnings else ""),
        err=True,
    )
    unlinked = result.counts.counts.get("unlinked", {})
    if unlinked:
        links = ", ".join(f"{column} {n:,}" for column, n in sorted(unlinked.items()))
        click.echo(
            f"warning: {sum(unlinked.values()):,} links to rows the source does not have "
            f"were dropped ({links})",
            err=True,
        )
    not_compared = result.counts.counts.get("not_compared", {})
    if result.coverage is not None and any(not_compared.values()):
        kept = ", ".join(f"{n:,} {table}" for table, n in sorted(not_compared.items()) if n)
        click.echo(
            f"not compared: {kept} the file does not cover ({result.coverage.describe()}); "
            "left as they were (sync --complete if the file is the whole site)",
            err=True,
        )
    examples = result.counts.counts.get("unconverted_items", {})
    for column, n in result.counts.counts.get("unconverted", {}).items():
        ids = ", ".join(map(str, examples.get(column, [])))
        click.echo(f"warning: {column}: {n:,} values did not convert (items {ids})", err=True)


def _print_files(report: FilesReport) -> None:
    counts = report.counts
    mb = report.bytes / 1e6
    click.echo(
        f"files: {counts.get('downloaded', 0):,} downloaded ({mb:,.1f} MB, "
        f"{report.files_per_second:,.0f} files/s), {counts.get('unchanged', 0):,} unchanged, "
        f"{counts.get('not_modified', 0):,} not modified, "
        f"{counts.get('failed', 0) + counts.get('refused', 0):,} failed; "
        f"{report.requests:,} requests"
        + (f"; {report.rewritten:,} items' links rewritten" if report.rewritten else ""),
        err=True,
    )
    for url, reason in report.failures[:10]:
        click.echo(f"warning: {url}: {reason}", err=True)
    if len(report.failures) > 10:
        click.echo(f"warning: … and {len(report.failures) - 10:,} more failed files", err=True)


def main() -> None:
    # sqlite-utils imports numpy when it is installed, only to map numpy values to column
    # types; wpmigrate writes none, does not depend on numpy, and importing it was a third
    # of a command's start-up (~60 ms of ~180). The command line is a process of its own,
    # so it keeps numpy out; the library, imported by others, does not.
    sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("wpmigrate: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("\nwpmigrate: interrupted; run the same command again to finish", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # WPMigrateError, a full disk, a bug: one line, no traceback
        click.echo(f"wpmigrate: error: {describe_failure(exc)}", err=True)
        sys.exit(getattr(exc, "exit_code", 1))
