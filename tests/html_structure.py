"""The structure invariant of cleaning, as a check any test can run on any item.

``structure_changes(source, cleaned)`` parses both with html5lib (the HTML5 parsing algorithm,
as a browser does) and compares the trees after taking out of the *source* exactly what
cleaning documents that it removes:

* comments (block delimiters ``<!-- wp:… -->``, more markers, editor notes, bogus comments)
  and the ``<span id="more-N"></span>`` anchor;
* ``<script>`` and ``<style>`` elements;
* teaser links and boxes (``a.more-link`` …, ``p.link-more`` …) and screen-reader-only text;
* empty paragraphs (only white space, ``&nbsp;`` or ``<br>``);
* shortcodes: the source is first run through :func:`unwrap_shortcodes`, the documented text
  rendering (captions become figures, media shortcodes go), pinned by exact-string tests;
* teaser debris at the very end: a trailing piece of text and the inline elements it empties.

Everything else must be equal: the same elements with the same attributes, nested the same
way, in the same order, with the same text (white space collapsed in text and attribute values,
as ``normalise_space`` does; entities decoded by the parser). The result is a list of readable
differences; empty means the invariant holds.

``text_lines(html)`` is the companion check for ``content_text``: the lines a reader sees.
"""

from __future__ import annotations

import re
from typing import Any

import html5lib

from wpmigrate.cleaning import CleaningConfig, unwrap_shortcodes

Token = tuple[Any, ...]

_PARSER = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
_WALKER = html5lib.getTreeWalker("etree")

_DROPPED_ELEMENTS = frozenset({"script", "style"})
_TEASER_LINK_CLASSES = frozenset({"more-link", "read-more", "readmore"})
_TEASER_BOX_CLASSES = frozenset({"link-more", "read-more", "readmore", "more-link"})
_SCREEN_READER_CLASSES = frozenset({"screen-reader-text", "sr-only", "visually-hidden"})
_SCREEN_READER_HOSTS = frozenset(
    {"span", "div", "p", "label", "a", "h1", "h2", "h3", "h4", "h5", "h6"}
)
#: Elements the teaser step may drop at the end once debris emptied them.
_EMPTIABLE = frozenset({"p", "div", "span", "a", "em", "strong", "b", "i", "u", "small"})
_MORE_ANCHOR_ID = re.compile(r"more-\d+\Z")
_SPACE = re.compile(r"[ \t\n\r\f]+")
_MAX_TEASER_DEBRIS = 300  # characters of trailing text the teaser step may take


def structure_changes(
    source: str,
    cleaned: str,
    config: CleaningConfig | None = None,
    *,
    attributes: bool = True,
) -> list[str]:
    """Differences between the trees of ``source`` and ``cleaned`` beyond documented removals.

    ``attributes=False`` compares element names, nesting, order and text only.
    """
    config = config or CleaningConfig()
    if "unwrap_shortcodes" in config.steps:
        source = unwrap_shortcodes(source, config)
    want, got = tokens(source), tokens(cleaned)
    if not attributes:
        want, got = _names_only(want), _names_only(got)
    if want == got:
        return []
    i = next(
        (k for k, (a, b) in enumerate(zip(want, got, strict=False)) if a != b),
        min(len(want), len(got)),
    )
    if "strip_teasers" in config.steps and _is_teaser_tail(want[i:], got[i:]):
        return []
    return [_describe(want, got, i)]


def tokens(html: str) -> list[Token]:
    """The tree of ``html`` as start/end/text tokens, documented removals taken out."""
    fragment = _PARSER.parseFragment(html, container="div")
    out: list[Token] = []
    skip_depth = 0
    text: list[str] = []

    def flush() -> None:
        if text:
            joined = _SPACE.sub(" ", "".join(text)).strip()
            text.clear()
            if joined:
                out.append(("text", joined))

    for token in _WALKER(fragment):
        kind = token["type"]
        if kind in ("Characters", "SpaceCharacters"):
            if not skip_depth:
                text.append(token["data"])
            continue
        if kind == "Comment":
            continue  # comments never split a text run
        name = token.get("name", "")
        if kind == "StartTag":
            if skip_depth or _removed(name, token["data"]):
                skip_depth += 1
                continue
            flush()
            out.append(("start", name, _attributes(token["data"])))
        elif kind == "EndTag":
            if skip_depth:
                skip_depth -= 1
                continue
            flush()
            out.append(("end", name))
        elif kind == "EmptyTag" and not skip_depth:
            flush()
            out.append(("void", name, _attributes(token["data"])))
    flush()
    return _without_empty_paragraphs(out)


def _names_only(seq: list[Token]) -> list[Token]:
    return [token[:2] if token[0] != "text" else token for token in seq]


def _attributes(data: dict) -> tuple[tuple[str, str], ...]:
    """Attributes by name; white space in values collapsed, as ``normalise_space`` does."""
    return tuple(
        sorted((name, _SPACE.sub(" ", value).strip()) for (_, name), value in data.items())
    )


def _removed(name: str, data: dict) -> bool:
    if name in _DROPPED_ELEMENTS:
        return True
    attrs = {attr: value for (_, attr), value in data.items()}
    classes = set(attrs.get("class", "").split())
    if name == "a" and classes & _TEASER_LINK_CLASSES:
        return True
    if name in ("p", "div", "span") and classes & _TEASER_BOX_CLASSES:
        return True
    if name in _SCREEN_READER_HOSTS and classes & _SCREEN_READER_CLASSES:
        return True
    return name == "span" and bool(_MORE_ANCHOR_ID.match(attrs.get("id", "")))


def _without_empty_paragraphs(seq: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in seq:
        out.append(token)
        if token == ("end", "p"):
            k = len(out) - 2
            while k >= 0 and (
                out[k][:2] == ("void", "br")
                or (out[k][0] == "text" and not out[k][1].strip("\xa0 "))
            ):
                k -= 1
            if k >= 0 and out[k][:2] == ("start", "p"):
                del out[k:]
    return out


def _is_teaser_tail(want: list[Token], got: list[Token]) -> bool:
    """Whether ``got`` is ``want`` less trailing teaser debris (text and emptied elements)."""
    dropped = 0
    if want and got and want[0][0] == got[0][0] == "text":
        if not want[0][1].startswith(got[0][1]):
            return False
        dropped += len(want[0][1]) - len(got[0][1])
        want, got = want[1:], got[1:]
    k = 0
    for token in want:
        if k < len(got) and token == got[k]:
            k += 1
        elif token[0] == "text":
            dropped += len(token[1])
        elif (token[0] in ("start", "end") and token[1] in _EMPTIABLE) or token[:2] == (
            "void",
            "br",
        ):
            continue
        else:
            return False
    return k == len(got) and dropped <= _MAX_TEASER_DEBRIS and all(t[0] == "end" for t in got)


def _describe(want: list[Token], got: list[Token], i: int) -> str:
    def show(seq: list[Token]) -> str:
        return " ".join(_show(t) for t in seq[max(0, i - 3) : i + 4]) or "(end)"

    return f"token {i}: source has …{show(want)}… but cleaned has …{show(got)}…"


def _show(token: Token) -> str:
    if token[0] == "text":
        return repr(token[1][:40])
    if token[0] == "end":
        return f"</{token[1]}>"
    return f"<{token[1]}>"


#: Elements that start and end a line of text (block-level and line-level boxes).
_LINE_BREAKING = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tr",
        "ul",
    ]
)
_CELLS = frozenset({"td", "th"})
#: Elements whose content a reader never sees.
_UNSHOWN = _DROPPED_ELEMENTS | {"iframe", "noembed", "noframes"}


def text_lines(html: str) -> list[str]:
    """The lines of text a reader sees in ``html``: every block or line-level element (and
    ``<br>``) breaks the line, table cells are spaced, white space inside a line collapses."""
    fragment = _PARSER.parseFragment(html, container="div")
    parts: list[str] = []
    skip_depth = 0
    for token in _WALKER(fragment):
        kind, name = token["type"], token.get("name", "")
        if kind in ("Characters", "SpaceCharacters"):
            if not skip_depth:
                parts.append(token["data"])
        elif kind in ("StartTag", "EndTag") and name in _UNSHOWN:
            skip_depth += 1 if kind == "StartTag" else -1
        elif name in _LINE_BREAKING or name == "br":
            parts.append("\n")
        elif name in _CELLS and kind == "StartTag":
            parts.append(" ")
    return plain_lines("".join(parts))


def plain_lines(text: str) -> list[str]:
    """Non-empty lines of ``text`` with white space collapsed."""
    return [" ".join(line.split()) for line in text.split("\n") if line.split()]
