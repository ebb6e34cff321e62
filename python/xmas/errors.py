"""Exceptions raised by xmas.

Every error from the library carries the same one-line message the command
line prints after ``xmas: error:`` -- it names the file, the record (index
and id) and the field, e.g.::

    data.json: record 17 (id 'abc'): field 'conversations': expected an array

The classes also derive from the matching built-in exception, so
``except ValueError`` or ``except FileNotFoundError`` work as expected.
"""


class Error(Exception):
    """Base class of every xmas error."""


class DataError(Error, ValueError):
    """The input data is malformed or breaks a limit (the CLI's exit code 1)."""


class NotFoundError(Error, FileNotFoundError):
    """A file, feature or key does not exist."""


class FileError(Error, OSError):
    """Reading or writing a file failed."""


class UsageError(Error, ValueError):
    """Arguments are inconsistent (the CLI's exit code 2)."""


class InternalError(Error, RuntimeError):
    """A bug or a broken invariant in xmas."""


__all__ = ["Error", "DataError", "NotFoundError", "FileError", "UsageError", "InternalError"]
