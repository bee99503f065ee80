"""Errors a user can act on. The CLI prints their message on one line and exits non-zero."""

import errno
import sqlite3


class WPMigrateError(Exception):
    """Base for every error that is the input's fault, not a bug: shown without a traceback."""

    exit_code = 1  # what the command exits with


class SourceError(WPMigrateError):
    """The source (file, site) could not be read; `status` and `code` say how a server
    refused (HTTP status, WordPress error code), when one did."""

    def __init__(self, message: str, *, status: int | None = None, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def http_reason(self) -> str | None:
        """ "HTTP 403 rest_disabled", or None when no server answered with an error."""
        if self.status is None:
            return None
        return f"HTTP {self.status}{' ' + self.code if self.code else ''}"


class ArchiveError(WPMigrateError):
    """The archive path is unusable: not SQLite, wrong site, newer schema, busy..."""


class MappingError(WPMigrateError):
    """A mapping file is invalid."""


def describe_failure(exc: Exception) -> str:
    """One line for any error that reached the CLI, naming its cause: never a traceback."""
    if isinstance(exc, WPMigrateError):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL":
            return f"the disk is full ({exc}): free some space and run the command again"
        return f"the archive cannot be used ({exc})"
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"the disk is full ({exc.strerror}{where}): free some space and run again"
        return f"{exc.strerror or exc}{where}"
    return f"unexpected {type(exc).__name__}: {exc} (a bug in wpmigrate: please report it)"


class DownloadsFailed(WPMigrateError):
    """`--media`: the run is archived, but some files could not be downloaded (exit 3)."""

    exit_code = 3
