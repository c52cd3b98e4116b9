"""``ntk-verify eoc``: Edge-of-Chaos point, EOC curve, phase of (sigma_b, sigma_w), f^(j)(1), depth runs.

Examples::

    ntk-verify eoc --activation tanh --sigma-b 0.2 --digits 30
    ntk-verify eoc --activation tanh --curve 0:1:0.1 --digits 20
    ntk-verify eoc --activation tanh --sigma-b 0.2 --sigma-w 1.298          # phase of a given point
    ntk-verify eoc --activation tanh --sigma-b 0.2 --derivatives 6          # f^(j)(1), j <= 6, on the EOC
    ntk-verify eoc --activation tanh --sigma-b 0.2 --depth 1e6 --c 0.5      # c^l and f'(c^l) on the EOC
"""
from __future__ import annotations

import json
import sys
from fractions import Fraction

from asymptotics.accuracy import format_approx
from proofs_checks.commands.printing import add_max_digits, max_digits_from
from asymptotics.validation import InputError, check_depth, check_digits


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "eoc",
        help="Edge of Chaos: q*, chi_1, sigma_w(sigma_b), phases, depth scales, f^(j)(1)",
        description="Edge-of-Chaos solver for any registered activation (tanh, erf, gelu, softplus, sigmoid, "
                    "swish, relu family). Every number is printed with the digits its accuracy supports.",
    )
    p.add_argument("--activation", default="tanh")
    p.add_argument("--sigma-b", default=None, help="bias standard deviation (default 0.2)")
    p.add_argument("--sigma-w", default=None, help="classify the phase of (sigma_b, sigma_w) instead of solving")
    p.add_argument("--curve", default=None, metavar="START:STOP:STEP",
                   help="tabulate the EOC curve sigma_w(sigma_b) for sigma_b = START, START+STEP, ..., STOP")
    p.add_argument("--derivatives", default=None, metavar="J", help="also print f^(j)(1) for j <= J on the EOC")
    p.add_argument("--depth", action="append", default=None,
                   help="correlation depth run on the EOC to these depths (tanh; repeatable, e.g. 1e6)")
    p.add_argument("--c", default="0.5", help="starting correlation c^1 for --depth (default 0.5)")
    p.add_argument("--digits", default=None, help="target digits (default 30; the curve defaults to 20)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_max_digits(p)
    p.set_defaults(func=run)


def parse_range(text: str) -> list:
    """'0:1:0.1' -> [0, 0.1, ..., 1] as decimal strings (exact steps, stop included)."""
    parts = str(text).split(":")
    if len(parts) != 3:
        raise InputError("curve", f"expected START:STOP:STEP, got {text!r}")
    try:
        start, stop, step = (Fraction(x.strip()) for x in parts)
    except (ValueError, ZeroDivisionError):
        raise InputError("curve", f"START, STOP and STEP must be decimal numbers, got {text!r}") from None
    if step <= 0:
        raise InputError("curve", f"STEP must be > 0, got {parts[2]!r}")
    if start < 0 or stop < start:
        raise InputError("curve", f"need 0 <= START <= STOP, got {text!r}")
    count = int((stop - start) / step) + 1
    if count > 200:
        raise InputError("curve", f"{count} points requested; at most 200")
    return [_decimal(start + k * step) for k in range(count)]


def _decimal(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    text = f"{float(x):.15g}"
    return text if Fraction(text) == x else str(float(x))


def run(args) -> int:
    with max_digits_from(args):
        return _run(args)


def _run(args) -> int:
    from asymptotics import eoc

    if args.curve is not None:
        if args.sigma_w is not None or args.depth:
            raise InputError("curve", "--curve cannot be combined with --sigma-w or --depth")
        digits = check_digits("digits", args.digits if args.digits is not None else 20)
        points = eoc.eoc_curve(args.activation, parse_range(args.curve), digits)
        if args.json:
            _dump([pt.as_dict() for pt in points])
            return 0
        print(f"EOC curve of {points[0].activation if points else args.activation} ({digits} digits requested)")
        print(f"{'sigma_b':>8}  {'sigma_w':<52} {'q*'}")
        for pt in points:
            q = format_approx(pt.q_star) if pt.q_star is not None else "-"
            print(f"{pt.sigma_b:>8}  {format_approx(pt.sigma_w):<52} {q}")
        return 0
    digits = check_digits("digits", args.digits if args.digits is not None else 30)
    sigma_b = args.sigma_b if args.sigma_b is not None else "0.2"
    if args.sigma_w is not None:
        phase = eoc.classify(args.activation, sigma_b, args.sigma_w, min(digits, 30))
        if args.json:
            _dump(phase.as_dict())
            return 0
        print(f"{phase.activation}, sigma_b = {phase.sigma_b}, sigma_w = {phase.sigma_w}: {phase.phase.upper()}")
        for name in ("q_star", "chi_1", "chi_q", "xi_q", "c_star", "chi_c", "xi_c"):
            value = getattr(phase, name)
            shown = format_approx(value) if value is not None else ("infinite" if name == "xi_c" and phase.phase == "eoc" else "-")
            print(f"  {name:>7} = {shown}")
        if phase.note:
            print(f"  ({phase.note})")
        return 0
    point = eoc.edge_of_chaos(args.activation, sigma_b, digits)
    payload = {"eoc": point.as_dict()}
    lines = [eoc.describe(point)]
    if args.derivatives is not None:
        top = check_depth("derivatives", args.derivatives, minimum=0)
        values = eoc.derivatives_at_one_eoc(args.activation, sigma_b, top, digits)
        payload["derivatives_at_one"] = {str(j): v.as_dict() for j, v in enumerate(values)}
        lines += [f"  f^({j})(1) = {format_approx(v)}" for j, v in enumerate(values)]
    if args.depth:
        from asymptotics.smooth_depth import describe, eoc_correlation_depths

        depths = sorted({check_depth("depth", d) for d in _split(args.depth)})
        traj = eoc_correlation_depths(args.activation, sigma_b, args.c, depths, digits)
        payload["depth_run"] = traj.as_dict()
        lines.append(describe(traj))
    if args.json:
        _dump(payload)
    else:
        print("\n".join(lines))
    return 0


def _split(values):
    for v in values:
        yield from str(v).replace(",", " ").split()


def _dump(obj) -> None:
    json.dump(obj, sys.stdout, indent=1)
    print()
