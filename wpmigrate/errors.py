"""Errors a user can act on. The CLI prints their message on one line and exits non-zero."""


class WPMigrateError(Exception):
    """Base for every error that is the input's fault, not a bug: shown without a traceback."""


class SourceError(WPMigrateError):
    """The source (file, site) could not be read."""


class ArchiveError(WPMigrateError):
    """The archive path is unusable: not SQLite, wrong site, newer schema, busy..."""


class MappingError(WPMigrateError):
    """A mapping file is invalid."""
