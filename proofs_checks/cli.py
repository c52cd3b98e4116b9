"""The ntk-verify command line: NNGP/NTK kernels, Edge of Chaos, depth laws and the claim checks.

Each subcommand lives in ``proofs_checks/commands/<name>.py`` and exposes
``register(subparsers)``, which adds its parser and sets ``func(args) -> int``.
Only the module of the command being run is imported (``--help`` imports them all,
each cheap: heavy imports sit inside the command functions).
Bad input ends in a one-line error that names the argument and exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from asymptotics.validation import ComputationError, InputError

# Subcommand modules, in the order they appear in --help.
COMMANDS = ["kernel", "eoc", "series", "claims", "limit", "finite_width", "quantities", "sweep"]
# Command name -> its module, for importing only the one being run.
COMMAND_MODULE = {"kernel": "kernel", "eoc": "eoc", "series": "series", "claims": "claims", "check": "claims",
                  "report": "claims", "limit": "limit", "finite-width": "finite_width",
                  "deep-narrow": "finite_width", "quantities": "quantities",
                  "phase-diagram": "sweep", "sweep": "sweep"}

# Commands without the periodic 'running' line on non-terminals (see proofs_checks.progress).
QUIET_COMMANDS = {"claims", "check", "report"}


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("ntk-verify")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown (not installed)"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like InputError
        self.exit(2, f"ntk-verify: error: {message}\n")


def _chosen_command(argv):
    """The module of the command named in argv (first token that is not an option), else None."""
    for token in argv:
        if not token.startswith("-"):
            return COMMAND_MODULE.get(token)
    return None


def build_parser(only=None) -> argparse.ArgumentParser:
    """The parser with every subcommand, or with the one in module ``only``."""
    parser = _Parser(prog="ntk-verify", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [only] if only else COMMANDS:
        try:
            module = importlib.import_module(f"proofs_checks.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"proofs_checks.commands.{name}":
                continue  # not written yet
            raise
        module.register(sub)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_chosen_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        if args.command in QUIET_COMMANDS:  # they report progress themselves, or are quick
            return int(args.func(args) or 0)
        from proofs_checks.progress import heartbeat

        with heartbeat(f"ntk-verify {args.command}"):
            return int(args.func(args) or 0)
    except InputError as err:
        print(f"ntk-verify: error: {err}", file=sys.stderr)
        return 2
    except ComputationError as err:  # valid input, but a numerical method did not reach its accuracy
        print(f"ntk-verify: computation failed: {err}", file=sys.stderr)
        return 3
    except BrokenPipeError:  # output piped into head & co.
        return 0
    except KeyboardInterrupt:
        print("ntk-verify: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
