"""Running the CLI in the test's own process: the exit code and what went to stderr."""

from __future__ import annotations

import sys

from wpmigrate import cli


def wpmigrate(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["wpmigrate", *map(str, args)])
    try:
        cli.main()
    except SystemExit as exc:
        return exc.code or 0, capsys.readouterr().err
    return 0, capsys.readouterr().err
