"""Cleaning of WordPress HTML: block comments, more markers, shortcodes, teasers.

Every step is a small pure function ``step(html, config) -> html`` registered in
:data:`STEPS`; :class:`Cleaner` composes the steps named in
:class:`CleaningConfig` and adds ``to_text`` / ``clean_excerpt`` /
``make_excerpt`` / ``clean_title``.  Everything is regex/``str`` based (no DOM):
each step first checks a cheap trigger substring and returns its input
unchanged when the trigger is absent.  Each step is safe in any order.

Rules decided here (the tests pin them down):

* **Comments** -- ``strip_block_comments`` removes every HTML comment (block
  delimiters ``<!-- wp:… -->``, ``<!-- /wp:… -->``, void ``<!-- wp:… /-->``,
  conditional comments, editor notes) *except* the ``<!--more…-->``,
  ``<!--nextpage-->`` and ``<!--noteaser-->`` markers, which belong to
  ``strip_more_markers``.  A comment ends at the first ``-->`` (browser
  semantics; WordPress escapes ``--`` in block attributes as ``\\u002d\\u002d``,
  so ``}`` or ``/`` inside the JSON are harmless).  An unclosed ``<!--`` is
  left alone.  A delimiter on a line of its own takes its line break with it.
* **Shortcodes** -- ``[name …]`` is a shortcode only if ``name`` matches
  ``[A-Za-z][A-Za-z0-9_-]*``, is followed by whitespace, ``]`` or ``/`` *and*
  at least one holds: the name is a known shortcode (:data:`KNOWN_SHORTCODES`),
  the name contains ``_`` or ``-``, the tag has a ``key=value`` attribute, it
  is written self-closing ``[name /]``, or a matching ``[/name]`` follows.
  Attributes never contain ``[ ] < >``.  So ``[1]``, ``[sic]``, ``[…]``,
  ``[see below]``, ``[Note: …]``, ``[x = y]`` or ``[see <a href=…>…</a>]``
  are never touched.  Opens and closes are paired with a stack (linear time,
  no recursion; same-name nesting pairs innermost first).  ``[caption]``/``[wp_caption]`` become
  ``<figure>media<figcaption>text</figcaption></figure>`` (a ``<p>`` holding
  only the figure is unwrapped); ``[embed]URL[/embed]`` becomes
  ``<a href="URL">URL</a>``; media/form shortcodes (gallery, audio, video,
  playlist, contact-form-7, …) and every other self-closing/unpaired shortcode
  are dropped; unknown enclosing shortcodes keep their inner HTML
  (``unknown_shortcodes="keep_text"``) or are dropped with it (``"drop"``).
  ``[[name]]`` prints ``&#91;name]`` (renders as ``[name]``; the entity keeps
  it from being parsed again).  Shortcodes inside ``<pre>``/``<code>`` are
  left alone.  Texturized attribute quotes (``&#8221;``, ``&#8243;``, “ ” ″)
  are normalised before attributes are read.
* **Teasers** -- ``a.more-link``/``a.read-more``/``a.readmore`` links and
  ``p|div|span.link-more|read-more|readmore`` containers are removed anywhere.
  At the *end* only (ignoring closing tags, ``<br>``, whitespace and
  ``&nbsp;``): ``[…]``, ``[&hellip;]``, ``[...]``, ``(…)``, a bare ``…`` /
  ``&hellip;`` (also ``To be continued…`` loses its final ellipsis), and a
  teaser phrase (:data:`DEFAULT_TEASERS` + ``config.teasers``, case-insensitive,
  entity spellings accepted, optionally bracketed and followed by
  arrows/``»``/``…``/``.``) that starts a text run: after a tag (so a link or
  paragraph whose whole text is the phrase), a line break, sentence
  punctuation + space, an ellipsis (``...Read More`` goes whole) or a spaced
  ``|``/dash.  ``(more…)`` and a phrase followed by a screen-reader span
  (``Continue reading <span class="screen-reader-text">"Title"</span>``) need
  no such boundary.  Inline elements emptied by the removal
  (``p div span a em strong b i u small``) go too.  "Read more about our
  methods.", "people should read more", a "Read more" link that is not last
  and mid-text ellipses are kept; nothing changes when no debris is found.
* **Entities** -- ``decode_entities`` decodes every known ``&name;`` /
  ``&#N;`` / ``&#xN;`` (with ``;``) except the markup-significant ones, which
  are normalised: ``&amp; &lt; &gt; &quot; &#39;`` and ``&#91;`` (``[``, so
  escaped shortcodes stay escaped).  ``&nbsp;`` becomes U+00A0 in HTML (it
  keeps "10 km" together); ``to_text`` turns U+00A0 into a plain space.
* **Scripts** -- ``<script>`` and ``<style>`` elements (with their content;
  an unclosed one runs to the end) are always dropped by
  ``Cleaner.clean_html`` (whatever the steps) and by ``to_text``.  Nothing
  else is sanitised (event-handler attributes, ``javascript:`` URLs, iframes
  stay): whoever renders the archive must sanitise.
* **Text** -- ``to_text`` does not run the steps; it drops scripts, styles and
  comments, maps block elements to blank lines, ``<br>``/``li``/``tr``/``dt``/
  ``dd``/``figcaption`` to line breaks and cells to spaces, strips the other
  tags, decodes entities fully, keeps source line breaks (WordPress semantics:
  raw ``post_content`` uses them as ``<br>``/paragraphs), collapses other
  whitespace and keeps ``<pre>`` text verbatim.
* **Whitespace** -- ``normalise_space`` collapses runs of spaces/tabs, trims
  line edges and the whole, removes empty paragraphs (``<p></p>``,
  ``<p>&nbsp;</p>``, ``<p><br></p>``), allows at most one blank line, and
  leaves ``<pre>``/``<textarea>`` content alone.

Speed: character-class-first and ``re.I`` patterns scan ~5 ns/char in
``re`` (no literal-prefix search), so hot patterns start with a literal and
are case-sensitive (``re.I`` twins only when upper-case tags are present);
whitespace is collapsed with ``str`` methods; the teaser matcher runs on a
lower-cased ~150-char tail.  DOM parsing was measured and rejected: lxml
parse + itertext alone costs ~75 µs for a 3 KB item, the whole regex
``to_text`` ~35 µs.

Micro-benchmark (``python -m wpmigrate.cleaning`` runs :func:`_benchmark`):
clean_html + to_text + clean_excerpt (+ clean_title) over 5,000 synthetic
~2.9 KB block-editor items (8 paragraphs with ~55 entities, block comments,
a more marker, a list, a caption shortcode in every third item; excerpts
with ``[&hellip;]`` or a more-link), one process on the 2-core dev box,
Python 3.11.7, machine shared with other jobs: 7,000-8,000 items/s
(0.125-0.14 ms per item).
"""

from __future__ import annotations

import html as _html
import re
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html.entities import codepoint2name, html5

__all__ = [
    "DEFAULT_STEPS",
    "DEFAULT_TEASERS",
    "KNOWN_SHORTCODES",
    "STEPS",
    "Cleaner",
    "CleaningConfig",
    "CleaningConfigError",
    "decode_entities",
    "drop_scripts",
    "normalise_space",
    "strip_block_comments",
    "strip_more_markers",
    "strip_screen_reader_text",
    "strip_teasers",
    "unwrap_shortcodes",
]

DEFAULT_STEPS = (
    "strip_block_comments",
    "strip_more_markers",
    "unwrap_shortcodes",
    "strip_teasers",
    "strip_screen_reader_text",
    "decode_entities",
    "normalise_space",
)

UNKNOWN_SHORTCODE_MODES = ("keep_text", "drop")

#: Built-in teaser phrases (plain text, matched case-insensitively).
DEFAULT_TEASERS = (
    "read more",
    "read the rest",
    "continue reading",
    "keep reading",
    "weiterlesen",
    "mehr lesen",
    "lire la suite",
    "leer más",
    "seguir leyendo",
    "leggi tutto",
    "continua a leggere",
    "lees meer",
    "lees verder",
    "ler mais",
    "czytaj dalej",
)

#: Shortcodes handled specially (everything else with a name is "unknown").
CAPTION_SHORTCODES = frozenset({"caption", "wp_caption"})
EMBED_SHORTCODES = frozenset({"embed"})
#: Dropped together with any content: media, forms, sliders, builder media.
DROP_SHORTCODES = frozenset(
    {
        "gallery",
        "audio",
        "video",
        "playlist",
        "contact-form-7",
        "contact-form",
        "gravityform",
        "gravityforms",
        "wpforms",
        "ninja_form",
        "ninja_forms",
        "formidable",
        "mc4wp_form",
        "rev_slider",
        "layerslider",
        "vc_single_image",
        "vc_gallery",
        "vc_video",
        "et_pb_image",
        "et_pb_gallery",
        "et_pb_video",
    }
)
KNOWN_SHORTCODES = CAPTION_SHORTCODES | EMBED_SHORTCODES | DROP_SHORTCODES


class CleaningConfigError(ValueError):
    """A bad ``[cleaning]`` table (unknown key or step, bad value)."""


_CONFIG_KEYS = ("steps", "teasers", "unknown_shortcodes", "excerpt_words")


def _validated(steps, teasers, unknown_shortcodes, excerpt_words, source: str) -> tuple:
    where = f"{source}: [cleaning]"
    if isinstance(steps, str) or not isinstance(steps, (list, tuple)):
        raise CleaningConfigError(f"{where} steps must be a list of step names, got {steps!r}")
    seen: set[str] = set()
    for name in steps:
        if not isinstance(name, str) or name not in STEPS:
            known = ", ".join(STEPS)
            raise CleaningConfigError(f"{where} steps: unknown step {name!r} (known: {known})")
        if name in seen:
            raise CleaningConfigError(f"{where} steps: step {name!r} is listed twice")
        seen.add(name)
    if isinstance(teasers, str) or not isinstance(teasers, (list, tuple)):
        raise CleaningConfigError(f"{where} teasers must be a list of phrases, got {teasers!r}")
    for phrase in teasers:
        if not isinstance(phrase, str) or not phrase.strip():
            raise CleaningConfigError(
                f"{where} teasers: each teaser must be a non-empty string, got {phrase!r}"
            )
    if unknown_shortcodes not in UNKNOWN_SHORTCODE_MODES:
        raise CleaningConfigError(
            f"{where} unknown_shortcodes must be 'keep_text' or 'drop', got {unknown_shortcodes!r}"
        )
    if isinstance(excerpt_words, bool) or not isinstance(excerpt_words, int) or excerpt_words < 1:
        raise CleaningConfigError(
            f"{where} excerpt_words must be a positive integer, got {excerpt_words!r}"
        )
    return tuple(steps), tuple(p.strip() for p in teasers), unknown_shortcodes, excerpt_words


@dataclass(frozen=True)
class CleaningConfig:
    """Which cleaning steps run, and their knobs (the TOML ``[cleaning]`` table)."""

    steps: tuple[str, ...] = DEFAULT_STEPS
    teasers: tuple[str, ...] = ()
    unknown_shortcodes: str = "keep_text"
    excerpt_words: int = 55

    def __post_init__(self) -> None:
        values = _validated(
            self.steps,
            self.teasers,
            self.unknown_shortcodes,
            self.excerpt_words,
            "CleaningConfig",
        )
        for name, value in zip(_CONFIG_KEYS, values, strict=True):
            object.__setattr__(self, name, value)

    @classmethod
    def from_dict(cls, d: Mapping, *, source: str = "mapping") -> CleaningConfig:
        """Build from the TOML ``[cleaning]`` table; raise :class:`CleaningConfigError`."""
        if not isinstance(d, Mapping):
            raise CleaningConfigError(
                f"{source}: [cleaning] must be a table, got {type(d).__name__} {d!r}"
            )
        for key in d:
            if key not in _CONFIG_KEYS:
                allowed = ", ".join(_CONFIG_KEYS)
                raise CleaningConfigError(
                    f"{source}: [cleaning] unknown key {key!r} = {d[key]!r} (allowed: {allowed})"
                )
        default = cls()
        values = _validated(
            d.get("steps", default.steps),
            d.get("teasers", default.teasers),
            d.get("unknown_shortcodes", default.unknown_shortcodes),
            d.get("excerpt_words", default.excerpt_words),
            source,
        )
        return cls(**dict(zip(_CONFIG_KEYS, values, strict=True)))


# --------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------

_SCRIPT_TRIGGER_RE = re.compile(r"<(?:script|style)\b", re.I)
_SCRIPT_RE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)", re.I | re.S)

# A tag: name, then attributes (quoted values may hold '>' ), then '>'.
_TAG_AT_END_RE = re.compile(
    r"""<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s(?:"[^"]*"|'[^']*'|[^'"<>])*)?/?>\Z"""
)

_WS = r"(?:\s|&nbsp;|&#160;|&#xa0;)"


def _element_spans(html: str, names: tuple[str, ...]) -> list[tuple[int, int, int, int]]:
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


def drop_scripts(html: str) -> str:
    """Remove ``<script>`` and ``<style>`` elements with their content."""
    if not html or not _SCRIPT_TRIGGER_RE.search(html):
        return html
    return _SCRIPT_RE.sub("", html)


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


def _is_tricky(html: str) -> bool:
    """Whether plain regex passes could mistake something for a comment (rare)."""
    if _ODD_MARKUP_RE.search(html.lower()):
        return True
    return "=" in html and _IN_ATTRIBUTE_RE.search(html) is not None


def _remove_comments(html: str, keep_markers: bool, hide_unclosed: bool = False) -> str:
    """Remove ``<!-- … -->`` comments where an HTML5 parser sees them.

    A comment ends at the first ``-->`` (or ``--!>``); a comment alone on its line takes its
    line break with it.  An unclosed ``<!--`` hides the rest of the page in a browser: it is
    left as it is (the page stays the same), or cut off with ``hide_unclosed``.  Plain markup
    takes literal-first regex passes; markup with bogus comments, text-only elements or
    ``<!--`` inside an attribute is walked piece by piece, so only real comments go.
    """
    if _is_tricky(html):
        return _remove_comments_walk(html, keep_markers, hide_unclosed)
    last_close = max(html.rfind("-->"), html.rfind("--!>"))
    unclosed = html.find("<!--", max(last_close, 0))
    if unclosed >= 0:
        # Handle the closed part only (a comment search would rescan to the end from every
        # ``<!--``).
        head = (
            _remove_comments(html[:unclosed], keep_markers) if last_close >= 0 else html[:unclosed]
        )
        return head if hide_unclosed else head + html[unclosed:]
    at_start, own_line, anywhere = _COMMENT_RES[keep_markers]
    if html.startswith("<!--"):
        m = at_start.match(html)
        if m:
            html = html[m.end() :]
    if "\n<!--" in html:
        html = own_line.sub("", html)
    return anywhere.sub("", html)


_MARKER_RE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b")


def _remove_comments_walk(html: str, keep_markers: bool, hide_unclosed: bool) -> str:
    out: list[str] = []
    pos = 0
    for m in _MARKUP_RE.finditer(html):
        kind = m.lastgroup
        if kind == "unclosed":
            if hide_unclosed:
                out.append(html[pos : m.start()])
                return "".join(out)
            break
        if kind != "comment" or (keep_markers and _MARKER_RE.match(m[0])):
            continue
        start, end = m.span()
        before = html[pos:start]
        if html.startswith("\n", end):  # alone on its line: one line break goes too
            if start == 0:
                end += 1
            elif before.endswith("\n"):
                before = before[:-1]
        out.append(before)
        pos = end
    out.append(html[pos:])
    return "".join(out)


# --------------------------------------------------------------------------
# step: strip_block_comments
# --------------------------------------------------------------------------


def strip_block_comments(html: str, config: CleaningConfig | None = None) -> str:
    """Remove block delimiters and other comments, keeping block inner HTML.

    ``<!--more-->``/``<!--nextpage-->``/``<!--noteaser-->`` are left for
    :func:`strip_more_markers`.
    """
    if not html or "<!--" not in html:
        return html
    return _remove_comments(html, keep_markers=True)


# --------------------------------------------------------------------------
# step: strip_more_markers
# --------------------------------------------------------------------------

# Case-sensitive like WordPress (``/<!--more(.*?)?-->/``).
_MARK = (
    r"(?:<!--\s*(?:more|nextpage|noteaser)\b(?:(?!-->|<!--).){0,2000}?-->"
    r"|<!--\s*/?wp:(?:more|nextpage)\b(?:(?!-->|<!--).){0,2000}?-->"
    r"""|<span\s+id\s*=\s*["']?more-\d+["']?\s*>\s*</span\s*>)"""
)
_MORE_RE = re.compile(rf"<p>\s*(?:{_MARK}\s*)+</p>\n?|{_MARK}", re.S)


def strip_more_markers(html: str, config: CleaningConfig | None = None) -> str:
    """Remove ``<!--more…-->``, ``<!--nextpage-->``, ``<!--noteaser-->`` and
    the single-view anchor ``<span id="more-123"></span>`` (a ``<p>`` holding
    only markers goes too)."""
    if not html or ("<!--" not in html and "more-" not in html):
        return html
    return _MORE_RE.sub("", html)


# --------------------------------------------------------------------------
# step: unwrap_shortcodes
# --------------------------------------------------------------------------

_SC_TOKEN_RE = re.compile(
    r"\[(\[?)(/?)([A-Za-z][A-Za-z0-9_-]*)(?=[\s\]/])((?:[^\[\]/<>]|/(?!\]))*)(/?)\](\]?)"
)
_SC_ATTR_RE = re.compile(r"(?:^|\s)[A-Za-z_][\w-]*\s*=")
_SC_PROTECT_TRIGGER_RE = re.compile(r"<(?:pre|code)\b", re.I)
_TEXTURIZED_QUOTES = {
    "&#8220;": '"',
    "&#8221;": '"',
    "&#8243;": '"',
    "&#8242;": "'",
    "&#8216;": "'",
    "&#8217;": "'",
    "&quot;": '"',
    "&#34;": '"',
    "&#39;": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2033": '"',
    "\u2032": "'",
    "\u2018": "'",
    "\u2019": "'",
}
_TEXTURIZED_RE = re.compile("|".join(re.escape(k) for k in _TEXTURIZED_QUOTES))
_CAPTION_ATTR_RE = re.compile(r"""(?:^|\s)caption\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_CAPTION_SPLIT_RE = re.compile(
    r"\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a\s*>)?)(.*)\Z", re.I | re.S
)
_URL_RE = re.compile(r"https?://[^\s<>\"']+\Z")
_P_FIGURE_RE = re.compile(r"<p>\s*(<figure>(?:(?!<figure>).)*?</figure>)\s*</p>", re.S)


class _Tok:
    __slots__ = ("attrs", "end", "kind", "name", "raw", "start")

    def __init__(self, start, end, kind, name, attrs, raw):
        self.start, self.end, self.kind = start, end, kind
        self.name, self.attrs, self.raw = name, attrs, raw


def _norm_quotes(attrs: str) -> str:
    if "&" in attrs or not attrs.isascii():
        return _TEXTURIZED_RE.sub(lambda m: _TEXTURIZED_QUOTES[m.group()], attrs)
    return attrs


def _looks_like_shortcode(tok: _Tok, paired: bool) -> bool:
    name = tok.name
    return (
        paired
        or name in KNOWN_SHORTCODES
        or "_" in name
        or "-" in name
        or ("=" in tok.attrs and _SC_ATTR_RE.search(tok.attrs) is not None)
        or tok.kind == "self"
    )


def _render_caption(attrs: str, inner: str) -> str:
    m = _CAPTION_SPLIT_RE.match(inner)
    if not m:
        return inner
    media, caption = m.group(1), m.group(2).strip()
    if not caption:
        am = _CAPTION_ATTR_RE.search(_norm_quotes(attrs))
        if am:
            caption = next(g for g in am.groups() if g is not None).strip()
    if not caption:
        return media
    return f"<figure>{media}<figcaption>{caption}</figcaption></figure>"


def _render_embed(inner: str) -> str:
    url = _html.unescape(inner.strip())
    if not _URL_RE.match(url):
        return inner
    esc = _html.escape(url, quote=True)
    return f'<a href="{esc}">{esc}</a>'


def _render_enclosing(tok: _Tok, inner: str, config: CleaningConfig) -> str:
    name = tok.name
    if name in CAPTION_SHORTCODES:
        return _render_caption(tok.attrs, inner)
    if name in EMBED_SHORTCODES:
        return _render_embed(inner)
    if name in DROP_SHORTCODES or config.unknown_shortcodes == "drop":
        return ""
    return inner


def unwrap_shortcodes(html: str, config: CleaningConfig | None = None) -> str:
    """Render/unwrap/drop shortcodes (rule in the module docstring)."""
    if not html or "[" not in html:
        return html
    config = config or _DEFAULT_CONFIG
    protected: list[int] = []
    if _SC_PROTECT_TRIGGER_RE.search(html):
        for start, _, _, end in _element_spans(html, ("pre", "code")):
            protected.extend((start, end))

    # 1. tokens
    toks: list[_Tok] = []
    for m in _SC_TOKEN_RE.finditer(html):
        start, end = m.span()
        if protected and bisect_right(protected, start) % 2 == 1:
            continue  # inside <pre>/<code>
        esc_open, slash, name, attrs, selfclose, esc_close = m.groups()
        if slash:
            if attrs.strip() or selfclose:
                continue
            kind = "close"
        else:
            kind = "self" if selfclose else "open"
        if esc_open and esc_close:
            kind = "escaped"
        elif esc_open:
            start += 1  # "[[name]": the first bracket is text
        elif esc_close:
            end -= 1  # "[name]]": the last bracket is text
        toks.append(_Tok(start, end, kind, name, attrs, html[start:end]))
    if not toks:
        return html

    # 2. pair opens with closes (stack; unclosed opens become single tags)
    paired: dict[int, int] = {}
    closes: set[int] = set()
    stack: list[int] = []
    open_count: dict[str, int] = {}
    for i, tok in enumerate(toks):
        if tok.kind == "open":
            stack.append(i)
            open_count[tok.name] = open_count.get(tok.name, 0) + 1
        elif tok.kind == "close" and open_count.get(tok.name):
            while True:
                j = stack.pop()
                open_count[toks[j].name] -= 1
                if toks[j].name == tok.name:
                    paired[j] = i
                    closes.add(i)
                    break

    # 3. render (iteratively: nesting depth is unbounded)
    frames: list[tuple[_Tok | None, list[str]]] = [(None, [])]
    pos = 0
    made_figure = False
    for i, tok in enumerate(toks):
        frames[-1][1].append(html[pos : tok.start])
        pos = tok.end
        if tok.kind == "escaped":
            frames[-1][1].append("&#91;" + tok.raw[2:-1])
        elif i in paired:
            frames.append((tok, []))
        elif i in closes:
            open_tok, parts = frames.pop()
            rendered = _render_enclosing(open_tok, "".join(parts), config)
            made_figure = made_figure or open_tok.name in CAPTION_SHORTCODES
            frames[-1][1].append(rendered)
        elif not _looks_like_shortcode(tok, False):
            frames[-1][1].append(tok.raw)
        # else: single / unpaired / stray shortcode -> dropped
    frames[-1][1].append(html[pos:])
    out = "".join(frames[0][1])
    if made_figure and "<p>" in out:
        out = _P_FIGURE_RE.sub(r"\1", out)
    return out


# --------------------------------------------------------------------------
# step: strip_teasers
# --------------------------------------------------------------------------

_ELL = r"(?:…|&hellip;|&#8230;|&#x2026;|\.\.\.)"
_ARROW = (
    r"(?:»|&raquo;|&#187;|→|&rarr;|&#8594;|›|&rsaquo;|&#8250;|⟶|&gt;|>|"
    r"…|&hellip;|&#8230;|\.{1,3}|!)"
)
_SUFFIX = rf"(?:{_WS}*{_ARROW})*{_WS}*(?:\]|\)|&#93;)?"
_MORE_PAREN = rf"\(\s*more\s*(?:{_ELL}|…)?\s*\)"

_TEASER_CLASS = r"(?<![\w-])(?:more-link|read-more|readmore)(?![\w-])"
_TEASER_LINK_RE = re.compile(
    rf"""<a\b[^>]*?\sclass\s*=\s*["'][^"']*{_TEASER_CLASS}[^"']*["'][^>]*>"""
    r"(?:(?!</?a\b).){0,3000}?</a\s*>",
    re.I | re.S,
)
_TEASER_BOX_RE = re.compile(
    r"""<(p|div|span)\b[^>]*?\sclass\s*=\s*["'][^"']*(?<![\w-])"""
    r"""(?:link-more|read-more|readmore|more-link)(?![\w-])[^"']*["'][^>]*>"""
    r"(?:(?!<\1\b|</\1\s*>).){0,3000}?</\1\s*>",
    re.I | re.S,
)
_EMPTY_P_RE = re.compile(r"<p\b[^>]*>(?:\s|&nbsp;|&#160;|<br\s*/?>)*</p\s*>", re.I)
_SR_CLASS = r"(?<![\w-])(?:screen-reader-text|sr-only|visually-hidden)(?![\w-])"
_SR_SPAN_AT_END_RE = re.compile(
    rf"""<span\b[^>]*?\sclass\s*=\s*["'][^"']*{_SR_CLASS}[^"']*["'][^>]*>[^<]*</span\s*>\Z""",
    re.I,
)
_NO_DESCEND = frozenset({"pre", "code", "textarea", "script", "style", "svg", "math"})
_EMPTIABLE = frozenset({"p", "div", "span", "a", "em", "strong", "b", "i", "u", "small"})
_MAX_PEEL = 200  # tags/debris pieces peeled off one end at most (bounds hostile input)
_ELLIPSIS_KEYS = ("…", "&hellip;", "&#8230;", "&#x2026;", "...", "(more")


def _char_re(c: str) -> str:
    """A regex for one phrase character, accepting its entity spellings."""
    if c.isascii():
        if c == "'":
            return r"(?:'|’|&#8217;|&rsquo;|&#39;)"
        if c == "&":
            return r"(?:&|&amp;|&#38;)"
        return re.escape(c)
    alts = [re.escape(c), f"&#{ord(c)};", f"&#x{ord(c):x};"]
    name = codepoint2name.get(ord(c))
    if name:
        alts.append(f"&{name};")
    return "(?:" + "|".join(alts) + ")"


def _phrase_re(phrase: str) -> str:
    words = phrase.split()
    return f"{_WS}+".join("".join(_char_re(c) for c in w) for w in words)


def _keyword(phrase: str) -> str:
    runs = re.findall(r"[a-z0-9]+", phrase.lower())
    return max(runs, key=len) if runs else phrase.lower()


_ELL_FORMS = ("…", "&hellip;", "&#8230;", "&#x2026;")
_ELL_FORMS_DOTS = (*_ELL_FORMS, "...")
_BRACKETS = (("]", ("[", "&#91;")), ("&#93;", ("[", "&#91;")), (")", ("(",)))
_LEAD_ARROWS = ("»", "&raquo;", "→", "&rarr;")
_OPEN_WRAPS = ("[", "(", "&#91;")
_SEPARATORS = ("|", "-", "–", "—", "&ndash;", "&mdash;", "&#8211;", "&#8212;")
_SENTENCE_END = frozenset('.!?:;)"”’»')


def _strip_suffix(s: str, suffixes: tuple[str, ...]) -> str | None:
    for suffix in suffixes:
        if s.endswith(suffix):
            return s[: -len(suffix)]
    return None


def _ellipsis_cut(s: str) -> int | None:
    """Start of a trailing ``[…]``/``[&hellip;]``/``[...]``/``(…)``/``…`` in rstripped ``s``."""
    for close, opens in _BRACKETS:
        if s.endswith(close):
            inner = _strip_suffix(_rstrip_ws(s[: -len(close)]), _ELL_FORMS_DOTS)
            if inner is None:
                return None
            before = _strip_suffix(_rstrip_ws(inner), opens)
            return None if before is None else len(_rstrip_ws(before))
    before = _strip_suffix(s, _ELL_FORMS)
    return None if before is None else len(_rstrip_ws(before))


def _boundary_cut(s: str, start: int) -> int | None:
    """Where to cut if a teaser phrase starting at ``start`` begins a text run.

    A run begins at the start, after a tag or a line break, after sentence
    punctuation and a space, after an ellipsis (cut with it) or after a
    spaced ``|``/dash separator (cut with it); an opening ``[``/``(`` and a
    leading arrow before the phrase go too.  (Plain ``str`` work: the same
    test as a look-behind regex costs ~10 µs.)
    """
    head = s[:start]
    stripped = _rstrip_ws(head)
    arrowless = _strip_suffix(stripped, _LEAD_ARROWS)
    if arrowless is not None:
        head = arrowless
    unwrapped = _strip_suffix(head, _OPEN_WRAPS)
    if unwrapped is not None:
        head = unwrapped
    q = _rstrip_ws(head)
    gap = head[len(q) :]
    if not q or q[-1] == ">" or "\n" in gap:
        return len(q)
    before = _strip_suffix(q, _ELL_FORMS_DOTS)
    if before is not None:
        return len(_rstrip_ws(before))
    before = _strip_suffix(q, _SEPARATORS)
    if before is not None and len(_rstrip_ws(before)) < len(before):
        return len(_rstrip_ws(before))
    if gap and q[-1] in _SENTENCE_END:
        return len(q)
    return None


class _TeaserRules:
    """Trailing-debris matcher for one set of teaser phrases.

    Speed: ``re.I`` and leading optional groups defeat the regex engine's
    literal-prefix scan, so the phrase regex is lower-case only and runs on a
    lower-cased window of the tail; the boundary before the phrase is checked
    separately on the original string.
    """

    __slots__ = ("keywords", "phrase_i", "phrase_low", "window")

    def __init__(self, extra: tuple[str, ...]):
        phrases = DEFAULT_TEASERS + tuple(p for p in extra if p.lower() not in DEFAULT_TEASERS)
        alts = "|".join([_MORE_PAREN] + [_phrase_re(p.lower()) for p in phrases])
        tail = rf"(?:{alts}){_SUFFIX}{_WS}*\Z"
        self.phrase_low = re.compile(tail)
        self.phrase_i = re.compile(tail, re.I)
        self.keywords = tuple(dict.fromkeys(_ELLIPSIS_KEYS + tuple(_keyword(p) for p in phrases)))
        self.window = 80 + 3 * max(len(p) for p in phrases)

    def cut(self, s: str, loose: bool = False) -> int | None:
        """Index where trailing debris starts in ``s`` (rstripped), or None.

        ``loose``: accept a teaser phrase without a boundary before it (used
        when a screen-reader span follows the phrase).
        """
        if not s:
            return None
        t = s[-self.window :]
        low = t.lower()
        if not any(k in low for k in self.keywords):
            return None
        if s[-1] in "]);…":
            k = _ellipsis_cut(s)
            if k is not None:
                return k
        off = len(s) - len(t)
        if len(low) == len(t):
            m = self.phrase_low.search(low)
            start = off + m.start() if m else -1
        else:  # lower() changed the length (rare characters): slow path
            m = self.phrase_i.search(s, off)
            start = m.start() if m else -1
        if start < 0:
            return None
        k = _boundary_cut(s, start)
        if k is not None:
            return k
        if loose or s[start] == "(":  # "(more…)" needs no boundary
            return len(s[:start].rstrip())
        return None

    def strip_text(self, text: str) -> str:
        """Strip trailing debris from plain text."""
        text = text.rstrip()
        for _ in range(_MAX_PEEL):
            k = self.cut(text)
            if k is None:
                break
            text = text[:k].rstrip()
        return text


@lru_cache(maxsize=64)
def _teaser_rules(extra: tuple[str, ...]) -> _TeaserRules:
    return _TeaserRules(extra)


def _rstrip_ws(s: str) -> str:
    s = s.rstrip()
    while s.endswith(";"):
        low = s[-6:].lower()
        if low == "&nbsp;" or low == "&#160;" or low == "&#xa0;":
            s = s[:-6].rstrip()
        else:
            break
    return s


def _strip_tail(s: str, rules: _TeaserRules, removed: bool = False) -> str:
    """Peel debris off the end of ``s`` (descending through closing tags).

    Changes are kept only if some debris was found (or ``removed`` says an
    earlier pass already removed some, so trailing emptied elements go too).
    """
    closers: list[tuple[str, str]] = []  # (name, raw closing tag), outermost first
    cur = s
    for _ in range(_MAX_PEEL):
        cur = _rstrip_ws(cur)
        if not cur:
            break
        if cur[-1] == ">":
            j = cur.rfind("<")
            m = _TAG_AT_END_RE.match(cur, j) if j >= 0 else None
            if m:
                name = m.group(2).lower()
                if m.group(1):  # closing tag
                    if name in _NO_DESCEND:
                        break
                    if name == "span":
                        sm = _SR_SPAN_AT_END_RE.search(cur, max(0, j - 1000))
                        k = rules.cut(_rstrip_ws(cur[: sm.start()]), loose=True) if sm else None
                        if k is not None:
                            cur = cur[:k]
                            removed = True
                            continue
                    closers.append((name, cur[j:]))
                    cur = cur[:j]
                    continue
                if name == "br":
                    cur = cur[:j]
                    continue
                if closers and closers[-1][0] == name and name in _EMPTIABLE:
                    closers.pop()
                    cur = cur[:j]
                    continue
                break
        k = rules.cut(cur)
        if k is None:
            break
        cur = cur[:k]
        removed = True
    if not removed:
        return s
    return cur + "".join(raw for _, raw in reversed(closers))


def strip_teasers(html: str, config: CleaningConfig | None = None) -> str:
    """Remove read-more links/containers and trailing teaser debris."""
    if not html:
        return html
    rules = _teaser_rules((config or _DEFAULT_CONFIG).teasers)
    out = html
    if "more-link" in out or "link-more" in out or "read-more" in out or "readmore" in out:
        out = _TEASER_BOX_RE.sub("", out)
        out = _TEASER_LINK_RE.sub("", out)
        if out != html:
            out = _EMPTY_P_RE.sub("", out)
    # No global trigger test: peeling stops at the first text that has no
    # trigger word in its last ~150 characters, which costs ~2 µs.
    return _strip_tail(out, rules, removed=out != html)


# --------------------------------------------------------------------------
# step: strip_screen_reader_text
# --------------------------------------------------------------------------

_SR_RE = re.compile(
    r"""<(span|div|p|label|a|h[1-6])\b[^>]*?\sclass\s*=\s*["'][^"']*"""
    rf"""{_SR_CLASS}[^"']*["'][^>]*>"""
    r"(?:[^<]|<(?!/?\1\b)){0,4000}</\1\s*>",
    re.I,
)


def strip_screen_reader_text(html: str, config: CleaningConfig | None = None) -> str:
    """Remove ``.screen-reader-text`` / ``.sr-only`` / ``.visually-hidden`` elements."""
    if not html or (
        "screen-reader-text" not in html and "sr-only" not in html and "visually-hidden" not in html
    ):
        return html
    return _SR_RE.sub("", html)


# --------------------------------------------------------------------------
# step: decode_entities
# --------------------------------------------------------------------------

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_KEEP_ESCAPED = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "[": "&#91;"}


_ENTITY_CACHE: dict[str, str] = {}


def _entity_repl(m: re.Match, _get=_ENTITY_CACHE.get) -> str:
    entity = m[0]
    out = _get(entity)
    if out is None:
        # Named: exact name only (html.unescape would read "&notx;" as "¬x;").
        ch = _html.unescape(entity) if entity[1] == "#" else html5.get(entity[1:], entity)
        # unknown name: leave as written; markup characters stay escaped
        out = entity if ch == entity else _KEEP_ESCAPED.get(ch, ch)
        if len(_ENTITY_CACHE) < 10_000:
            _ENTITY_CACHE[entity] = out
    return out


def decode_entities(html: str, config: CleaningConfig | None = None) -> str:
    """Decode entities, keeping ``& < > " '`` and ``[`` escaped (HTML stays valid)."""
    if not html or "&" not in html:
        return html
    return _ENTITY_RE.sub(_entity_repl, html)


# --------------------------------------------------------------------------
# step: normalise_space
# --------------------------------------------------------------------------

_PRE_TRIGGER_RE = re.compile(r"<(?:pre|textarea)\b", re.I)
# Character-class-first patterns are slow in ``re`` (no literal-prefix scan):
# search for them (fast) before substituting, and use literal-first patterns.
_SPACES_RE = re.compile(r"  +")
_EMPTY_BLOCK_P_RE = re.compile(
    r"<p\b[^>]*>(?:[ \t\n\xa0]|&nbsp;|&#160;|&#xa0;|<br\s*/?>)*</p\s*>\n?", re.I
)
_MULTI_NL_RE = re.compile(r"\n\n\n+")


def _collapse(s: str, nbsp: bool) -> str:
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
    s = _collapse(s, nbsp=False)
    if "> " in s:
        s = _SPACE_AFTER_OPEN_RE.sub(r"\1", s)
    if " </" in s:
        s = _SPACE_BEFORE_CLOSE_RE.sub(r"\1", s)
    if "<p" in s or "<P" in s:
        s = _EMPTY_BLOCK_P_RE.sub("", s)
    if "\n\n\n" in s:
        s = _MULTI_NL_RE.sub("\n\n", s)
    return s


def normalise_space(html: str, config: CleaningConfig | None = None) -> str:
    """Collapse spaces, drop empty paragraphs, keep ``<pre>`` verbatim."""
    if not html:
        return html
    if _PRE_TRIGGER_RE.search(html):
        out = []
        pos = 0
        for start, _, _, end in _element_spans(html, ("pre", "textarea")):
            out.append(_normalise_chunk(html[pos:start]))
            out.append(html[start:end])
            pos = end
        out.append(_normalise_chunk(html[pos:]))
        return "".join(out).strip()
    return _normalise_chunk(html).strip()


# --------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------

STEPS: dict[str, Callable[[str, CleaningConfig], str]] = {
    "strip_block_comments": strip_block_comments,
    "strip_more_markers": strip_more_markers,
    "unwrap_shortcodes": unwrap_shortcodes,
    "strip_teasers": strip_teasers,
    "strip_screen_reader_text": strip_screen_reader_text,
    "decode_entities": decode_entities,
    "normalise_space": normalise_space,
}

_DEFAULT_CONFIG = CleaningConfig()

# --------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------

_PARA_TAGS = (
    "p|div|h[1-6]|blockquote|ul|ol|dl|table|figure|section|article|header|footer|aside|nav|"
    "main|address|hr|form|fieldset|details|center|hgroup|pre"
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
_ANY_TAG_RE = re.compile(
    r"""<(?:[!?][^>]*>|/(?![A-Za-z])[^>]*>|/?[A-Za-z](?:"[^"]*"|'[^']*'|[^'"<>])*>)"""
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
        s = _ANY_TAG_RE.sub("", s)
    if "&" in s:
        s = _html.unescape(s)
    return s


def _normalise_text(s: str) -> str:
    s = _collapse(s, nbsp=True)
    if _LINE_MARK in s:
        # One line break where a line-level element starts or ends, none next to another one.
        s = _LINE_MARKS_RE.sub(_LINE_MARK, s.replace(" " + _LINE_MARK, _LINE_MARK))
        s = s.replace("\n" + _LINE_MARK, "\n").replace(_LINE_MARK + "\n", "\n")
        s = s.replace(_LINE_MARK, "\n")
    if "\n\n\n" in s:
        s = _MULTI_NL_RE.sub("\n\n", s)
    return s.strip()


_BR_RE = re.compile(r"<br\b[^>]*>", re.I)


def _pre_text(inner: str) -> str:
    inner = _BR_RE.sub("\n", inner)
    inner = _ANY_TAG_RE.sub("", inner)
    if "&" in inner:
        inner = _html.unescape(inner)
    return inner.replace("\r\n", "\n").strip("\n").rstrip()


def _html_to_text(html: str) -> str:
    if not html:
        return ""
    s = html
    if "<" in s:
        s = drop_scripts(s)
        if "<!--" in s:
            s = _remove_comments(s, keep_markers=False, hide_unclosed=True)
        if _PRE_TRIGGER_RE.search(s):
            chunks: list[str] = []
            pos = 0
            for start, inner_start, inner_end, end in _element_spans(s, ("pre", "textarea")):
                chunks.append(_normalise_text(_tags_to_text(s[pos:start])))
                chunks.append(_pre_text(s[inner_start:inner_end]))
                pos = end
            chunks.append(_normalise_text(_tags_to_text(s[pos:])))
            return "\n\n".join(c for c in chunks if c)
    return _normalise_text(_tags_to_text(s))


# --------------------------------------------------------------------------
# Cleaner
# --------------------------------------------------------------------------

_EXCERPT_TRIM = " ,;:-–—"


class Cleaner:
    """Applies a :class:`CleaningConfig` to content, excerpts and titles."""

    def __init__(self, config: CleaningConfig = _DEFAULT_CONFIG):
        self.config = config
        self._steps = tuple(STEPS[name] for name in config.steps)
        self._excerpt_steps = self._steps
        if "strip_teasers" not in config.steps:
            self._excerpt_steps = (*self._steps, strip_teasers)
        self._rules = _teaser_rules(config.teasers)

    def _run(self, html: str | None, steps) -> str:
        if not html:
            return ""
        html = drop_scripts(html)
        config = self.config
        for step in steps:
            html = step(html, config)
        return html

    def clean_html(self, html: str | None) -> str:
        """Run the configured steps (scripts/styles are always dropped)."""
        return self._run(html, self._steps)

    def to_text(self, html: str | None) -> str:
        """Plain text of (cleaned) HTML, paragraphs separated by a blank line."""
        return _html_to_text(html or "")

    def clean_excerpt(self, html: str | None) -> str:
        """An excerpt as plain text without teaser debris (teasers always stripped)."""
        text = _html_to_text(self._run(html, self._excerpt_steps))
        return self._rules.strip_text(text)

    def make_excerpt(self, text: str | None) -> str:
        """First ``excerpt_words`` words of ``text``, then "…" if it was cut."""
        if not text:
            return ""
        n = self.config.excerpt_words
        words = text.split(maxsplit=n)
        if len(words) <= n:
            return " ".join(words)
        return " ".join(words[:n]).rstrip(_EXCERPT_TRIM) + "…"

    def clean_title(self, title: str | None) -> str:
        """Tags stripped, entities decoded (twice for ``&amp;amp;``), one-line."""
        if not title:
            return ""
        s = title
        if "<" in s:
            s = _ANY_TAG_RE.sub("", drop_scripts(s))
        for _ in range(2):
            if "&" not in s:
                break
            s = _html.unescape(s)
        return " ".join(s.split())


# --------------------------------------------------------------------------
# micro-benchmark: python -m wpmigrate.cleaning
# --------------------------------------------------------------------------


def _synthetic_item(i: int) -> tuple[str, str, str]:
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
                "<!-- wp:list -->\n<ul><li>one</li><li>two &gt; one</li></ul>\n"
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


def _benchmark(n: int = 5000) -> float:
    import time

    items = [_synthetic_item(i) for i in range(n)]
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
    print(f"{n} items of ~{size:.0f} chars: {rate:,.0f} items/s ({1e3 / rate:.3f} ms/item)")
    return n / elapsed


if __name__ == "__main__":  # pragma: no cover
    _benchmark()
