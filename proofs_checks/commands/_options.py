"""Shared option conventions of the subcommands.

Lists (depths, correlations): ``--depth 10 100 1e4``, repeats allowed (``--depth 10 --depth 100``
gives the same), commas accepted by the commands' parsers; a value given on the command line
replaces the default instead of being appended to it (argparse's 'extend' would append).
"""
from __future__ import annotations

import argparse


class ExtendList(argparse.Action):
    """nargs='+' values collected over repeats; the default only when the option is absent."""

    def __init__(self, option_strings, dest, nargs="+", **kwargs):
        super().__init__(option_strings, dest, nargs=nargs, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        flag = f"_{self.dest}_given_on_command_line"
        items = list(getattr(namespace, self.dest) or []) if getattr(namespace, flag, False) else []
        items.extend(values)
        setattr(namespace, self.dest, items)
        setattr(namespace, flag, True)
