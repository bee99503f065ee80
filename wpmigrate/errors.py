"""Errors a user can act on. The CLI prints their message on one line and exits non-zero."""


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


class DownloadsFailed(WPMigrateError):
    """`--media`: the run is archived, but some files could not be downloaded (exit 3)."""

    exit_code = 3
