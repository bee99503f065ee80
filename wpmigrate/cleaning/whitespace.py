"""Step ``normalise_space``, and the white-space helpers the text conversion shares."""

from __future__ import annotations

import re

from .config import CleaningConfig
from .markup import element_spans

PRE_TRIGGER_RE = re.compile(r"<(?:pre|textarea)\b", re.I)
# Character-class-first patterns are slow in ``re`` (no literal-prefix scan):
# search for them (fast) before substituting, and use literal-first patterns.
_SPACES_RE = re.compile(r"  +")
_EMPTY_BLOCK_P_RE = re.compile(
    r"<p\b[^>]*>(?:[ \t\n\xa0]|&nbsp;|&#160;|&#xa0;|<br\s*/?>)*</p\s*>\n?", re.I
)
MULTI_NEWLINE_RE = re.compile(r"\n\n\n+")


def collapse_space(s: str, nbsp: bool) -> str:
    """Collapse HTML whitespace (space, tab, LF, FF, CR; also U+00A0 if ``nbsp``).

    Only ``str`` methods and a literal-first regex: character-class scans
    cost ~5 ns/char in ``re``.
    """
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in s:
        s = s.replace("\t", " ")
    if "\f" in s:
        s = s.replace("\f", " ")
    if nbsp and "\xa0" in s:
        s = s.replace("\xa0", " ")
    if "  " in s:
        s = _SPACES_RE.sub(" ", s)
    if " \n" in s:
        s = s.replace(" \n", "\n")
    if "\n " in s:
        s = s.replace("\n ", "\n")
    return s


_BLOCK_NAMES = r"(?:p|div|h[1-6]|li|dt|dd|td|th|blockquote|figcaption|figure|ul|ol|table|tr)"
_SPACE_AFTER_OPEN_RE = re.compile(rf"(<{_BLOCK_NAMES}\b[^>]*>) ")
_SPACE_BEFORE_CLOSE_RE = re.compile(rf" (</{_BLOCK_NAMES}\s*>)")


def _normalise_chunk(s: str) -> str:
    s = collapse_space(s, nbsp=False)
    if "> " in s:
        s = _SPACE_AFTER_OPEN_RE.sub(r"\1", s)
    if " </" in s:
        s = _SPACE_BEFORE_CLOSE_RE.sub(r"\1", s)
    if "<p" in s or "<P" in s:
        s = _EMPTY_BLOCK_P_RE.sub("", s)
    if "\n\n\n" in s:
        s = MULTI_NEWLINE_RE.sub("\n\n", s)
    return s


def normalise_space(html: str, config: CleaningConfig | None = None) -> str:
    """Collapse spaces, drop empty paragraphs, keep ``<pre>`` verbatim."""
    if not html:
        return html
    if PRE_TRIGGER_RE.search(html):
        out = []
        pos = 0
        for start, _, _, end in element_spans(html, ("pre", "textarea")):
            out.append(_normalise_chunk(html[pos:start]))
            out.append(html[start:end])
            pos = end
        out.append(_normalise_chunk(html[pos:]))
        return "".join(out).strip()
    return _normalise_chunk(html).strip()
