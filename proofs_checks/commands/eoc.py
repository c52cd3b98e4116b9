"""``ntk-verify eoc``: Edge-of-Chaos point, EOC curve, phase of (sigma_b, sigma_w), f^(j)(1), depth runs.

Examples::

    ntk-verify eoc --activation tanh --sigma-b 0.2 --digits 30
    ntk-verify eoc --activation tanh --curve 0:1:0.1 --digits 20
    ntk-verify eoc --activation tanh --sigma-b 0.2 --sigma-w 1.298          # phase of a given point
    ntk-verify eoc --activation tanh --sigma-b 0.2 --derivatives 6          # f^(j)(1), j <= 6, on the EOC
    ntk-verify eoc --activation tanh --sigma-b 0.2 --depth 1e6 --c 0.5      # c^l and f'(c^l) on the EOC
    ntk-verify eoc --activation gelu --sigma-b 0.2 --depth 1000 --c 0.5     # also Sigma, Theta, normalised NTK
"""
from __future__ import annotations

import json
import sys
from fractions import Fraction

from asymptotics.accuracy import format_approx
from proofs_checks.commands._options import ExtendList
from proofs_checks.commands.arguments import as_typed
from proofs_checks.commands.printing import add_max_digits, max_digits_from
from asymptotics.validation import InputError, check_depth, check_digits


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "eoc",
        help="Edge of Chaos: q*, chi_1, sigma_w(sigma_b), phases, depth scales, f^(j)(1)",
        description="Edge-of-Chaos solver for any registered activation (tanh, erf, gelu, softplus, sigmoid, "
                    "swish, relu family). Every number is printed with the digits its accuracy supports.",
    )
    p.add_argument("--activation", default="tanh", help="tanh, erf, gelu, softplus, sigmoid, swish or the relu family (default tanh)")
    p.add_argument("--sigma-b", default=None,
                   help="bias standard deviation (default 0.2; 0 for the ReLU family, whose EOC needs it)")
    p.add_argument("--sigma-w", default=None, help="classify the phase of (sigma_b, sigma_w) instead of solving")
    p.add_argument("--sigma-b2", default=None,
                   help="ReLU family: exact bias variance (a rational such as 1/4), instead of --sigma-b")
    p.add_argument("--sigma-w2", default=None,
                   help="ReLU family: exact weight variance (e.g. 200/101): classify the phase exactly")
    p.add_argument("--curve", default=None, metavar="START:STOP:STEP",
                   help="tabulate the EOC curve sigma_w(sigma_b) for sigma_b = START, START+STEP, ..., STOP")
    p.add_argument("--derivatives", default=None, metavar="J", help="also print f^(j)(1) for j <= J on the EOC")
    p.add_argument("--depth", "--depths", dest="depth", action=ExtendList, default=None, metavar="L",
                   help="correlation depth run on the EOC to these depths (any smooth activation with an EOC; "
                        "several values or repeats, e.g. 1000 1e12); prints 1 - c^l, 1 - f'(c^l) and the NTK "
                        "(tanh and erf: certified, at any depth)")
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


# the library's parameter names -> the options the user typed
_ALIASES = {"dps": "--digits", "digits": "--digits", "sigma_b": "--sigma-b", "sigma_w": "--sigma-w",
            "c_start": "--c", "depths": "--depth", "sigma_b2": "--sigma-b2", "sigma_w2": "--sigma-w2"}


def run(args) -> int:
    with max_digits_from(args), as_typed(args, _ALIASES):
        return _run(args)


def _is_relu_family(name) -> bool:
    from asymptotics.activations import get_activation

    return get_activation(name).is_relu_family


def _run_exact_variances(args, digits) -> int:
    from asymptotics import eoc

    if args.sigma_b is not None or args.sigma_w is not None:
        raise InputError("--sigma-w2", "give either --sigma-b/--sigma-w or --sigma-b2/--sigma-w2, not both")
    if args.curve is not None or args.depth or args.derivatives is not None:
        raise InputError("--sigma-w2", "exact variances classify a phase; --curve, --depth, --derivatives need --sigma-b")
    sigma_b2 = args.sigma_b2 if args.sigma_b2 is not None else "0"
    if args.sigma_w2 is None:
        if not _is_relu_family(args.activation):
            raise InputError("--sigma-b2", "exact variances are for the ReLU family; use --sigma-b")
        if eoc.exact_variance("sigma_b2", sigma_b2) != 0:
            raise InputError("--sigma-b2", f"{args.activation} has Edge-of-Chaos points only at sigma_b^2 = 0")
        point = eoc.edge_of_chaos(args.activation, "0", digits)
        _print_point(args, point)
        return 0
    phase = eoc.relu_phase_from_variances(args.activation, sigma_b2, args.sigma_w2)
    _print_phase(args, phase)
    return 0


def _print_point(args, point) -> None:
    from asymptotics import eoc

    if args.json:
        _dump({"eoc": point.as_dict()})
    else:
        print(eoc.describe(point))


def _print_phase(args, phase) -> None:
    if args.json:
        _dump(phase.as_dict())
        return
    print(f"{phase.activation}, sigma_b = {phase.sigma_b}, sigma_w = {phase.sigma_w}: {phase.phase.upper()}")
    for name in ("q_star", "chi_1", "chi_q", "xi_q", "c_star", "chi_c", "xi_c"):
        value = getattr(phase, name)
        shown = format_approx(value) if value is not None else ("infinite" if name == "xi_c" and phase.phase == "eoc" else "-")
        print(f"  {name:>7} = {shown}")
    if phase.note:
        print(f"  ({phase.note})")


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
    if args.sigma_w2 is not None or args.sigma_b2 is not None:
        return _run_exact_variances(args, digits)
    sigma_b = args.sigma_b if args.sigma_b is not None else ("0" if _is_relu_family(args.activation) else "0.2")
    _check_number("--sigma-b", sigma_b)
    if args.sigma_w is not None:
        _check_number("--sigma-w", args.sigma_w)
        phase = eoc.classify(args.activation, sigma_b, args.sigma_w, min(digits, 30))
        _print_phase(args, phase)
        return 0
    depths = None
    if args.depth:
        from asymptotics.gaussian import MAX_QUADRATURE_DIGITS
        from asymptotics.validation import check_correlation

        depths = sorted({check_depth("depth", d) for d in _split(args.depth)})
        check_correlation("c_start", _check_number("--c", args.c))
        if _is_relu_family(args.activation):
            raise InputError("--depth", f"{args.activation} is in the ReLU family: its depth runs are "
                                        "`ntk-verify kernel` (the certified recursion)")
        from asymptotics.smooth_eoc_depth import check_request, has_kernel_run

        if has_kernel_run(args.activation, depths):  # the generic engine: refuse a bad request before any quadrature
            check_request(args.activation, sigma_b, args.c, depths, digits)
        elif digits + 10 > MAX_QUADRATURE_DIGITS:
            raise InputError("--digits", f"{digits} digits requested; --depth runs need the EOC constants at "
                                         f"digits + 10 <= {MAX_QUADRATURE_DIGITS}: at most {MAX_QUADRATURE_DIGITS - 10}")
    top = check_depth("derivatives", args.derivatives, minimum=0) if args.derivatives is not None else None
    point = eoc.edge_of_chaos(args.activation, sigma_b, digits)
    payload = {"eoc": point.as_dict()}
    lines = [eoc.describe(point)]
    if top is not None:
        values = eoc.derivatives_at_one_eoc(args.activation, sigma_b, top, digits)
        payload["derivatives_at_one"] = {str(j): v.as_dict() for j, v in enumerate(values)}
        lines += [f"  f^({j})(1) = {format_approx(v)}" for j, v in enumerate(values)]
    if depths:
        from asymptotics.smooth_eoc_depth import describe, eoc_depths, has_kernel_run

        traj = eoc_depths(args.activation, sigma_b, args.c, depths, digits)
        payload["depth_run"] = traj.as_dict()
        lines.append(describe(traj))
        if has_kernel_run(args.activation, depths):  # (the same runs, cached: the NTK of the pair at q*)
            from asymptotics.smooth_eoc_depth import describe_kernels, eoc_kernel_at_depths

            layers = eoc_kernel_at_depths(args.activation, sigma_b, args.c, depths, digits)
            payload["kernel_run"] = [layers[d].as_dict() for d in depths]
            lines.append(describe_kernels(layers))
        elif args.activation in ("tanh", "erf"):
            from asymptotics.smooth_eoc_depth import certified_eoc_ntk, describe_certified_ntk

            ntk, why = certified_eoc_ntk(args.activation, sigma_b, args.c, depths, digits)
            if ntk is None:
                lines.append(f"  NTK: not computed ({why})")
                payload["ntk_run"] = {"not_computed": why}
            else:
                lines.append(describe_certified_ntk(ntk))
                payload["ntk_run"] = [{"depth": d, **{k: v.as_dict() for k, v in ntk[d].items() if hasattr(v, "as_dict")}}
                                      for d in sorted(ntk)]
    if args.json:
        _dump(payload)
    else:
        print("\n".join(lines))
    return 0


def _check_number(option: str, text):
    """A decimal number as the user typed it (InputError naming the option otherwise)."""
    try:
        value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise InputError(option, f"expected a number, got {text!r}") from None
    del value
    return text


def _split(values):
    for v in values:
        yield from str(v).replace(",", " ").split()


def _dump(obj) -> None:
    json.dump(obj, sys.stdout, indent=1)
    print()
