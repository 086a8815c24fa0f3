"""Errors a user can act on.

Everything raised on purpose derives from GuideGraphError and carries a
one-line message; the CLI and the server turn these into clean messages and
status codes, so users never see a traceback for bad input.
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
