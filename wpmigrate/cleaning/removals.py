"""What a cleaning step removed: ``(rule, text)`` pairs for the archive's ``removed`` table.

A step that removes text a reader would see takes an optional ``removals`` list and appends
to it only when it actually removes something, so its fast path (trigger absent) costs
nothing.  Comments, block delimiters, more markers and empty paragraphs carry no text and
are not reported.
"""

from __future__ import annotations

MAX_REMOVED_CHARS = 500  # the removed table keeps the run of text, not whole pages

#: ``(rule, text)`` pairs, e.g. ``("cleaning teaser", "… Read more")``.
Removals = list[tuple[str, str]]


def note_text(removals: Removals | None, rule: str, text: str) -> None:
    """Record plain ``text`` (stripped, capped) under ``rule``; nothing when it is blank."""
    if removals is not None:
        text = text.strip()
        if text:
            removals.append((rule, text[:MAX_REMOVED_CHARS]))


def note_html(removals: Removals | None, rule: str, fragment: str) -> None:
    """Record the text a reader sees in an HTML ``fragment`` under ``rule``."""
    if removals is not None:
        from .text import html_to_text  # here: text.py imports markup.py, which imports us

        note_text(removals, rule, html_to_text(fragment))
