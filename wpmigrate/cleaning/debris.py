"""Per-type debris rules: the template elements a theme adds around an item's own text.

A mapping's `[types.<type>.cleaning]` table (or what a crawl learned, see wpmigrate/debris.py)
gives three lists:

* `drop`: CSS selectors; every element they match is removed;
* `drop_text`: regular expressions matched against the *whole* text of an element
  (whitespace collapsed); a matching element is removed. `{title}`, `{terms}` and `{author}`
  stand for the item's own title, term names (joined by anything or nothing) and author;
* `keep`: regular expressions searched in an element's text; an element they match, and
  every element holding it, is never removed.

A removed element takes with it the ellipsis right before it (`…Read More`: the teaser's
ellipsis). Unlike the regex-only steps of this package, this step parses the fragment with
lxml, and only when there are rules: without them the HTML is returned untouched.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from cssselect import GenericTranslator, SelectorError
from lxml import etree
from lxml import html as lxml_html

from .config import CleaningConfigError
from .removals import MAX_REMOVED_CHARS

PLACEHOLDERS = ("{title}", "{terms}", "{author}")
TERM_JOINERS = r"[\s,;/|·•&+\-–—]*"
_ELLIPSIS_AT_END = re.compile(r"(?:…|\.\.\.)\s*\Z")
_NEVER = "(?!)"
_LITERAL_WORD = re.compile(r"[A-Za-z0-9]{3,}")


@dataclass(frozen=True)
class ItemFacts:
    """What the archive holds about an item as data: echoes of it in a page are template."""

    title: str = ""
    terms: tuple[str, ...] = ()
    author: str = ""


@dataclass(frozen=True)
class DebrisRules:
    """`[types.<type>.cleaning]`: drop (CSS), drop_text (regex), keep (regex)."""

    drop: tuple[str, ...] = ()
    drop_text: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    origin: str = "mapping"  # or "learned": written into the removed table's rule column

    def __post_init__(self) -> None:
        for selector in self.drop:
            _xpath(selector)
        for pattern in (*self.drop_text, *self.keep):
            _check_regex(pattern)

    def __bool__(self) -> bool:
        return bool(self.drop or self.drop_text)

    @classmethod
    def from_dict(cls, table: object, *, where: str) -> DebrisRules:
        if not isinstance(table, dict):
            raise CleaningConfigError(f"{where} must be a table with drop, drop_text, keep")
        lists = {}
        for key, value in table.items():
            if key not in ("drop", "drop_text", "keep"):
                raise CleaningConfigError(
                    f"{where}: unknown key {key!r} (use drop, drop_text, keep)"
                )
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise CleaningConfigError(f"{where}.{key} must be a list of non-empty strings")
            lists[key] = tuple(value)
        try:
            return cls(**lists)
        except CleaningConfigError as exc:
            raise CleaningConfigError(f"{where}: {exc}") from None


@dataclass
class Removal:
    rule: str  # e.g. "learned drop_text: TAGS:\s*{terms}"
    text: str


@dataclass
class _Compiled:
    drop: list[tuple[str, etree.XPath]] = field(default_factory=list)
    drop_text: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    keep: list[re.Pattern[str]] = field(default_factory=list)


def apply_rules(html: str, rules: DebrisRules, facts: ItemFacts) -> tuple[str, list[Removal]]:
    """`html` without the elements `rules` drop, and what went (in document order)."""
    if not rules or not html.strip() or not _may_match(html, rules):
        return html, []
    compiled = _compile(rules, facts)
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    doomed: dict[etree._Element, str] = {}
    for selector, xpath in compiled.drop:
        for element in xpath(root):
            if element is not root:
                doomed.setdefault(element, f"{rules.origin} drop: {selector}")
    if compiled.drop_text:
        for element in root.iterdescendants():
            if element in doomed or not isinstance(element.tag, str):
                continue
            text = element_text(element)
            for pattern, regex in compiled.drop_text:
                if text and regex.fullmatch(text):
                    doomed[element] = f"{rules.origin} drop_text: {pattern}"
                    break
    doomed = {e: r for e, r in doomed.items() if not _kept(e, compiled.keep)}
    outermost = [e for e in root.iterdescendants() if e in doomed and not _has(e, doomed)]
    if not outermost:
        return html, []
    removed = [_remove(e, doomed[e]) for e in outermost]
    return _inner_html(root), removed


def _may_match(html: str, rules: DebrisRules) -> bool:
    """Could any rule match? A class name or a literal word of each rule is looked for in
    the HTML first, so most items of a long content are not parsed at all."""
    needles = [_class_needle(r) for r in rules.drop] + [_word_needle(r) for r in rules.drop_text]
    if None in needles:
        return True
    low = html.lower()
    return any(n in low for n in needles)


@lru_cache(maxsize=256)
def _class_needle(selector: str) -> str | None:
    """The last class a selector names (lower case), or None."""
    classes = re.findall(r"\.([A-Za-z_][\w-]*)", selector)
    return classes[-1].lower() if classes else None


@lru_cache(maxsize=256)
def _word_needle(pattern: str) -> str | None:
    """The longest literal word of a plain pattern (lower case), or None when the pattern has
    alternatives, groups or classes, or no word of 3 letters (`{terms}`)."""
    if any(c in pattern for c in "([|?"):
        return None
    plain = re.sub(r"\{(?:title|terms|author)\}|\\[A-Za-z]", " ", pattern)
    words = _LITERAL_WORD.findall(plain)
    return max(words, key=len).lower() if words else None


def element_text(element: etree._Element) -> str:
    """An element's text as a reader sees it: whitespace collapsed."""
    return " ".join(element.text_content().split())


def expand(pattern: str, facts: ItemFacts) -> str:
    """A drop_text pattern with the item's own title, terms and author put in."""
    if "{" not in pattern:
        return pattern
    names = sorted({t for t in facts.terms if t.strip()}, key=len, reverse=True)
    terms = "|".join(_words(n) for n in names) or _NEVER
    values = {
        "{title}": _words(facts.title) if facts.title.strip() else _NEVER,
        "{terms}": f"(?:(?:{terms}){TERM_JOINERS})*",
        "{author}": _words(facts.author) if facts.author.strip() else _NEVER,
    }
    return re.sub("|".join(re.escape(p) for p in PLACEHOLDERS), lambda m: values[m[0]], pattern)


def _words(text: str) -> str:
    """A literal, whitespace-tolerant and case-blind regex of `text`."""
    return r"\s*".join(re.escape(w) for w in text.split())


def _check_regex(pattern: str) -> None:
    try:
        re.compile(expand(pattern, ItemFacts("t", ("a",), "b")))
    except re.error as exc:
        raise CleaningConfigError(f"bad regular expression {pattern!r}: {exc}") from None


@lru_cache(maxsize=256)
def _xpath(selector: str) -> etree.XPath:
    try:
        return etree.XPath(GenericTranslator().css_to_xpath(selector))
    except (SelectorError, etree.XPathError) as exc:
        raise CleaningConfigError(f"bad CSS selector {selector!r}: {exc}") from None


def _compile(rules: DebrisRules, facts: ItemFacts) -> _Compiled:
    return _Compiled(
        drop=[(s, _xpath(s)) for s in rules.drop],
        drop_text=[(p, re.compile(expand(p, facts), re.I)) for p in rules.drop_text],
        keep=[re.compile(expand(p, facts), re.I) for p in rules.keep],
    )


def _kept(element: etree._Element, keep: Iterable[re.Pattern[str]]) -> bool:
    """Kept by a `keep` rule: the element's text or any part of it matches."""
    patterns = list(keep)
    if not patterns:
        return False
    text = element_text(element)
    return any(p.search(text) for p in patterns)


def _has(element: etree._Element, doomed: dict) -> bool:
    return any(a in doomed for a in element.iterancestors())


def _remove(element: etree._Element, rule: str) -> Removal:
    """Drop `element` (its tail stays), and the ellipsis just before it."""
    text = element_text(element)
    previous = element.getprevious()
    parent = element.getparent()
    before = (previous.tail if previous is not None else parent.text) or ""
    cut = _ELLIPSIS_AT_END.search(before)
    if cut:
        before = before[: cut.start()]
        text = cut.group(0).strip() + text
        if previous is not None:
            previous.tail = before
        else:
            parent.text = before
    element.drop_tree()
    return Removal(rule, text[:MAX_REMOVED_CHARS])


def _inner_html(root: etree._Element) -> str:
    parts = [_html.escape(root.text, quote=False)] if root.text else []
    for child in root:
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
    return "".join(parts)
