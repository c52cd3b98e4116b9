"""The ``ntk-verify`` command line.

Each subcommand lives in ``proofs_checks/commands/<name>.py`` and exposes
``register(subparsers)``, which adds its parser and sets ``func(args) -> int``.
Bad input ends in a one-line error that names the argument and exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from asymptotics.validation import ComputationError, InputError

# Subcommand modules, in the order they appear in --help.
COMMANDS = ["kernel", "eoc", "series", "claims", "limit", "finite_width", "sweep"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, like InputError
        self.exit(2, f"ntk-verify: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ntk-verify", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"proofs_checks.commands.{name}")
        except ModuleNotFoundError as err:
            if err.name == f"proofs_checks.commands.{name}":
                continue  # not written yet
            raise
        module.register(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
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
