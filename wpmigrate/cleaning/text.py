"""Plain text of HTML: ``Cleaner.to_text``."""

from __future__ import annotations

import html as _html
import re

from .markup import drop_scripts, element_spans, remove_comments
from .whitespace import MULTI_NEWLINE_RE, PRE_TRIGGER_RE, collapse_space

_PARA_TAGS = (
    "p|div|h[1-6]|blockquote|ul|ol|dl|table|figure|section|article|header|footer|aside|nav|"
    "main|address|hr|form|fieldset|details|dialog|menu|center|hgroup|pre"
)
# Line-level elements: each starts and ends a line of its own.
_LINE_TAGS = "li|tr|dt|dd|figcaption|caption|summary|legend|option"
_CELL_TAGS = "td|th"
_LINE_MARK = "\x1f"  # where a line-level element starts or ends; resolved in _normalise_text
# Case-sensitive patterns are twice as fast; the re.I twins run only when the
# HTML has upper-case tag names.
_UPPER_TAG_RE = re.compile(r"</?[A-Z]")
_REST_OF_TAG = r"""\b[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>"""  # attribute values may hold ">"
_TEXT_TAG_RES = {
    flags: (
        re.compile(rf"</?(?:{_PARA_TAGS}){_REST_OF_TAG}", flags),
        re.compile(rf"</?(?:{_LINE_TAGS}){_REST_OF_TAG}", flags),
        re.compile(rf"<br{_REST_OF_TAG}", flags),
        re.compile(rf"<(?:{_CELL_TAGS}){_REST_OF_TAG}", flags),
    )
    for flags in (0, re.I)
}
# A tag, or a bogus comment (``<!…>``, ``<?…>``, ``</3…>``: it ends at the first ``>``).
ANY_TAG_RE = re.compile(
    r"""<(?:/?[A-Za-z][^'"<>]*(?:(?:"[^"]*"|'[^']*')[^'"<>]*)*>|[!?][^>]*>|/(?![A-Za-z])[^>]*>)"""
)
_LINE_MARKS_RE = re.compile(_LINE_MARK + "[ " + _LINE_MARK + "]*")


def _tags_to_text(s: str) -> str:
    """Tag-free, entity-decoded text of an HTML chunk (whitespace untouched)."""
    if "<" in s:
        para, line, br, cell = _TEXT_TAG_RES[re.I if _UPPER_TAG_RE.search(s) else 0]
        s = para.sub("\n\n", s)
        s = line.sub(_LINE_MARK, s)
        if "<b" in s or "<B" in s:
            s = br.sub("\n", s)
        if "<t" in s or "<T" in s:
            s = cell.sub(" ", s)
        s = ANY_TAG_RE.sub("", s)
    if "&" in s:
        s = _html.unescape(s)
    return s


def _normalise_text(s: str) -> str:
    s = collapse_space(s, nbsp=True)
    if _LINE_MARK in s:
        # One line break where a line-level element starts or ends, none next to another one.
        s = _LINE_MARKS_RE.sub(_LINE_MARK, s.replace(" " + _LINE_MARK, _LINE_MARK))
        s = s.replace("\n" + _LINE_MARK, "\n").replace(_LINE_MARK + "\n", "\n")
        s = s.replace(_LINE_MARK, "\n")
    if "\n\n\n" in s:
        s = MULTI_NEWLINE_RE.sub("\n\n", s)
    return s.strip()


_BR_RE = re.compile(r"<br\b[^>]*>", re.I)


# Content a browser never shows: an iframe's, noembed's or noframes' (text to a parser).
_UNSHOWN_TRIGGER_RE = re.compile(r"<(?:iframe|noembed|noframes)\b", re.I)
_UNSHOWN_RE = re.compile(r"<(iframe|noembed|noframes)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.I | re.S)


def _pre_text(inner: str, markup: bool = True) -> str:
    """Verbatim text of a ``<pre>`` (``markup``: tags inside) or a ``<textarea>`` (text only)."""
    if markup:
        inner = _BR_RE.sub("\n", inner)
        inner = ANY_TAG_RE.sub("", inner)
    if "&" in inner:
        inner = _html.unescape(inner)
    return inner.replace("\r\n", "\n").strip("\n").rstrip()


def html_to_text(html: str) -> str:
    if not html:
        return ""
    s = html
    if "<" in s:
        s = drop_scripts(s)
        if "<!--" in s:
            s = remove_comments(s, keep_markers=False, hide_unclosed=True)
        if ("<i" in s or "<I" in s or "<n" in s or "<N" in s) and _UNSHOWN_TRIGGER_RE.search(s):
            s = _UNSHOWN_RE.sub("", s)
        if PRE_TRIGGER_RE.search(s):
            chunks: list[str] = []
            pos = 0
            for start, inner_start, inner_end, end in element_spans(s, ("pre", "textarea")):
                chunks.append(_normalise_text(_tags_to_text(s[pos:start])))
                chunks.append(_pre_text(s[inner_start:inner_end], markup=s[start + 1] in "pP"))
                pos = end
            chunks.append(_normalise_text(_tags_to_text(s[pos:])))
            return "\n\n".join(c for c in chunks if c)
    return _normalise_text(_tags_to_text(s))
