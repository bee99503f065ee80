"""Steps ``strip_block_comments`` and ``strip_more_markers``."""

from __future__ import annotations

import re

from .config import CleaningConfig
from .markup import is_tricky, remove_comments, walk_comments


def strip_block_comments(html: str, config: CleaningConfig | None = None) -> str:
    """Remove block delimiters and other comments, keeping block inner HTML.

    ``<!--more-->``/``<!--nextpage-->``/``<!--noteaser-->`` are left for
    :func:`strip_more_markers`.
    """
    if not html or "<!--" not in html:
        return html
    return remove_comments(html, keep_markers=True)


# Case-sensitive like WordPress (``/<!--more(.*?)?-->/``).
_MARK = (
    r"(?:<!--\s*(?:more|nextpage|noteaser)\b(?:(?!-->|<!--).){0,2000}?-->"
    r"|<!--\s*/?wp:(?:more|nextpage)\b(?:(?!-->|<!--).){0,2000}?-->"
    r"""|<span\s+id\s*=\s*["']?more-\d+["']?\s*>\s*</span\s*>)"""
)
_MORE_RE = re.compile(rf"<p>\s*(?:{_MARK}\s*)+</p>\n?|{_MARK}", re.S)
_MORE_COMMENT_RE = re.compile(r"<!--\s*(?:(?:more|nextpage|noteaser)\b|/?wp:(?:more|nextpage)\b)")
_MORE_ANCHOR_RE = re.compile(r"""<span\s+id\s*=\s*["']?more-\d+["']?\s*>\s*</span\s*>""")


def _is_more_marker(comment: str) -> bool:
    return _MORE_COMMENT_RE.match(comment) is not None


def strip_more_markers(html: str, config: CleaningConfig | None = None) -> str:
    """Remove ``<!--more…-->``, ``<!--nextpage-->``, ``<!--noteaser-->`` and
    the single-view anchor ``<span id="more-123"></span>`` (a ``<p>`` holding
    only markers goes too)."""
    if not html or ("<!--" not in html and "more-" not in html):
        return html
    if "<!--" in html and is_tricky(html):  # only markers an HTML5 parser sees as comments
        return _MORE_ANCHOR_RE.sub("", walk_comments(html, _is_more_marker))
    return _MORE_RE.sub("", html)
