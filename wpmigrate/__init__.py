"""wpmigrate: a WordPress site's content in a clean, queryable SQLite archive."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wpmigrate")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0+unknown"
