"""wpmigrate: a WordPress site's content in a clean, queryable SQLite archive."""

# The one place the version is written: pyproject.toml reads it from here.
__version__ = "0.2.0"
