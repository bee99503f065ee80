"""WordPress's paragraph rules for classic content: a port of `wpautop` and `shortcode_unautop`.

Classic-editor content is stored without `<p>`: WordPress adds paragraphs when it renders
(`the_content` runs `wpautop` then `shortcode_unautop`). A WXR export carries the stored text,
so paragraphs run together unless the same rules are applied. Block content (anything with a
`<!-- wp:` delimiter) is never autop'd, as `do_blocks` decides.

The port follows wp-includes/formatting.php (WordPress 6.1 to trunk; the rules have not changed
since 4.4) statement by statement, so its output is byte for byte WordPress's. Where PCRE and
Python's `re` differ the patterns are spelled out: PHP's `\\s` (no /u) is ASCII whitespace
only, PHP's `\\w` is ASCII, and the conditional subpatterns of `get_html_split_regex` become
plain alternatives. Each rule runs only when its trigger text is present, as WordPress's do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "CORE_SHORTCODES",
    "has_blocks",
    "replace_in_html_tags",
    "shortcode_unautop",
    "wpautop",
]

# Shortcodes core registers (WP_Embed registers `embed` too); shortcode_unautop only
# unwraps registered ones.
CORE_SHORTCODES = ("embed", "wp_caption", "caption", "gallery", "playlist", "audio", "video")

_S = r"[ \t\n\r\f\v]"  # PCRE's \s without the /u flag
_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form"
    r"|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)

# get_html_split_regex(): an element, a comment (to its `-->` or the end) or CDATA.
_COMMENT = r"!(?:-(?!->)[^\-]*+)*+(?:-->)?"
_CDATA = r"!\[CDATA\[[^\]]*+(?:\](?!\]>)[^\]]*+)*+(?:\]\]>)?"
_HTML_SPLIT = re.compile(rf"(<(?:(?=!--){_COMMENT}|(?=!\[CDATA\[){_CDATA}|[^>]*>?))")

_BR_PAIR = re.compile(rf"<br{_S}*/?>{_S}*<br{_S}*/?>")
_BLOCK_OPEN = re.compile(rf"(<{_ALLBLOCKS}[ \t\n\r\f\v/>])")
_BLOCK_CLOSE = re.compile(rf"(</{_ALLBLOCKS}>)")
_HR = re.compile(rf"(<hr{_S}*?/?>)")
_OPTION_BEFORE = re.compile(rf"{_S}*<option")
_OPTION_AFTER = re.compile(rf"</option>{_S}*")
_OBJECT_OPEN = re.compile(rf"(<object[^>]*>){_S}*")
_OBJECT_CLOSE = re.compile(rf"{_S}*</object>")
_PARAM_EMBED = re.compile(rf"{_S}*(</?(?:param|embed)[^>]*>){_S}*")
_MEDIA_OPEN = re.compile(rf"([<\[](?:audio|video)[^>\]]*[>\]]){_S}*")
_MEDIA_CLOSE = re.compile(rf"{_S}*([<\[]/(?:audio|video)[>\]])")
_SOURCE_TRACK = re.compile(rf"{_S}*(<(?:source|track)[^>]*>){_S}*")
_FIGCAPTION_OPEN = re.compile(rf"{_S}*(<figcaption[^>]*>)")
_FIGCAPTION_CLOSE = re.compile(rf"</figcaption>{_S}*")
_MANY_NEWLINES = re.compile(r"\n\n+")
_PARAGRAPH_SPLIT = re.compile(rf"\n{_S}*\n")
_EMPTY_P = re.compile(rf"<p>{_S}*</p>")
_UNCLOSED_P = re.compile(r"<p>([^<]+)</(div|address|form)>")
_WRAPPED_BLOCK = re.compile(rf"<p>{_S}*(</?{_ALLBLOCKS}[^>]*>){_S}*</p>")
_WRAPPED_LI = re.compile(r"<p>(<li.+?)</p>")
_WRAPPED_BLOCKQUOTE = re.compile(r"<p><blockquote([^>]*)>", re.IGNORECASE)
_P_BEFORE_BLOCK = re.compile(rf"<p>{_S}*(</?{_ALLBLOCKS}[^>]*>)")
_P_AFTER_BLOCK = re.compile(rf"(</?{_ALLBLOCKS}[^>]*>){_S}*</p>")
_PRESERVE_NEWLINES = re.compile(r"<(script|style|svg).*?</\1>", re.DOTALL)
_NEWLINE_TO_BR = re.compile(rf"(?<!<br />){_S}*\n")
_BR_AFTER_BLOCK = re.compile(rf"(</?{_ALLBLOCKS}[^>]*>){_S}*<br />")
_BR_BEFORE_BLOCK = re.compile(rf"<br />({_S}*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)")
_FINAL_NEWLINE = re.compile(r"\n</p>$")
_BLOCK_DELIMITER = "<!-- wp:"


def has_blocks(content: str) -> bool:
    """Whether content is block-editor content (WordPress's `has_blocks`)."""
    return _BLOCK_DELIMITER in content


def wpautop(text: str, br: bool = True) -> str:
    """Paragraphs from blank lines and `<br />` from single newlines, as WordPress renders.

    `<pre>` content is left untouched, block-level elements are not wrapped, and newlines in
    `<script>`, `<style>` and `<svg>` are kept when `br` is on.
    """
    if text.strip(" \t\n\r\0\x0b") == "":
        return ""
    text += "\n"
    pre_tags: dict[str, str] = {}
    if "<pre" in text:
        text, pre_tags = _hide_pre(text)

    text = _BR_PAIR.sub("\n\n", text)
    text = _BLOCK_OPEN.sub("\n\n\\1", text)
    text = _BLOCK_CLOSE.sub("\\1\n\n", text)
    text = _HR.sub("\\1\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = replace_in_html_tags(text, "\n", " <!-- wpnl --> ")

    if "<option" in text:
        text = _OPTION_BEFORE.sub("<option", text)
        text = _OPTION_AFTER.sub("</option>", text)
    if "</object>" in text:
        text = _OBJECT_OPEN.sub("\\1", text)
        text = _OBJECT_CLOSE.sub("</object>", text)
        text = _PARAM_EMBED.sub("\\1", text)
    if "<source" in text or "<track" in text:
        text = _MEDIA_OPEN.sub("\\1", text)
        text = _MEDIA_CLOSE.sub("\\1", text)
        text = _SOURCE_TRACK.sub("\\1", text)
    if "<figcaption" in text:
        text = _FIGCAPTION_OPEN.sub("\\1", text)
        text = _FIGCAPTION_CLOSE.sub("</figcaption>", text)

    text = _MANY_NEWLINES.sub("\n\n", text)
    paragraphs = [p for p in _PARAGRAPH_SPLIT.split(text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)

    text = _EMPTY_P.sub("", text)
    text = _UNCLOSED_P.sub("<p>\\1</p></\\2>", text)
    text = _WRAPPED_BLOCK.sub("\\1", text)
    text = _WRAPPED_LI.sub("\\1", text)
    text = _WRAPPED_BLOCKQUOTE.sub("<blockquote\\1><p>", text)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = _P_BEFORE_BLOCK.sub("\\1", text)
    text = _P_AFTER_BLOCK.sub("\\1", text)

    if br:
        text = _PRESERVE_NEWLINES.sub(
            lambda m: m.group(0).replace("\n", "<WPPreserveNewline />"), text
        )
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _NEWLINE_TO_BR.sub("<br />\n", text)
        text = text.replace("<WPPreserveNewline />", "\n")

    text = _BR_AFTER_BLOCK.sub("\\1", text)
    text = _BR_BEFORE_BLOCK.sub("\\1", text)
    text = _FINAL_NEWLINE.sub("</p>", text)

    for name, original in pre_tags.items():
        text = text.replace(name, original)
    if "<!-- wpnl -->" in text:
        text = text.replace(" <!-- wpnl --> ", "\n").replace("<!-- wpnl -->", "\n")
    return text


def _hide_pre(text: str) -> tuple[str, dict[str, str]]:
    """Swap each `<pre>…</pre>` for a placeholder element, to put back after the rules."""
    *parts, last = text.split("</pre>")
    pre_tags: dict[str, str] = {}
    out: list[str] = []
    for part in parts:
        start = part.find("<pre")
        if start < 0:  # malformed HTML: a stray </pre>, which WordPress drops too
            out.append(part)
            continue
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = part[start:] + "</pre>"
        out.append(part[:start] + name)
    out.append(last)
    return "".join(out), pre_tags


def replace_in_html_tags(text: str, needle: str, replacement: str) -> str:
    """WordPress's `wpreplace_in_html_tags` for one pair: replace only inside tags and
    comments, never in text."""
    if needle not in text:
        return text
    pieces = _HTML_SPLIT.split(text)
    for i in range(1, len(pieces), 2):
        if needle in pieces[i]:
            pieces[i] = pieces[i].replace(needle, replacement)
    return "".join(pieces)


def _unautop_pattern(tags: Iterable[str]) -> re.Pattern[str]:
    names = "|".join(re.escape(tag) for tag in tags)
    spaces = r"(?:[\r\n\t \xa0]|&nbsp;)"  # wp_spaces_regexp()
    return re.compile(
        rf"<p>{spaces}*+"
        rf"(\[({names})(?![A-Za-z0-9_-])"
        r"[^\]/]*(?:/(?!\])[^\]/]*)*?"
        r"(?:/\]|\](?:[^\[]*+(?:\[(?!/\2\])[^\[]*+)*+\[/\2\])?))"
        rf"{spaces}*+</p>"
    )


_CORE_UNAUTOP = _unautop_pattern(CORE_SHORTCODES)


def shortcode_unautop(text: str, tags: Iterable[str] | None = None) -> str:
    """Unwrap a registered shortcode that wpautop put in a paragraph of its own."""
    if "[" not in text:
        return text
    pattern = _CORE_UNAUTOP if tags is None else _unautop_pattern(tags)
    return pattern.sub("\\1", text)
