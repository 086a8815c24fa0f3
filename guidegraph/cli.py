"""The one command, ``guidegraph``, and its subcommands.

Each subcommand lives in its own module under ``guidegraph.commands`` with
``add_parser(subparsers)`` and ``run(args) -> int``. Errors the user can fix
(GuideGraphError) print one line and exit with the error's status (2 bad input,
3 store, 74 the machine refused a file operation: no space, read-only, no
permission, a missing directory); anything else prints one line naming the fault
and exits 70, with the traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from guidegraph import __version__, allocator
from guidegraph.errors import GuideGraphError, from_os_error

# Order here is the order in --help.
COMMAND_MODULES = (
    "outline",
    "ingest",
    "load",
    "serve",
    "dump",
    "query",
    "ontology",
    "validate",
    "diff",
)


class OneLineErrorParser(argparse.ArgumentParser):
    """Usage mistakes get one line (what is wrong, where to look), exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="guidegraph",
        description="Turn Chinese S&T funding guides (申报指南) into a linked-data knowledge graph and publish it.",
    )
    parser.add_argument("--version", action="version", version=f"guidegraph {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"guidegraph.commands.{name}")
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    if argv is None and getattr(args, "native_heavy", lambda _: False)(args):
        # Started as a program (not called from Python): bulk work runs on a faster malloc.
        allocator.restart_with_preload(sys.argv[1:])
    try:
        return int(args.run(args) or 0)
    except GuideGraphError as exc:
        print(f"guidegraph: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("guidegraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # The machine refusing a file operation no command turned into a FileSystemError itself.
        error = from_os_error(exc, "use", exc.filename) if exc.filename else None
        if error is None:
            return _internal_error(exc, args.debug)
        print(f"guidegraph: error: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as exc:  # noqa: BLE001 - the last line of defence against tracebacks
        return _internal_error(exc, args.debug)


def _internal_error(exc: BaseException, debug: bool) -> int:
    if debug:
        traceback.print_exc()
    print(f"guidegraph: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
    return 70


if __name__ == "__main__":
    sys.exit(main())
