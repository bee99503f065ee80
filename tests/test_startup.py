"""Start-up: loading the command line imports no library a command may not need.

`wpmigrate --help`, `--version`, `query` and `search` are what a shell or cron job runs
most; each command imports the archive (sqlite-utils), the HTTP client (requests) or the
HTML parser (lxml) when it runs, not when the command line is loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlite_utils", "requests", "lxml", "tabulate", "wpmigrate.archive")


def modules_after(code: str) -> set[str]:
    """The top-level names in sys.modules of a fresh interpreter after running `code`."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_loading_the_command_line_imports_no_heavy_library():
    loaded = modules_after("import wpmigrate.cli")
    assert sorted(name for name in HEAVY if name in loaded) == []


def test_version_and_help_import_no_heavy_library():
    for argv in (["--version"], ["--help"], ["export", "--help"], ["convert", "--help"]):
        code = (
            "import sys\n"
            f"sys.argv = ['wpmigrate', *{argv!r}]\n"
            "from wpmigrate.cli import cli\n"
            "cli.main(standalone_mode=False)"
        )
        loaded = modules_after(code)
        assert (argv, sorted(name for name in HEAVY if name in loaded)) == (argv, [])
