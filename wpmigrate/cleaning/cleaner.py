"""``Cleaner``: the configured steps, composed, plus text, excerpts and titles."""

from __future__ import annotations

import html as _html
from collections.abc import Callable

from .comments import strip_block_comments, strip_more_markers
from .config import DEFAULT_CONFIG, CleaningConfig
from .entities import decode_entities
from .markup import drop_scripts
from .shortcodes import unwrap_shortcodes
from .teasers import strip_screen_reader_text, strip_teasers, teaser_rules
from .text import ANY_TAG_RE, html_to_text
from .whitespace import normalise_space

STEPS: dict[str, Callable[[str, CleaningConfig], str]] = {
    "strip_block_comments": strip_block_comments,
    "strip_more_markers": strip_more_markers,
    "unwrap_shortcodes": unwrap_shortcodes,
    "strip_teasers": strip_teasers,
    "strip_screen_reader_text": strip_screen_reader_text,
    "decode_entities": decode_entities,
    "normalise_space": normalise_space,
}


_EXCERPT_TRIM = " ,;:-–—"


class Cleaner:
    """Applies a :class:`CleaningConfig` to content, excerpts and titles."""

    def __init__(self, config: CleaningConfig = DEFAULT_CONFIG):
        self.config = config
        self._steps = tuple(STEPS[name] for name in config.steps)
        self._excerpt_steps = self._steps
        if "strip_teasers" not in config.steps:
            self._excerpt_steps = (*self._steps, strip_teasers)
        self._rules = teaser_rules(config.teasers)

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
        return html_to_text(html or "")

    def clean_excerpt(self, html: str | None) -> str:
        """An excerpt as plain text without teaser debris (teasers always stripped)."""
        text = html_to_text(self._run(html, self._excerpt_steps))
        return self._rules.strip_text(text)

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
