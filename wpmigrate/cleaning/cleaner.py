"""``Cleaner``: the configured steps, composed, plus text, excerpts and titles."""

from __future__ import annotations

import html as _html
from collections.abc import Callable

from .comments import strip_block_comments, strip_more_markers
from .config import DEFAULT_CONFIG, CleaningConfig
from .entities import decode_entities
from .markup import drop_scripts
from .removals import Removals
from .shortcodes import unwrap_shortcodes
from .teasers import strip_screen_reader_text, strip_teasers, teaser_rules
from .text import ANY_TAG_RE, html_to_text
from .whitespace import normalise_space

STEPS: dict[str, Callable[..., str]] = {
    "strip_block_comments": strip_block_comments,
    "strip_more_markers": strip_more_markers,
    "unwrap_shortcodes": unwrap_shortcodes,
    "strip_teasers": strip_teasers,
    "strip_screen_reader_text": strip_screen_reader_text,
    "decode_entities": decode_entities,
    "normalise_space": normalise_space,
}
#: The steps that remove text a reader would see; they take a ``removals`` list and report
#: what they removed to it (the others remove markup only: comments, markers, empty ``<p>``).
REPORTING_STEPS = frozenset({"unwrap_shortcodes", "strip_teasers", "strip_screen_reader_text"})


_EXCERPT_TRIM = " ,;:-–—"


class Cleaner:
    """Applies a :class:`CleaningConfig` to content, excerpts and titles."""

    def __init__(self, config: CleaningConfig = DEFAULT_CONFIG):
        self.config = config
        names = config.steps
        self._steps = self._plan(names)
        self._excerpt_steps = (
            self._steps if "strip_teasers" in names else self._plan((*names, "strip_teasers"))
        )
        self._rules = teaser_rules(config.teasers)

    @staticmethod
    def _plan(names: tuple[str, ...]) -> tuple[tuple[Callable[..., str], bool], ...]:
        return tuple((STEPS[name], name in REPORTING_STEPS) for name in names)

    def _run(self, html: str | None, steps, removals: Removals | None) -> str:
        if not html:
            return ""
        html = drop_scripts(html, removals)
        config = self.config
        for step, reports in steps:
            html = step(html, config, removals) if reports else step(html, config)
        return html

    def clean_html(self, html: str | None, removals: Removals | None = None) -> str:
        """Run the configured steps (scripts/styles are always dropped); what went that a
        reader would have seen is appended to ``removals`` as ``(rule, text)``."""
        return self._run(html, self._steps, removals)

    def to_text(self, html: str | None) -> str:
        """Plain text of (cleaned) HTML, paragraphs separated by a blank line."""
        return html_to_text(html or "")

    def clean_excerpt(self, html: str | None, removals: Removals | None = None) -> str:
        """An excerpt as plain text without teaser debris (teasers always stripped); what
        went is appended to ``removals`` as in :meth:`clean_html`."""
        text = html_to_text(self._run(html, self._excerpt_steps, removals))
        return self._rules.strip_text(text, removals)

    def split_excerpt(self, text: str) -> tuple[str, str]:
        """A clean excerpt's teaser, and what follows a teaser phrase inside it."""
        return self._rules.split_excerpt(text)

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
            s = ANY_TAG_RE.sub("", drop_scripts(s))
        for _ in range(2):
            if "&" not in s:
                break
            s = _html.unescape(s)
        return " ".join(s.split())
