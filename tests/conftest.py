"""Shared pytest setup: the real WordPress test site (see tests/wordpress/harness.py)."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest


def _load_harness():
    name = "wpmigrate_wordpress_harness"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).parent / "wordpress" / "harness.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


wp_harness = _load_harness()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "wordpress: needs the real WordPress test site (Debian wordpress, mariadb-server, php)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "wordpress" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.wordpress)


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """In CI no test may skip: a skip there is a failure, whatever raised it."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which runs every test: {reason}"


@pytest.fixture(scope="session")
def wordpress():
    """A started, seeded ``WordPressSite`` shared by the session (call ``reset()`` after edits)."""
    missing = wp_harness.missing_requirements()
    if missing:
        message = (
            "REAL WORDPRESS TESTS NOT RUN - missing: "
            + "; ".join(missing)
            + f". Install with: apt-get install {wp_harness.APT_PACKAGES}"
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    site = wp_harness.WordPressSite()
    site.start()
    try:
        yield site
    finally:
        site.stop()
