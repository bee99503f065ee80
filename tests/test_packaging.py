"""What users install is the wheel: build it, install it on its own, run the quick start.

Nothing here imports wpmigrate from the source tree: the commands run from a folder outside
the checkout, in a venv whose only wpmigrate is the installed wheel.
"""

from __future__ import annotations

import ast
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from wpmigrate import __version__

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "research-library.xml"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, and the wheel built from that sdist, as `python -m build` makes them."""
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("src") / "wpmigrate"
    # Build from a copy of the tracked files, so no build/ or egg-info lands in the checkout
    # and nothing untracked sneaks into the artefacts.
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, tracked):
        path = ROOT / name.decode()
        if path.is_file():
            target = source / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        check=True,
        timeout=300,
    )
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (not editable); returns its bin folder."""
    venv = tmp_path_factory.mktemp("venv")
    # The dependencies come from the machine's site-packages; the wheel itself from `dist`.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    wheel = next(dist.glob("wpmigrate-*.whl"))
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    return venv / "bin"


def run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / args[0]), *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        # No proxy reachable: a command that tried the network would fail, not hang.
        env={"PATH": str(bin_dir), "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": ""},
    )


def test_the_wheel_ships_the_default_mapping_and_no_tests(dist: Path):
    wheel = next(dist.glob("wpmigrate-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "wpmigrate/default_mapping.toml" in names
    assert "wpmigrate/py.typed" in names
    assert not any(name.startswith(("tests/", "bench/", "mappings/")) for name in names)
    assert wheel.name == f"wpmigrate-{__version__}-py3-none-any.whl"


def test_the_sdist_holds_what_the_quick_start_and_tests_need(dist: Path):
    sdist = next(dist.glob("wpmigrate-*.tar.gz"))
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for needed in (
        "wpmigrate/default_mapping.toml",
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "samples/research-library.xml",
        "mappings/research-library.toml",
    ):
        assert needed in names, needed


def test_the_installed_package_runs_from_outside_the_checkout(installed: Path, tmp_path: Path):
    where = run(installed, tmp_path, "python", "-c", "import wpmigrate; print(wpmigrate.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.parent)


def test_quick_start_from_the_installed_wheel(installed: Path, tmp_path: Path):
    sample = tmp_path / "site.xml"
    shutil.copy(SAMPLE, sample)

    version = run(installed, tmp_path, "wpmigrate", "--version")
    assert version.stdout == f"wpmigrate, version {__version__}\n"

    helped = run(installed, tmp_path, "wpmigrate", "--help")
    assert helped.returncode == 0 and "export" in helped.stdout

    exported = run(installed, tmp_path, "wpmigrate", "export", "site.xml", "library.db", "-q")
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == ""

    queried = run(
        installed,
        tmp_path,
        "wpmigrate",
        "query",
        "library.db",
        "select count(*) as n from items where type = 'publication'",
        "--csv",
    )
    assert queried.returncode == 0, queried.stderr
    with sqlite3.connect(tmp_path / "library.db") as conn:
        (count,) = conn.execute("select count(*) from items where type = 'publication'").fetchone()
    assert count > 0
    assert queried.stdout.splitlines() == ["n", str(count)]


def _third_party_imports() -> set[str]:
    stdlib = set(sys.stdlib_module_names)
    found = set()
    for path in (ROOT / "wpmigrate").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            found.update(name.split(".")[0] for name in names)
    return {name for name in found if name not in stdlib and name != "wpmigrate"}


def _declared() -> set[str]:
    requirements = PYPROJECT["project"]["dependencies"]
    return {Requirement(spec).name.lower().replace("_", "-") for spec in requirements}


def _imported_distributions() -> set[str]:
    distributions = packages_distributions()
    return {
        dist.lower().replace("_", "-")
        for module in _third_party_imports()
        for dist in distributions[module]
    }


def test_every_imported_package_is_a_declared_dependency():
    assert _imported_distributions() - _declared() == set()


def test_every_declared_dependency_is_imported():
    assert _declared() - _imported_distributions() == set()
