"""Steps ``strip_teasers`` and ``strip_screen_reader_text``."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html.entities import codepoint2name

from .config import DEFAULT_CONFIG, DEFAULT_TEASERS, CleaningConfig
from .removals import Removals, note_html, note_text

TEASER_RULE = "cleaning teaser"
SCREEN_READER_RULE = "cleaning screen_reader"

# A tag: name, then attributes (quoted values may hold '>' ), then '>'.
_TAG_AT_END_RE = re.compile(
    r"""<(/?)([A-Za-z][A-Za-z0-9:-]*)(?:\s(?:"[^"]*"|'[^']*'|[^'"<>])*)?/?>\Z"""
)

_WS = r"(?:\s|&nbsp;|&#160;|&#xa0;)"


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

    __slots__ = ("inner", "keywords", "phrase_i", "phrase_low", "window")

    def __init__(self, extra: tuple[str, ...]):
        phrases = DEFAULT_TEASERS + tuple(p for p in extra if p.lower() not in DEFAULT_TEASERS)
        alts = "|".join([_MORE_PAREN] + [_phrase_re(p.lower()) for p in phrases])
        tail = rf"(?:{alts}){_SUFFIX}{_WS}*\Z"
        self.phrase_low = re.compile(tail)
        self.phrase_i = re.compile(tail, re.I)
        self.keywords = tuple(dict.fromkeys(_ELLIPSIS_KEYS + tuple(_keyword(p) for p in phrases)))
        self.window = 80 + 3 * max(len(p) for p in phrases)
        # plain text: an ellipsis, a phrase, then the end or what is not a sentence going on
        # ("…Read More TAGS: Asia" ends at the ellipsis; "…read more about it" is a sentence)
        words = "|".join(_phrase_re(p.lower()) for p in phrases)
        self.inner = re.compile(
            rf"(?:…|\.\.\.)\s*(?:{words})(?!\w){_SUFFIX}(?=\s*(?:\Z|[^\w\s]|(?-i:[A-Z])))",
            re.I,
        )

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

    def split_excerpt(self, text: str) -> tuple[str, str]:
        """(teaser, rest): a teaser phrase with its ellipsis ends an excerpt wherever it sits,
        also when template text follows it ("…Read More TAGS: …")."""
        found = self.inner.search(text)
        if found is None:
            return text, ""
        return text[: found.start()].rstrip(), text[found.start() :].strip()

    def strip_text(self, text: str, removals: Removals | None = None) -> str:
        """Strip trailing debris from plain text (what went is reported to ``removals``)."""
        text = text.rstrip()
        whole = text
        for _ in range(_MAX_PEEL):
            k = self.cut(text)
            if k is None:
                break
            text = text[:k].rstrip()
        if len(text) < len(whole):
            note_text(removals, TEASER_RULE, whole[len(text) :])
        return text


@lru_cache(maxsize=64)
def teaser_rules(extra: tuple[str, ...]) -> _TeaserRules:
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


def _strip_tail(
    s: str, rules: _TeaserRules, removed: bool = False, removals: Removals | None = None
) -> str:
    """Peel debris off the end of ``s`` (descending through closing tags).

    Changes are kept only if some debris was found (or ``removed`` says an
    earlier pass already removed some, so trailing emptied elements go too);
    the text of what was peeled off is reported to ``removals``.
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
    note_html(removals, TEASER_RULE, s[len(cur) :])
    return cur + "".join(raw for _, raw in reversed(closers))


def _dropper(removals: Removals | None, rule: str) -> str | Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement that removes a match, reporting its text to ``removals``."""
    if removals is None:
        return ""

    def drop(m: re.Match[str]) -> str:
        note_html(removals, rule, m[0])
        return ""

    return drop


def strip_teasers(
    html: str, config: CleaningConfig | None = None, removals: Removals | None = None
) -> str:
    """Remove read-more links/containers and trailing teaser debris."""
    if not html:
        return html
    rules = teaser_rules((config or DEFAULT_CONFIG).teasers)
    out = html
    if "more-link" in out or "link-more" in out or "read-more" in out or "readmore" in out:
        drop = _dropper(removals, TEASER_RULE)
        out = _TEASER_BOX_RE.sub(drop, out)
        out = _TEASER_LINK_RE.sub(drop, out)
        if out != html:
            out = _EMPTY_P_RE.sub("", out)
    # No global trigger test: peeling stops at the first text that has no
    # trigger word in its last ~150 characters, which costs ~2 µs.
    return _strip_tail(out, rules, removed=out != html, removals=removals)


_SR_RE = re.compile(
    r"""<(span|div|p|label|a|h[1-6])\b[^>]*?\sclass\s*=\s*["'][^"']*"""
    rf"""{_SR_CLASS}[^"']*["'][^>]*>"""
    r"(?:[^<]|<(?!/?\1\b)){0,4000}</\1\s*>",
    re.I,
)


def strip_screen_reader_text(
    html: str, config: CleaningConfig | None = None, removals: Removals | None = None
) -> str:
    """Remove ``.screen-reader-text`` / ``.sr-only`` / ``.visually-hidden`` elements."""
    if not html or (
        "screen-reader-text" not in html and "sr-only" not in html and "visually-hidden" not in html
    ):
        return html
    return _SR_RE.sub(_dropper(removals, SCREEN_READER_RULE), html)
