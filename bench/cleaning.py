"""Benchmark: cleaning alone, and the ways of removing comments that were weighed for it.

Runs, in this process, `clean_html` + `to_text` + `clean_excerpt` + `clean_title` over
synthetic block-editor items (~2.9 KB: 8 paragraphs with ~55 entities, block comments, a more
marker, a list, a caption shortcode in every third item), then times how each mechanism removes
comments from real content (WordPress's 64-block test data, theme unit test data and the
shipped sample) and, when html5lib is installed (the `test` extra), counts the items whose tree
each one changes (tests/html_structure.py); last, times pathological ~1 MB inputs (each must
take well under a second: cleaning is linear in its input):

* **regex** — what cleaning does: literal-first regex passes that end a comment at its first
  `-->`, with a piece-by-piece walk for markup where `<!--` may not open a comment;
* **lxml** — lxml's HTML parser (libxml2, HTML 4 rules), comments dropped, serialised back;
* **selectolax** — lexbor (an HTML5 parser), comments dropped, serialised back (only when
  selectolax is installed; it is not a dependency).

    python bench/cleaning.py
    python bench/cleaning.py --items 10000
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from wpmigrate.cleaning import Cleaner, strip_block_comments  # noqa: E402
from wpmigrate.model import Item  # noqa: E402
from wpmigrate.sources.wxr import WXRSource  # noqa: E402

CORPORA = (
    ROOT / "tests" / "fixtures" / "wxr" / "theme-test-data" / "64-block-test-data.xml",
    ROOT / "tests" / "fixtures" / "wxr" / "theme-test-data" / "themeunittestdata.wordpress.xml",
    ROOT / "samples" / "research-library.xml",
)


def synthetic_item(i: int) -> tuple[str, str, str]:
    """(content, excerpt, title) of one ~2.9 KB block-editor item."""
    para = (
        "<!-- wp:paragraph -->\n<p>Item {i}: the committee&#8217;s report on water &amp; "
        "sanitation covers 12&nbsp;districts, with &#8220;field notes&#8221; from caf&eacute;s, "
        "clinics and schools. Read more about our methods in chapter {k} &mdash; "
        '<a href="https://example.org/{i}/{k}">the annex</a> lists every source.</p>\n'
        "<!-- /wp:paragraph -->\n\n"
    )
    body = [f"<!-- wp:heading -->\n<h2>Section {i}</h2>\n<!-- /wp:heading -->\n\n"]
    for k in range(8):
        body.append(para.format(i=i, k=k))
        if k == 2:
            body.append("<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n")
        if k == 4 and i % 3 == 0:
            body.append(
                '[caption id="attachment_7" align="alignnone" width="300"]'
                '<img src="/a.jpg" alt="A well" /> A new well[/caption]\n\n'
            )
        if k == 5:
            body.append(
                "<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>one</li>\n<!-- /wp:list-item -->"
                "<!-- wp:list-item -->\n<li>two &gt; one</li>\n<!-- /wp:list-item --></ul>\n"
                "<!-- /wp:list -->\n\n"
            )
    title = f"Water &amp; Sanitation &#8211; {2000 + i}"
    excerpt = (
        f"<p>Item {i}: the committee&#8217;s report on water &amp; sanitation covers "
        "12 districts [&hellip;]</p>\n"
        if i % 2
        else f'<p>Item {i} summary &hellip; <a class="more-link" href="/p/{i}">Read More</a></p>'
    )
    return "".join(body), excerpt, title


def bench_cleaner(n: int) -> None:
    items = [synthetic_item(i) for i in range(n)]
    cleaner = Cleaner()
    t0 = time.perf_counter()
    for content, excerpt, title in items:
        html = cleaner.clean_html(content)
        cleaner.to_text(html)
        cleaner.clean_excerpt(excerpt)
        cleaner.clean_title(title)
    elapsed = time.perf_counter() - t0
    size = sum(len(c) for c, _, _ in items) / n
    rate = n / elapsed
    print(
        f"cleaner: {n} synthetic items of ~{size:,.0f} chars: {rate:,.0f} items/s "
        f"({1e3 / rate:.3f} ms/item)"
    )


def corpus() -> list[str]:
    return [
        r.content_html
        for path in CORPORA
        for r in WXRSource(path).records()
        if isinstance(r, Item) and r.content_html
    ]


def lxml_remover() -> Callable[[str], str]:
    from lxml import etree, html

    def remove(text: str) -> str:
        parts = html.fragments_fromstring(text)
        out = [parts.pop(0)] if parts and isinstance(parts[0], str) else []
        for element in parts:
            for comment in element.xpath("descendant-or-self::comment()"):
                parent = comment.getparent()
                if parent is None:
                    continue
                tail = comment.tail or ""
                previous = comment.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
                parent.remove(comment)
            if isinstance(element, etree._Comment):
                out.append(element.tail or "")
                continue
            out.append(html.tostring(element, encoding="unicode"))
        return "".join(out)

    return remove


def selectolax_remover() -> Callable[[str], str] | None:
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        return None

    def remove(text: str) -> str:
        tree = LexborHTMLParser(f"<body>{text}</body>")
        comments = [n for n in tree.root.traverse(include_text=True) if n.tag == "-comment"]
        for node in comments:
            node.decompose()
        return tree.body.inner_html

    return remove


def generated(n: int) -> list[str]:
    """The property test's block markup (seeded), or nothing without the test extra."""
    try:
        from hypothesis import given, settings
        from test_cleaning_properties import document
    except ImportError:
        return []
    documents: list[str] = []

    @settings(max_examples=n, derandomize=True, deadline=None, database=None)
    @given(document())
    def collect(html: str) -> None:
        documents.append(html)

    collect()
    return documents


def bench_mechanisms(repeat: int) -> None:
    try:
        from html_structure import structure_changes
    except ImportError:  # html5lib is in the test extra
        structure_changes = None
    for label, items in (("real items", corpus()), ("generated documents", generated(300))):
        if items:
            _compare(label, items, repeat, structure_changes)


def _compare(label: str, items: list[str], repeat: int, structure_changes) -> None:
    size = sum(map(len, items)) / len(items)
    mechanisms = {
        "regex": lambda text: strip_block_comments(text),
        "lxml": lxml_remover(),
        "selectolax": selectolax_remover(),
    }
    print(f"comment removal, {len(items)} {label} of ~{size:,.0f} chars (best of {repeat}):")
    for name, remove in mechanisms.items():
        if remove is None:
            print(f"  {name:<11} not installed")
            continue
        best = min(_timed(remove, items) for _ in range(repeat))
        changed = "?"
        if structure_changes is not None:
            changed = sum(1 for text in items if _changes(structure_changes, text, remove(text)))
        print(
            f"  {name:<11} {best / len(items) * 1e6:8.1f} µs/item "
            f"{len(items) / best:10,.0f} items/s   items with a changed tree: {changed}"
        )


def _changes(structure_changes, source: str, cleaned: str) -> bool:
    from wpmigrate.cleaning import CleaningConfig

    return bool(structure_changes(source, cleaned, CleaningConfig(steps=())))


def _timed(remove: Callable[[str], str], items: list[str]) -> float:
    t0 = time.perf_counter()
    for text in items:
        remove(text)
    return time.perf_counter() - t0


HOSTILE = {
    "[a ×300k": "[a " * 300_000,
    "<!-- ×250k": "<!--" * 250_000,
    "<!--more ×125k": "<!--more" * 125_000,
    "<!--x--><?p ×100k": "<!--x--><?p" * 100_000,
    "<p title='<!--'> ×50k": "<p title='<!--'>" * 50_000,
    "more-link ×50k": '<a class="more-link">' * 50_000,
    "sr-only ×45k": '<span class="sr-only">' * 45_000,
    "<code>[ ×140k": "<code>[" * 140_000,
    "<pre> ×200k": "<pre>" * 200_000,
    "[vc_row] ×125k": "[vc_row]" * 125_000,
    "… ×1M": "\u2026" * 1_000_000,
    "</div> ×160k": "x" + "</div>" * 160_000,
    "unclosed title": '<a title="' + "x" * 1_000_000,
    "< ×1M": "<" * 1_000_000,
}


def bench_hostile() -> None:
    """Pathological inputs of ~1 MB: each must clean in well under a second (linear time)."""
    cleaner = Cleaner()
    print("hostile inputs (clean_html + to_text + clean_excerpt):")
    for name, text in HOSTILE.items():
        t0 = time.perf_counter()
        cleaner.clean_html(text)
        cleaner.to_text(text)
        cleaner.clean_excerpt(text)
        seconds = time.perf_counter() - t0
        print(f"  {name:<24} {seconds:6.2f} s{'   SLOW' if seconds > 1 else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_cleaner(args.items)
    bench_mechanisms(args.repeat)
    bench_hostile()


if __name__ == "__main__":
    main()
