"""Start-up: loading the command line imports no library a command may not need.

`wpmigrate --help`, `--version`, `query` and `search` are what a shell or cron job runs
most; each command imports the archive (sqlite-utils), the HTTP client (requests) or the
HTML parser (lxml) when it runs, not when the command line is loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "research-library.xml"
HEAVY = ("sqlite_utils", "requests", "lxml", "tabulate", "wpmigrate.archive")


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running `code` (a None entry in
    sys.modules is one kept out)."""
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted(k for k, v in sys.modules.items() if v is not None)))"
    )
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


def test_a_command_does_not_import_numpy(tmp_path):
    """sqlite-utils imports numpy when installed; the command line keeps it out."""
    archive = tmp_path / "library.db"
    code = (
        "import sys\n"
        f"sys.argv = ['wpmigrate', 'export', {str(SAMPLE)!r}, {str(archive)!r}, '--quiet']\n"
        "from wpmigrate.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    loaded = modules_after(code)
    assert "sqlite_utils" in loaded and "numpy" not in loaded
