"""``CleaningConfig``: which steps run and their knobs (the TOML ``[cleaning]`` table)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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


class CleaningConfigError(ValueError):
    """A bad ``[cleaning]`` table (unknown key or step, bad value)."""


_CONFIG_KEYS = ("steps", "teasers", "unknown_shortcodes", "excerpt_words")


def _validated(steps, teasers, unknown_shortcodes, excerpt_words, source: str) -> tuple:
    where = f"{source}: [cleaning]"
    if isinstance(steps, str) or not isinstance(steps, (list, tuple)):
        raise CleaningConfigError(f"{where} steps must be a list of step names, got {steps!r}")
    seen: set[str] = set()
    for name in steps:
        if not isinstance(name, str) or name not in DEFAULT_STEPS:
            known = ", ".join(DEFAULT_STEPS)
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


DEFAULT_CONFIG = CleaningConfig()
