"""Progress on a terminal (counts, rate, ETA); silent with --quiet or when stderr is piped."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, label: str, *, enabled: bool | None = None, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label = label
        self.count = 0
        self.fraction: float | None = None
        self.total: int | None = None
        self.started = time.monotonic()
        self._last_draw = 0.0

    def advance(self, n: int = 1, *, fraction: float | None = None) -> None:
        """Count `n` more done; `fraction` (0..1) of the whole, when known, drives the ETA."""
        self.count += n
        if fraction is not None:
            self.fraction = fraction
        now = time.monotonic()
        if self.enabled and now - self._last_draw >= 0.2:
            self._last_draw = now
            self._draw(now)

    def set_total(self, total: int) -> None:
        """How many there are in all, when known up front: the ETA then follows the count."""
        self.total = total

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.count / elapsed
        fraction = self.fraction
        if fraction is None and self.total:
            fraction = self.count / self.total
        line = f"{self.label}: {self.count:,} · {rate:,.0f}/s"
        if fraction and 0 < fraction < 1:
            remaining = elapsed * (1 - fraction) / fraction
            line += f" · ETA {_clock(remaining)}"
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
