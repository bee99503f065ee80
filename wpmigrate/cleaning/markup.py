"""Reading markup the way an HTML5 parser does, without building a tree.

The structure-safe layer of cleaning: which ``<!--`` opens a comment and where it ends, which
elements' content is text only (``<textarea>``, ``<iframe>``…), where ``<pre>``-like elements
start and end.  Comment removal (block delimiters, more markers, the text conversion) goes
through here, so it removes only what an HTML5 parser sees as a comment.  Plain markup takes
literal-first regex passes (fast); only markup where a regex could be fooled is walked piece
by piece with :data:`_MARKUP_RE`, a tokenizer that follows the HTML5 tokenizer's states for
comments, bogus comments, tags and text-only elements.  New structural edits (wpautop, media
shortcodes) should find the markup they change with the same helpers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .removals import Removals, note_text

_SCRIPT_TRIGGER_RE = re.compile(r"<(?:script|style)\b", re.I)
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>(.*?)(?:</\1\s*>|\Z)", re.I | re.S)


def element_spans(html: str, names: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
    """``(start, inner_start, inner_end, end)`` of top-level ``names`` elements.

    Linear (``str.find``), case-insensitive; an unclosed element runs to the
    end like in a browser.  Used to protect ``<pre>``-like content.
    """
    low = html.lower()
    n = len(html)
    nxt: dict[str, int] = {}
    spans = []
    pos = 0
    while True:
        best, best_name = -1, ""
        for name in names:
            i = nxt.get(name, -2)
            if i == -2 or (0 <= i < pos):
                i = low.find("<" + name, pos)
                while i >= 0:
                    k = i + 1 + len(name)
                    if k >= n or low[k] in " \t\n\r\f/>":
                        break
                    i = low.find("<" + name, i + 1)
                nxt[name] = i
            if i >= 0 and (best < 0 or i < best):
                best, best_name = i, name
        if best < 0:
            return spans
        inner_start = low.find(">", best) + 1 or n
        j = low.find("</" + best_name, inner_start)
        if j < 0:
            spans.append((best, inner_start, n, n))
            return spans
        end = low.find(">", j) + 1 or n
        spans.append((best, inner_start, j, end))
        pos = end


def drop_scripts(html: str, removals: Removals | None = None) -> str:
    """Remove ``<script>`` and ``<style>`` elements with their content (reported to
    ``removals`` as ``cleaning script``/``cleaning style`` with the code they held)."""
    if not html or not _SCRIPT_TRIGGER_RE.search(html):
        return html
    if removals is None:
        return _SCRIPT_RE.sub("", html)

    def drop(m: re.Match[str]) -> str:
        note_text(removals, "cleaning " + m[1].lower(), m[2])
        return ""

    return _SCRIPT_RE.sub(drop, html)


_NOT_MARKER = r"(?!\s*(?:more|nextpage|noteaser)\b)"
# An HTML5 comment: ``<!--`` up to the *first* ``-->`` or ``--!>``, or the abrupt ``<!-->`` and
# ``<!--->``.  The atomic group keeps a later ``-->`` from ever extending a comment (the own-line
# form once stretched a comment over ``--></div>`` to the next ``-->`` followed by a newline).
_COMMENT = r"<!--{mark}(?:-?>|(?>[^-]*(?:-(?!-!?>)[^-]*)*)--!?>)"
_COMMENT_RES = {
    keep: (
        re.compile(_COMMENT.format(mark=mark) + r"\n?"),  # at the start: its line break goes
        re.compile(r"\n" + _COMMENT.format(mark=mark) + r"(?=\n)"),  # alone on its line
        re.compile(_COMMENT.format(mark=mark)),
    )
    for keep, mark in ((True, _NOT_MARKER), (False, ""))
}
# Where ``<!--`` may not start a comment: inside an attribute value, or in a text-only element
# (``<textarea>``, ``<title>``, ``<iframe>``…); and bogus comments (``<!x…>``, ``<?…>``,
# ``</3…>``, a CDATA look-alike), which end at the first ``>``.
_TEXT_ONLY = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_IN_ATTRIBUTE_RE = re.compile(r"""=\s*(?:"[^"]*|'[^']*|[^\s"'>]*)<!--""")
_ODD_MARKUP_RE = re.compile(
    r"<(?:!(?!--)|!-(?!-)|\?|/[^a-z>]|(?:" + "|".join((*_TEXT_ONLY, "plaintext")) + r")\b)"
)
# One piece of markup, in the HTML5 tokenizer's terms (used only for tricky input).
_MARKUP_RE = re.compile(
    r"(?P<comment><!--(?:-?>|(?>.*?--!?>)))|(?P<unclosed><!--)"
    rf"|<(?P<raw>{'|'.join(_TEXT_ONLY)})(?=[\s/>])"
    r"""(?:[^>"']|"[^"]*"|'[^']*')*>(?>.*?(?:</(?P=raw)(?=[\s/>])[^>]*>|\Z))"""
    r"|<plaintext\b.*"
    r"""|<[a-z](?:[^>"']|"[^"]*"|'[^']*')*>|</[a-z][^>]*>"""
    r"|<(?:!|\?|/(?![a-z>]))[^>]*>?",
    re.S | re.I,
)


# The last output of the regex passes: removing comments from plain markup leaves plain
# markup, so the next step (strip_more_markers) need not look again (saves ~15 µs an item).
_last_plain_output: list[str] = [""]


def is_tricky(html: str) -> bool:
    """Whether plain regex passes could mistake something for a comment, or removing one
    could join a ``<`` to the text after it (rare)."""
    if html is _last_plain_output[0]:
        return False
    if "<<!--" in html or _ODD_MARKUP_RE.search(html.lower()):
        return True
    return "=" in html and _IN_ATTRIBUTE_RE.search(html) is not None


_MARKER_RE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b")


def _not_a_marker(comment: str) -> bool:
    return _MARKER_RE.match(comment) is None


def _any_comment(comment: str) -> bool:
    return True


def remove_comments(html: str, keep_markers: bool, hide_unclosed: bool = False) -> str:
    """Remove ``<!-- … -->`` comments where an HTML5 parser sees them.

    A comment ends at the first ``-->`` (or ``--!>``); a comment alone on its line takes its
    line break with it.  An unclosed ``<!--`` hides the rest of the page in a browser: it is
    left as it is (the page stays the same), or cut off with ``hide_unclosed``.
    ``keep_markers`` keeps ``<!--more…-->``, ``<!--nextpage-->`` and ``<!--noteaser-->``.
    """
    if is_tricky(html):
        drop = _not_a_marker if keep_markers else _any_comment
        return walk_comments(html, drop, hide_unclosed)
    last_close = max(html.rfind("-->"), html.rfind("--!>"))
    unclosed = html.find("<!--", max(last_close, 0))
    if unclosed >= 0:
        # Handle the closed part only (a comment search would rescan to the end from every
        # ``<!--``).
        head = (
            remove_comments(html[:unclosed], keep_markers) if last_close >= 0 else html[:unclosed]
        )
        return head if hide_unclosed else head + html[unclosed:]
    at_start, own_line, anywhere = _COMMENT_RES[keep_markers]
    if html.startswith("<!--"):
        m = at_start.match(html)
        if m:
            html = html[m.end() :]
    if "\n<!--" in html:
        html = own_line.sub("", html)
    html = anywhere.sub("", html)
    _last_plain_output[0] = html
    return html


def walk_comments(html: str, drop: Callable[[str], bool], hide_unclosed: bool = False) -> str:
    """Remove the comments for which ``drop(comment)`` is true, walking the markup piece by
    piece (linear: a comment is searched for its end once, an unclosed one ends the walk)."""
    out: list[str] = []
    pos = 0
    for m in _MARKUP_RE.finditer(html):
        kind = m.lastgroup
        if kind == "unclosed":
            if hide_unclosed:
                out.append(html[pos : m.start()])
                return "".join(out)
            break
        if kind != "comment" or not drop(m[0]):
            continue
        start, end = m.span()
        before = html[pos:start]
        if before.endswith("<"):
            continue  # "<" + the text after would read as a tag: keep the comment between

        if html.startswith("\n", end):  # alone on its line: one line break goes too
            if start == 0:
                end += 1
            elif before.endswith("\n"):
                before = before[:-1]
        out.append(before)
        pos = end
    out.append(html[pos:])
    return "".join(out)
