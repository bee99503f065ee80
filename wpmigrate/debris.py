"""Learn a site's template debris from the items of one post type, with no extra requests.

The crawl hands over the pages it already read: for each item its content and its listing
teaser, with what the archive holds about it as data (title, term names, author). Every
element of those fragments gets a *signature*: its text with the item's own title, term names
and author replaced by `{title}`, `{terms}` and `{author}`. An element is template when

* *repetition*: the same signature turns up in many items of the type (at least
  `MIN_ITEMS`, and `MIN_SHARE` of them), and
* it says nothing of its own: besides the echoed data, a short constant label at most
  (`MAX_LABEL_WORDS` words: "TAGS:", "DOWNLOAD", "Get the PDF", "Read More"), or only echoed
  term names (categories run together).

A recurring element with more to say than a label (a boilerplate sentence) is kept and
reported as a doubt. A sentence that mentions a term, the title or "download" inside a
paragraph has a signature of its own in every item, so it never repeats and always stays.

Rules come out as CSS selectors when the template elements have classes no kept element
shares, else as whole-text patterns (see cleaning/debris.py for how they are applied).
"""

from __future__ import annotations

import dataclasses
import html as _html
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from .cleaning.debris import ItemFacts, element_text
from .model import Author, DebrisRule, Item, LearnedCleaning, Record, Term

LEARN_FROM = 20  # items of a type held back to learn from
MIN_ITEMS = 3
MIN_SHARE = 0.2
MAX_LABEL_WORDS = 4
MAX_LABEL_CHARS = 40
MAX_ELEMENT_CHARS = 400  # longer elements are content, never template
MAX_DOUBTS = 5
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TERM = "\x00t"
_MARKS = {"\x00T": "{title}", "\x00A": "{author}"}
_TERM_RUN = re.compile(r"\x00t(?:[\s,;/|·•&+\-–—]*\x00t)*")
_WORD = re.compile(r"\w+")
_TAGS = re.compile(r"<[^>]*>")
_WORDPRESS_CLASSES = ("wp-", "has-", "is-", "align", "size-", "attachment-", "entry-")


@dataclass
class Sample:
    """One item's fragment as a page showed it: `field` is content or excerpt."""

    item_id: int
    field: str
    html: str
    facts: ItemFacts


@dataclass
class _Node:
    element: etree._Element
    key: str  # the signature, term names or not: "TAGS:" with and without tags is one
    pattern: str
    text: str
    selector: str
    span: tuple[int, int]  # where its text lies in the fragment's text
    literal: tuple[str, str] = ("", "")  # key and pattern with term names left as they are


@dataclass
class _Parsed:
    sample: Sample
    text: str
    nodes: list[_Node]


@dataclass
class _Seen:
    """The template occurrences of one signature key, over the samples."""

    items: set[int] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    selectors: set[str] = field(default_factory=set)
    pattern: str = ""
    example: str = ""


def learn(samples: list[Sample]) -> list[DebrisRule]:
    """The drop and keep rules one post type's samples support (see the module docstring)."""
    items = {s.item_id for s in samples}
    if len(items) < MIN_ITEMS:
        return []
    needed = max(MIN_ITEMS, MIN_SHARE * len(items))
    parsed = [_parse(s) for s in samples]
    _prefer_literal(parsed, needed)
    spread: dict[str, set[int]] = defaultdict(set)
    for page in parsed:
        for node in page.nodes:
            spread[node.key].add(page.sample.item_id)
    recurring = {k for k, ids in spread.items() if len(ids) >= needed}
    candidates = {k for k in recurring if _label_like(k)}
    seen, selectors = _template_occurrences(parsed, candidates, recurring)
    rules: list[DebrisRule] = []
    for key in sorted(seen, key=lambda k: (-len(seen[k].items), k)):
        entry = seen[key]
        if len(entry.items) < needed:
            continue
        (selector,) = entry.selectors if len(entry.selectors) == 1 else ("",)
        if _own_class(selector) and selectors[selector] == {True}:
            rules.append(_rule("drop", selector, entry))
        else:
            rules.append(_rule("drop_text", entry.pattern, entry))
    rules += _doubts(parsed, recurring - candidates, spread)
    return _unique(rules)


def _template_occurrences(
    parsed: list[_Parsed], candidates: set[str], recurring: set[str]
) -> tuple[dict[str, _Seen], dict[str, set[bool]]]:
    """The outermost template elements per key, and for each selector whether the elements
    it names were template ({True}: only template, so the selector can be the rule).

    Every recurring element is peeled off the edges (a boilerplate note after the "DOWNLOAD"
    line leaves that line at the end), but only candidates become rules."""
    seen: dict[str, _Seen] = defaultdict(_Seen)
    selectors: dict[str, set[bool]] = defaultdict(set)
    for page in parsed:
        peeled = _at_the_edges(page, recurring)
        taken = {n.element for n in page.nodes if n.element in peeled and n.key in candidates}
        for node in page.nodes:
            selectors[node.selector].add(node.element in taken)
            if node.element not in taken or _stands_for_child(node.element, taken):
                continue
            if any(a in taken and not _stands_for_child(a, taken) for a in _up(node.element)):
                continue
            entry = seen[node.key]
            entry.items.add(page.sample.item_id)
            entry.fields.add(page.sample.field)
            entry.selectors.add(node.selector)
            if "{terms}" in node.pattern or not entry.pattern:
                entry.pattern = node.pattern
            entry.example = entry.example or node.text
    return seen, selectors


def _doubts(parsed: list[_Parsed], keys: set[str], spread: dict[str, set[int]]) -> list[DebrisRule]:
    """Recurring text with more to say than a label: kept, and reported as `keep` rules."""
    rules = []
    for key in sorted(keys, key=lambda k: (-len(spread[k]), k))[:MAX_DOUBTS]:
        if "{" in key:
            continue  # the title or author alone, or echoed data in a longer text
        node = next(n for p in parsed for n in p.nodes if n.key == key)
        doubt = _Seen(items=spread[key], example=node.text)
        doubt.fields = {p.sample.field for p in parsed if any(n.key == key for n in p.nodes)}
        rules.append(_rule("keep", _escaped(node.text), doubt))
    return rules


def _prefer_literal(parsed: list[_Parsed], needed: float) -> None:
    """A text that recurs word for word is a label even when a term shares a word with it:
    "Share this report" stays one label on items in the "Report" category too. (Term names
    alone stay echoes: the categories line.)"""
    spread: dict[str, set[int]] = defaultdict(set)
    for page in parsed:
        for node in page.nodes:
            spread[node.literal[0]].add(page.sample.item_id)
    for page in parsed:
        for node in page.nodes:
            literal, pattern = node.literal
            if node.key != "{terms}" and literal != node.key and len(spread[literal]) >= needed:
                node.key, node.pattern = literal, pattern


def _at_the_edges(page: _Parsed, candidates: set[str]) -> set[etree._Element]:
    """The candidate elements at the start or the end of the fragment, peeled one after the
    other: a "Read More" link followed by a "TAGS:" line ends the text once the line is gone.
    A label in the middle of the text ("Key findings" between paragraphs) is content."""
    taken: set[etree._Element] = set()
    words = [m.start() for m in _WORD.finditer(page.text)]
    changed = True
    while changed:
        changed = False
        first = words[0] if words else len(page.text)
        last = words[-1] if words else -1
        for node in page.nodes:
            start, end = node.span
            if node.key not in candidates or node.element in taken:
                continue
            if first < start and last >= end:
                continue
            taken.add(node.element)
            words = [w for w in words if not start <= w < end]
            changed = True
            break
    return taken


def signature(text: str, facts: ItemFacts, *, terms: bool = True) -> str:
    """`text` with the item's title, term names (unless `terms` is false) and author
    replaced by placeholders."""
    masked = text
    for value, mark in ((facts.title, "\x00T"), (facts.author, "\x00A")):
        if value.strip():
            masked = re.sub(_literal(value), mark, masked, flags=re.I)
    names = sorted({t for t in facts.terms if t.strip()}, key=len, reverse=True)
    if names and terms:
        masked = re.sub("|".join(_literal(n) for n in names), _TERM, masked, flags=re.I)
    masked = _TERM_RUN.sub("{terms}", masked)
    for mark, placeholder in _MARKS.items():
        masked = masked.replace(mark, placeholder)
    return masked


def _parse(sample: Sample) -> _Parsed:
    """Every element of a sample with text (headings only when they echo the item)."""
    if not sample.html.strip():
        return _Parsed(sample, "", [])
    root = lxml_html.fragment_fromstring(sample.html, create_parent="div")
    text_of = _Text()
    spans: dict[etree._Element, tuple[int, int]] = {}
    _walk(root, text_of, spans)
    nodes = []
    for element, span in spans.items():
        if element is root:
            continue
        text = element_text(element)
        if not text or len(text) > MAX_ELEMENT_CHARS:
            continue
        masked = signature(text, sample.facts)
        if element.tag in _HEADINGS and "{" not in masked:
            continue  # "Summary", "Key findings": a report's own headings
        literal = signature(text, sample.facts, terms=False)
        key = " ".join(masked.replace("{terms}", " ").split()) or "{terms}"
        node = _Node(element, key, _pattern(masked), text, _selector(element), span)
        node.literal = (literal, _pattern(literal))
        nodes.append(node)
    return _Parsed(sample, "".join(text_of.pieces), nodes)


class _Text:
    """A fragment's text, built piece by piece, with its length so far."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.length = 0

    def add(self, text: str | None) -> None:
        if text:
            self.pieces.append(text)
            self.length += len(text)


def _walk(element: etree._Element, text: _Text, spans: dict) -> None:
    """The fragment's text, and where each element's text lies in it."""
    if not isinstance(element.tag, str):
        return
    start = text.length
    text.add(element.text)
    for child in element:
        _walk(child, text, spans)
        text.add(child.tail)
    spans[element] = (start, text.length)


def _label_like(key: str) -> bool:
    """Nothing but echoed data and a short constant label."""
    label = key
    for placeholder in ("{title}", "{author}", "{terms}"):
        label = label.replace(placeholder, " ")
    label = " ".join(label.split())
    words = _WORD.findall(label)
    if key == "{terms}":
        return True  # term names run together: the categories line
    if not words:
        return False  # the title or author alone: a heading may repeat it; keep
    return len(words) <= MAX_LABEL_WORDS and len(label) <= MAX_LABEL_CHARS


def _pattern(masked: str) -> str:
    """A drop_text pattern for a signature: literal text, flexible whitespace."""
    parts = re.split(r"(\{title\}|\{terms\}|\{author\})", masked)
    out = []
    for part in parts:
        if part in ("{title}", "{terms}", "{author}"):
            out.append(part)
        elif part.strip():
            out.append(r"\s*".join(_escape(w) for w in part.split()))
        out.append(r"\s*")
    return _squeeze("".join(out))


def _squeeze(pattern: str) -> str:
    while r"\s*\s*" in pattern:
        pattern = pattern.replace(r"\s*\s*", r"\s*")
    return pattern.removeprefix(r"\s*").removesuffix(r"\s*")


def _escape(word: str) -> str:
    """re.escape, with braces escaped too, so no literal reads as a placeholder."""
    return re.escape(word).replace("{", r"\{").replace("}", r"\}")


def _escaped(text: str) -> str:
    return r"\s*".join(_escape(w) for w in text.split())


def _literal(value: str) -> str:
    return r"\s*".join(re.escape(w) for w in value.split())


def _selector(element: etree._Element) -> str:
    classes = sorted(set((element.get("class") or "").split()))
    return element.tag + "".join("." + c for c in classes if re.fullmatch(r"[\w-]+", c))


def _up(element: etree._Element) -> Iterator[etree._Element]:
    return element.iterancestors()


def _stands_for_child(element: etree._Element, taken: set[etree._Element]) -> bool:
    """A bare wrapper (wpautop's <p> around a theme's <span class>) of one template child:
    the child, with a class of its own, names the rule better."""
    if len(element) != 1 or (element.text or "").strip() or (element[0].tail or "").strip():
        return False
    return element[0] in taken and not _own_class(_selector(element))


def _own_class(selector: str) -> bool:
    """A selector with a class of the theme's own: WordPress's block and layout classes
    (`wp-block-group`, `has-text-color`, `alignwide`...) style content too, never only debris."""
    classes = selector.split(".")[1:]
    return any(not c.startswith(_WORDPRESS_CLASSES) for c in classes)


def _rule(kind: str, pattern: str, entry: _Seen) -> DebrisRule:
    return DebrisRule(
        kind=kind,
        pattern=pattern,
        items=len(entry.items),
        example=entry.example,
        fields=tuple(sorted(entry.fields)),
    )


def _unique(rules: list[DebrisRule]) -> list[DebrisRule]:
    out: dict[tuple[str, str], DebrisRule] = {}
    for rule in rules:
        out.setdefault((rule.kind, rule.pattern), rule)
    return list(out.values())


# -- learning while a source streams its records -------------------------------------------


class Facts:
    """Names of the terms and authors a run has seen, to tell what an item echoes."""

    def __init__(self) -> None:
        self.terms: dict[int, str] = {}
        self.authors: dict[int, str] = {}

    def note(self, record: Record) -> None:
        if isinstance(record, Term):
            self.terms[record.id] = _plain(record.name)
        elif isinstance(record, Author):
            self.authors[record.id] = _plain(record.name)

    def of(self, item: Item) -> ItemFacts:
        return ItemFacts(
            title=_plain(item.title),
            terms=tuple(self.terms[t] for t in item.term_ids if t in self.terms),
            author=self.authors.get(item.author_id, "") if item.author_id is not None else "",
        )


class Learner:
    """Holds each post type's first items until they can teach its debris, then yields the
    rules (a LearnedCleaning record) and the items. No request is made for it.

    A type with too few items this run (a sync that read two changed pages) keeps the rules
    an earlier run learned: `state()` is what the next run gets back as `earlier`."""

    def __init__(self, earlier: dict[str, Any] | None = None, learn_from: int = LEARN_FROM):
        self.learn_from = learn_from
        self.facts = Facts()
        self.held: dict[str, list[Item]] = {}
        self.learned: dict[str, list[DebrisRule]] = {}
        self.earlier = {
            post_type: [_rule_from(r) for r in rules]
            for post_type, rules in (earlier or {}).items()
            if isinstance(rules, list)
        }

    def stream(self, records: Iterable[Record]) -> Iterator[Record]:
        for record in records:
            self.facts.note(record)
            if not isinstance(record, Item) or record.type in self.learned:
                yield record
                continue
            held = self.held.setdefault(record.type, [])
            held.append(record)
            if len(held) >= self.learn_from:
                yield from self._release(record.type)
        for post_type in list(self.held):
            yield from self._release(post_type)

    def state(self) -> dict[str, list[dict[str, Any]]]:
        """The rules per type, for the next run (a checkpoint's JSON)."""
        rules = {**self.earlier, **self.learned}
        return {t: [dataclasses.asdict(r) for r in rules[t]] for t in sorted(rules)}

    def _release(self, post_type: str) -> Iterator[Record]:
        items = self.held.pop(post_type)
        samples = []
        for item in items:
            facts = self.facts.of(item)
            samples.append(Sample(item.id, "content", item.content_html, facts))
            samples.append(Sample(item.id, "excerpt", item.excerpt_html, facts))
        if len(items) >= MIN_ITEMS or post_type not in self.earlier:
            self.learned[post_type] = learn(samples)
        else:
            self.learned[post_type] = self.earlier[post_type]
        if self.learned[post_type]:
            yield LearnedCleaning(post_type, self.learned[post_type])
        yield from items


def _rule_from(data: dict[str, Any]) -> DebrisRule:
    return DebrisRule(
        kind=str(data.get("kind", "")),
        pattern=str(data.get("pattern", "")),
        items=int(data.get("items", 0)),
        example=str(data.get("example", "")),
        fields=tuple(data.get("fields", ())),
    )


def _plain(html_text: str) -> str:
    return " ".join(_html.unescape(_TAGS.sub("", html_text or "")).split())
