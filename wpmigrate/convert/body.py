"""The Markdown body of an item, from its cleaned `content_html`.

The converter is html-to-markdown (a Rust core behind a Python API): on the theme unit test
data, the 64-block test data and the sample it keeps as much as markdownify does (headings,
nested lists, tables, code blocks with their language, block quotes, images, links) and is
about ten times faster, which is what lets a 20,000-item archive convert in seconds.

Before conversion the HTML gets a few WordPress-specific touches that no generic converter
makes: SyntaxHighlighter's `brush:` language is kept, figure captions become their own
paragraph, `<audio>`, `<video>`, `<iframe>`, `<q>` and a `<pre>` holding links stay HTML
(CommonMark passes HTML through, and Markdown has no syntax for them), `srcset`/`sizes` go
(the Markdown image has one source), and every `href`/`src` goes through `rewrite`, which
points links at the new paths and local copies.

Footnotes (WordPress 6.3+) live in the post's `footnotes` meta, and the content holds only
`<sup data-fn="…">` references; given the notes, the references become Markdown footnotes
(`[^1]`, which Hugo, Astro, Eleventy and Jekyll render) and the notes follow the text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import html_to_markdown

OPTIONS = html_to_markdown.ConversionOptions(
    heading_style="atx",
    bullets="-",
    list_indent_width=4,  # CommonMark nests under "10. " only with 4 spaces
    code_block_style="backticks",
    escape_misc=False,
    escape_asterisks=True,
    escape_underscores=True,
    highlight_style="none",
    expand_abbreviations=False,
    include_blockquote_citations=False,
    extract_metadata=False,
    autolinks=True,
    preserve_tags=["audio", "video", "iframe", "q", "object", "embed", "x-wpmigrate-pre"],
)
# A <pre> with links in it (a verse, a preformatted block) stays HTML: a Markdown code block
# would show the link syntax instead of a link. It is renamed so the converter keeps it.
_RAW_PRE = "x-wpmigrate-pre"
_PRE_WITH_LINK_RE = re.compile(r"<pre\b([^>]*)>((?:(?!</pre).)*?<a\b.*?)</pre\s*>", re.S | re.I)

_CAPTION_RE = re.compile(r"<figcaption\b[^>]*>(.*?)</figcaption\s*>", re.S | re.I)
_FIGURE_RE = re.compile(r"<(/?)figure\b[^>]*>", re.I)
_SRCSET_RE = re.compile(r"""\s(?:srcset|sizes)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I)
_LINK_ATTR_RE = re.compile(r"""(\s(?:href|src|poster)\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.I)

# SyntaxHighlighter Evolved writes <pre class="brush: php; …"> without a <code>.
_BRUSH_RE = re.compile(
    r"""<pre\b[^>]*\bclass=["'][^"']*\bbrush:\s*([\w+#-]+)[^"']*["'][^>]*>((?:(?!<code).)*?)</pre\s*>""",
    re.S | re.I,
)
_FOOTNOTE_REF_RE = re.compile(r"""<sup\b[^>]*\bdata-fn=["']([^"']+)["'][^>]*>.*?</sup\s*>""", re.S)

_BACKTICK = "\ue000"  # a private-use character stands in for a backtick in running text
_CODE_SPAN_RE = re.compile(
    r"(<(?:code|pre|kbd|samp|x-wpmigrate-pre)\b.*?</(?:code|pre|kbd|samp|x-wpmigrate-pre)\s*>)",
    re.S | re.I,
)

Rewrite = Callable[[str], str | None]


def to_markdown(
    html: str, rewrite: Rewrite | None = None, footnotes: dict[str, str] | None = None
) -> str:
    """Markdown for `html`; `rewrite(url)` may return a new URL for any link or source.

    `footnotes` maps a footnote id to its note (HTML), as the `footnotes` field holds them.
    """
    if not html:
        return ""
    notes: list[str] = []
    if footnotes and "data-fn" in html:
        html = _FOOTNOTE_REF_RE.sub(lambda m: _footnote_ref(m, footnotes, notes), html)
    markdown = _convert(_prepare(html, rewrite))
    for number, note in enumerate(notes, 1):
        markdown += f"\n\n[^{number}]: {_convert(_prepare(note, rewrite)).strip()}"
    return markdown.strip() + "\n"


def footnotes_of(fields: dict[str, object]) -> dict[str, str]:
    """The notes of the `footnotes` field (a JSON list of {id, content}), by id."""
    value = fields.get("footnotes")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, list):
        return {}
    return {
        str(note["id"]): str(note.get("content") or "")
        for note in value
        if isinstance(note, dict) and note.get("id")
    }


def _footnote_ref(match: re.Match[str], footnotes: dict[str, str], notes: list[str]) -> str:
    note = footnotes.get(match.group(1))
    if note is None:
        return match.group(0)
    notes.append(note)
    return f"[^{len(notes)}]"


def _options_once() -> Callable[[str], str]:
    """html_to_markdown.convert rebuilds its Rust options on every call, which costs more
    than converting a typical post; build them once and call the binding directly, or fall
    back to the public function if a release moves these names."""
    try:
        from html_to_markdown import _html_to_markdown as binding
        from html_to_markdown.api import _to_rust_conversion_options

        options = _to_rust_conversion_options(OPTIONS)
        return lambda html: binding.convert(html=html, options=options, visitor=None).content
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - another release
        return lambda html: html_to_markdown.convert(html, OPTIONS).content


_to_markdown_text = _options_once()


def _convert(html: str) -> str:
    markdown = _to_markdown_text(html)
    if _RAW_PRE in markdown:
        markdown = markdown.replace(f"<{_RAW_PRE}", "<pre").replace(f"</{_RAW_PRE}>", "</pre>")
    if _BACKTICK in markdown:
        markdown = markdown.replace(_BACKTICK, "\\`")
    return markdown.strip()


def _hide_backticks(html: str) -> str:
    """A backtick in running text (`1500-ականներից``) would open a code span: it is held
    out of the converter's sight and written back escaped. Code and pre keep theirs."""
    parts = _CODE_SPAN_RE.split(html)
    for i in range(0, len(parts), 2):  # the text between code elements
        parts[i] = parts[i].replace("`", _BACKTICK)
    return "".join(parts)


def _prepare(html: str, rewrite: Rewrite | None) -> str:
    if "brush:" in html:
        html = _BRUSH_RE.sub(r'<pre><code class="language-\1">\2</code></pre>', html)
    if "<pre" in html:
        html = _PRE_WITH_LINK_RE.sub(rf"<{_RAW_PRE}\1>\2</{_RAW_PRE}>", html)
    if "<fig" in html:
        html = _CAPTION_RE.sub(r"<p><em>\1</em></p>", html)
        html = _FIGURE_RE.sub(lambda m: f"<{m.group(1)}div>", html)
    if "srcset" in html or "sizes" in html:
        html = _SRCSET_RE.sub("", html)
    if rewrite is not None:
        html = _LINK_ATTR_RE.sub(lambda m: _rewritten(m, rewrite), html)
    if "`" in html:
        html = _hide_backticks(html)
    return html


def _rewritten(match: re.Match[str], rewrite: Rewrite) -> str:
    url = match.group(2) if match.group(2) is not None else match.group(3)
    new = rewrite(url)
    if new is None:
        return match.group(0)
    return f'{match.group(1)}"{new.replace("&", "&amp;").replace(chr(34), "&quot;")}"'
