"""Errors that name the argument as the user typed it.

The library's :class:`~asymptotics.validation.InputError` names its own parameters (``sigma_b``,
``a``); on the command line the user typed ``--sigma-b`` or ``--alpha``.  :func:`as_typed` re-raises
such errors with the option string: a library name that is an option's destination becomes that
option (``sigma_b`` -> ``--sigma-b``), and ``aliases`` covers names that differ (leaky_relu's slope
``a`` is the user's ``--alpha``).
"""
from __future__ import annotations

import contextlib

from asymptotics.validation import InputError


def option_name(args, argument: str, aliases=None) -> str:
    aliases = aliases or {}
    if argument in aliases:
        return aliases[argument]
    dest = argument.replace("-", "_")
    if argument.startswith("-") or dest not in vars(args):
        return argument
    return "--" + dest.replace("_", "-")


@contextlib.contextmanager
def as_typed(args, aliases=None):
    """Within the block, InputErrors name the command-line option the user typed."""
    try:
        yield
    except InputError as err:
        typed = option_name(args, err.argument, aliases)
        if typed == err.argument:
            raise
        raise InputError(typed, err.problem) from None
