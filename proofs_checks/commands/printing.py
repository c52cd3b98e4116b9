"""``--max-digits``, shared by the commands that print :class:`~asymptotics.accuracy.Approx` values.

By default every supported digit is shown (no cap); ``--max-digits N`` caps the significant digits
shown, the rounding going into the printed radius (see :func:`asymptotics.accuracy.format_approx`).
Use: ``add_max_digits(parser)`` when registering, ``with max_digits_from(args): ...`` around printing.
"""
from __future__ import annotations

from asymptotics.accuracy import max_digits_shown
from asymptotics.validation import InputError


def add_max_digits(parser) -> None:
    parser.add_argument("--max-digits", default=None, metavar="N",
                        help="show at most N significant digits (default: every supported digit)")


def max_digits_from(args):
    """The context in which the command prints, from ``args.max_digits``."""
    text = getattr(args, "max_digits", None)
    if text is None:
        return max_digits_shown(None)
    try:
        value = int(str(text).strip())
    except ValueError:
        raise InputError("--max-digits", f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise InputError("--max-digits", f"must be >= 1, got {text!r}")
    return max_digits_shown(value)
