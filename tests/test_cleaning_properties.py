"""Property: cleaning keeps the tree of any block markup, and its text keeps every line.

Hypothesis writes block markup the way WordPress's serializer does (delimiters before and
after tags on the same line or not, void delimiters, JSON attributes that look like ``-->``)
around nested groups, columns, lists with nested lists, quotes, tables, figures, details and
code, plus editor comments, more markers, CDATA look-alikes, Custom HTML (text-only elements,
upper-case tags, a lone ``<`` before a comment) and an unclosed comment. Seeded
(``derandomize``): every run checks the same few hundred documents.
"""

from __future__ import annotations

from html_structure import plain_lines, structure_changes, text_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wpmigrate.cleaning import Cleaner

PROPERTY = settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

WORDS = st.sampled_from(
    [
        "water",
        "wells",
        "Zürich",
        "12",
        "&amp;",
        "&nbsp;",
        "&#8217;s",
        "--&gt;",
        "a -- b",
        "x --> y",
        "<![CDATA[ raw ]]>",
        "<![CDATA[ a <!-- ]]>",
        "[1]",
        "&lt;!-- shown --&gt;",
        "- ->",
    ]
)
ATTRIBUTES = st.sampled_from(
    [
        "",
        ' {"level":3}',
        ' {"className":"is-style-x\\u002d\\u002d\\u003e"}',
        ' {"note":"} /- ->","deep":{"a":{"b":"}}"}}}',
        ' {"url":"/a?b=1\\u0026c=2","label":"\\u003c!\\u002d\\u002d"}',
    ]
)
GAP = st.sampled_from(["", "", "\n", "\n\n"])


@st.composite
def inline(draw) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=5))
    wrap = draw(
        st.sampled_from(
            ["{}", "<strong>{}</strong>", "<em>{}</em>", '<a href="/x?a=1&amp;b=2">{}</a>']
        )
    )
    head = " ".join(words)
    tail = draw(st.sampled_from(["", " tail", "<br>next", " <code>[x]</code>"]))
    return wrap.format(head) + tail


def delimited(draw, name: str, html: str) -> str:
    gap = draw(GAP)
    return f"<!-- wp:{name}{draw(ATTRIBUTES)} -->{gap}{html}{draw(GAP)}<!-- /wp:{name} -->"


def joined(draw, blocks: list[str]) -> str:
    return "".join(block + draw(GAP) for block in blocks)


@st.composite
def block(draw, depth: int) -> str:
    kinds = ["paragraph", "heading", "image", "table", "code", "separator", "void", "note", "html"]
    if depth > 0:
        kinds += ["group", "columns", "list", "quote", "details"]
    kind = draw(st.sampled_from(kinds))
    inner = st.lists(block(depth - 1), min_size=1, max_size=3) if depth > 0 else None
    if kind == "paragraph":
        attr = draw(st.sampled_from(["", ' title="<!-- not a comment -->"', ' class="has-x"']))
        return delimited(draw, "paragraph", f"<p{attr}>{draw(inline())}</p>")
    if kind == "heading":
        return delimited(draw, "heading", f"<h2>{draw(inline())}</h2>")
    if kind == "image":
        caption = draw(st.sampled_from(["", f"<figcaption>{draw(inline())}</figcaption>"]))
        return delimited(
            draw,
            "image",
            f'<figure class="wp-block-image"><img src="/a.png" alt=""/>{caption}</figure>',
        )
    if kind == "table":
        cells = "".join(f"<td>{draw(inline())}</td>" for _ in range(draw(st.integers(1, 3))))
        return delimited(
            draw,
            "table",
            f'<figure class="wp-block-table"><table><tbody><tr>{cells}</tr><tr>{cells}</tr>'
            f"</tbody></table><figcaption>{draw(inline())}</figcaption></figure>",
        )
    if kind == "code":
        return delimited(
            draw, "code", '<pre class="wp-block-code"><code>if a &lt; b:\n    go()</code></pre>'
        )
    if kind == "separator":
        return delimited(draw, "separator", '<hr class="wp-block-separator"/>')
    if kind == "void":
        return draw(
            st.sampled_from(
                [
                    '<!-- wp:spacer {"height":"20px"} /-->',
                    "<!-- wp:latest-posts /-->",
                    "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->",
                ]
            )
        )
    if kind == "note":
        return draw(
            st.sampled_from(
                [
                    "<!-- editor note -->",
                    "<!---->",
                    "<!-->",
                    "<!--->",
                    "<!-- bang --!>",
                    "<?php x ?>",
                ]
            )
        )
    if kind == "html":  # the Custom HTML block: whatever the author typed
        return delimited(
            draw,
            "html",
            draw(
                st.sampled_from(
                    [
                        "<textarea><!-- typed --></textarea>",
                        '<iframe src="/x"><!-- fallback --></iframe>',
                        "<DIV CLASS=x><P>Upper</P></DIV>",
                        "<p>a <<!-- x -->p> b</p>",
                        "<table><tr><td>1<!-- c --></td></tr></table>",
                    ]
                )
            ),
        )
    if kind == "group":
        gap = draw(GAP)
        return delimited(
            draw, "group", f'<div class="wp-block-group">{gap}{joined(draw, draw(inner))}</div>'
        )
    if kind == "columns":
        columns = [
            delimited(
                draw, "column", f'<div class="wp-block-column">{joined(draw, draw(inner))}</div>'
            )
            for _ in range(draw(st.integers(1, 3)))
        ]
        return delimited(
            draw, "columns", f'<div class="wp-block-columns">{joined(draw, columns)}</div>'
        )
    if kind == "list":
        return delimited(draw, "list", draw(list_html(depth)))
    if kind == "quote":
        cite = draw(st.sampled_from(["", f"<cite>{draw(inline())}</cite>"]))
        return delimited(
            draw,
            "quote",
            f'<blockquote class="wp-block-quote">{joined(draw, draw(inner))}{cite}</blockquote>',
        )
    summary = f"<summary>{draw(inline())}</summary>"
    return delimited(draw, "details", f"<details>{summary}{joined(draw, draw(inner))}</details>")


@st.composite
def list_html(draw, depth: int) -> str:
    tag = draw(st.sampled_from(["ul", "ol"]))
    items = []
    for _ in range(draw(st.integers(1, 3))):
        nested = ""
        if depth > 1 and draw(st.booleans()):
            nested = delimited(draw, "list", draw(list_html(depth - 1)))
        items.append(delimited(draw, "list-item", f"<li>{draw(inline())}{nested}</li>"))
    return f"<{tag}>{joined(draw, items)}</{tag}>"


@st.composite
def document(draw) -> str:
    html = joined(draw, draw(st.lists(block(3), min_size=1, max_size=4)))
    return html + draw(st.sampled_from(["", "", "<!-- wp:paragraph -->\n<p>cut off"]))


@PROPERTY
@given(document())
def test_cleaning_keeps_the_tree(html):
    assert structure_changes(html, Cleaner().clean_html(html)) == []


@PROPERTY
@given(document())
def test_text_keeps_every_line(html):
    cleaner = Cleaner()
    cleaned = cleaner.clean_html(html)
    assert plain_lines(cleaner.to_text(cleaned)) == text_lines(cleaned)
