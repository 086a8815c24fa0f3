"""Errors a user can act on.

Everything raised on purpose derives from GuideGraphError and carries a
one-line message; the CLI and the server turn these into clean messages and
status codes, so users never see a traceback for bad input.

Exit statuses: 2 bad input or usage, 3 the store refused or failed, 74 (EX_IOERR)
the machine refused a file operation (FileSystemError), 70 a bug in guidegraph.
"""


class GuideGraphError(Exception):
    """Base class: a problem the user can fix (bad input, bad usage)."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(GuideGraphError):
    """An input file cannot be read or understood (encoding, format, empty...)."""


class UsageError(GuideGraphError):
    """The command or request was called with options that do not fit."""


class StoreError(GuideGraphError):
    """The triple store refused or failed an operation."""

    exit_code = 3


class FileSystemError(GuideGraphError):
    """The machine refused a file operation: no space left, a read-only file system,
    no permission, a missing directory. Nothing is wrong with the input; the message
    names the path and what to do."""

    exit_code = 74  # EX_IOERR in sysexits.h: an error while doing I/O on a file

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason  # one of FILESYSTEM_REASONS' keys, or "io"


# What each kind of refusal is called, how it shows in the store engine's (RocksDB's) messages,
# and what the user can do about it.
FILESYSTEM_REASONS = {
    "no-space": ("no space left on the device", ("No space left on device", "Disk quota exceeded"),
                 "free some space and try again"),
    "read-only": ("the file system is read-only", ("Read-only file system",),
                  "mount it read-write or choose another location"),
    "permission": ("permission denied", ("Permission denied", "Operation not permitted"),
                   "fix the permissions or choose another location"),
    "missing": ("a directory on the path does not exist", ("No such file or directory", "Not a directory"),
                "create it or correct the path"),
}

_REASON_BY_ERRNO = {
    "ENOSPC": "no-space", "EDQUOT": "no-space", "EROFS": "read-only", "EACCES": "permission", "EPERM": "permission",
    "ENOENT": "missing", "ENOTDIR": "missing",
}


def filesystem_reason(exc: OSError) -> str | None:
    """The kind of environment fault an OSError is, or None when it is something else."""
    import errno

    name = errno.errorcode.get(exc.errno or 0)
    return _REASON_BY_ERRNO.get(name or "")


def reason_in_message(message: str) -> str | None:
    """The kind of environment fault a message (from a library that lost the errno) describes."""
    for reason, (_, phrases, _) in FILESYSTEM_REASONS.items():
        if any(phrase in message for phrase in phrases):
            return reason
    return None


def filesystem_error(reason: str, doing: str, path, advice: str | None = None) -> FileSystemError:
    """``cannot <doing> <path>: <what is wrong>; <what to do>``."""
    what, _, default_advice = FILESYSTEM_REASONS[reason]
    return FileSystemError(f"cannot {doing} {path}: {what}; {advice or default_advice}", reason=reason)


def from_os_error(exc: OSError, doing: str, path=None) -> FileSystemError | None:
    """The FileSystemError for an environment OSError (naming ``path``, else the file the error
    names), or None when the error is of another kind."""
    reason = filesystem_reason(exc)
    if reason is None:
        return None
    return filesystem_error(reason, doing, path if path is not None else exc.filename)
