"""``ntk-verify finite-width`` and ``ntk-verify deep-narrow``: finite networks against their limits.

finite-width: the exact empirical NTK of fully connected networks in the NTK
parameterisation of Jacot et al. (seed 002) on points of the unit circle,
Monte Carlo over seeds, against the infinite-width limit, with the fitted
rate n^-p of the RMS relative error and its bootstrap uncertainty.

deep-narrow: the scaled NTK of the deep narrow MLP of seed 003 (exact, streamed
layer by layer) at depths up to 1e5 against the derived limit
x.x' + d_out + E[relu(g(x)) relu(g(x'))], with run times.
"""
from __future__ import annotations

import json
import math
import sys
from fractions import Fraction

from asymptotics.validation import InputError
from proofs_checks.commands._options import ExtendList


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "finite-width",
        help="empirical NTK of finite-width networks vs the infinite-width limit, with the fitted rate",
        description="Exact empirical NTK (layer-wise backpropagation) of networks with hidden widths n, "
        "Monte Carlo over seeds, against Theta_inf^(L) (Jacot et al.); prints the RMS relative error per "
        "width and the fitted exponent p of n^-p (bootstrap over seeds).",
    )
    p.add_argument("--width", nargs="+", required=True, help="hidden widths n (e.g. 64 256 1024)")
    p.add_argument("--depth", default="3", help="depth L >= 1 (L weight matrices; default 3)")
    p.add_argument("--seeds", default="10", help="initialisations per width (default 10)")
    p.add_argument("--activation", default="relu", help="relu, erf, tanh, ... (default relu; a wrong name lists them)")
    p.add_argument("--beta", default="0.1", help="bias factor beta (default 0.1, as in the paper)")
    p.add_argument("--points", default="6", help="number of points on the upper unit half-circle (default 6)")
    p.add_argument("--gpu", action="store_true", help="run the networks on cupy (needs a CUDA device)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)

    q = subparsers.add_parser(
        "deep-narrow",
        help="scaled NTK of the deep narrow MLP (seed 003) at large depth vs its limit, with run times",
        description="Builds the MLP of 'NTK Analysis of Deep Narrow Neural Networks' (Section 3.1) and "
        "computes its scaled NTK exactly; compares with the derived limit and with the printed Theorem 3.1.",
    )
    q.add_argument("--depth", "--depths", dest="depth", action=ExtendList, default=["100", "1000", "10000", "100000"],
                   metavar="L", help="depths L >= 3, e.g. --depth 100 1e3 (repeats allowed; default 100 1e3 1e4 1e5)")
    q.add_argument("--d-out", default="1", help="number of outputs (default 1)")
    q.add_argument("--c-exponent", default="2.5", help="C_L = L^c (the theory needs c > 2; default 2.5)")
    q.add_argument("--seed", default="0", help="random seed (default 0)")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q.set_defaults(func=run_deep_narrow)


def _count(option: str, text, minimum: int = 1) -> int:
    """A whole number >= minimum as the user typed it ('10', '1e3'); InputError naming the option."""
    if isinstance(text, bool):
        raise InputError(option, f"expected a whole number, got {text!r}")
    try:
        value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise InputError(option, f"expected a whole number, got {text!r}") from None
    if value.denominator != 1:
        raise InputError(option, f"expected a whole number, got {text!r}")
    if value < minimum:
        raise InputError(option, f"must be >= {minimum}, got {text!r}")
    if value > 10**12:
        raise InputError(option, f"{text!r} is beyond any feasible run (at most 10^12)")
    return int(value)


def _real(option: str, text) -> float:
    """A finite real number as the user typed it; InputError naming the option."""
    try:
        value = float(Fraction(str(text).strip()))
    except (ValueError, ZeroDivisionError, OverflowError):
        raise InputError(option, f"expected a finite number, got {text!r}") from None
    return value


def _ints(option, values, minimum: int = 1):
    out = [_count(option, part, minimum) for v in values for part in str(v).replace(",", " ").split()]
    if not out:
        raise InputError(option, "at least one value is required")
    return sorted(set(out))


def _xp(gpu: bool):
    import numpy

    if not gpu:
        return numpy
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        return cupy
    except Exception as err:  # noqa: BLE001 - reported as a clear input error
        raise InputError("gpu", f"cupy with a CUDA device is not available here ({type(err).__name__})") from None


def run(args) -> int:
    import numpy

    from asymptotics import finite_width as fw

    widths = _ints("--width", args.width)
    depth = _count("--depth", args.depth)
    seeds = _count("--seeds", args.seeds)
    points = _count("--points", args.points, minimum=2)
    beta = _real("--beta", args.beta)
    if beta < 0:
        raise InputError("--beta", f"must be >= 0, got {args.beta!r}")
    if args.activation.lower() not in fw.ACTIVATIONS:
        raise InputError("--activation", f"unknown activation {args.activation!r}; available: {', '.join(fw.ACTIVATIONS)}")
    xp = _xp(args.gpu)
    X = fw.circle_points(points)
    result = fw.ntk_width_convergence(widths, depth, seeds, X=X, activation=args.activation, beta=beta, xp=xp)
    engine = fw.limit_ntk_engine(X, depth, beta, args.activation)
    engine_gap = None if engine is None else float(numpy.abs(engine - result.theta_limit).max())
    if args.json:
        payload = result.as_dict()
        payload.update({"activation": args.activation, "beta": beta, "points": X.tolist(),
                        "engine_cross_check_max_abs": engine_gap, "device": "gpu" if args.gpu else "cpu"})
        json.dump(payload, sys.stdout, indent=1)
        print()
        return 0
    _print_width_table(result, args, X, engine_gap)
    return 0


def _print_width_table(r, args, X, engine_gap):
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover
        Console = None
    lim = r.theta_limit
    title = (f"Empirical NTK vs limit: {args.activation}, depth {r.depth}, beta {args.beta}, {r.seeds} seeds, "
             f"{len(X)} circle points")
    rows = []
    for n, rms, mean_err, mean in zip(r.widths, r.rms_error, r.mean_error, r.theta_mean):
        rows.append((str(n), f"{mean[0, 0]:.4f}", f"{mean[0, -1]:.4f}", f"{rms:.3g}", f"{mean_err:.3g}"))
    rows.append(("inf (limit)", f"{lim[0, 0]:.4f}", f"{lim[0, -1]:.4f}", "-", "-"))
    head = ("width n", "mean Theta(x1,x1)", f"mean Theta(x1,x{len(X)})", "RMS rel. error", "rel. error of mean")
    if Console is not None:
        t = Table(title=title)
        for h in head:
            t.add_column(h, justify="right")
        for row in rows:
            t.add_row(*row)
        Console().print(t)
    else:
        print(title)
        for row in (head,) + tuple(rows):
            print("  ".join(f"{c:>18}" for c in row))
    if len(r.widths) >= 2:
        print(f"fitted rate: RMS relative error ~ {r.prefactor:.3g} n^-p, p = {r.exponent:.3f} +/- "
              f"{r.exponent_std:.3f} (bootstrap over seeds); expected p = 1/2 (CLT fluctuations)")
    if engine_gap is not None:
        print(f"limit cross-check against asymptotics.recursion.gram_at_depths: max |difference| = {engine_gap:.1e}")
    print(f"({r.seconds:.1f} s)")


def run_deep_narrow(args) -> int:
    import numpy

    from asymptotics import deep_narrow as dn
    from asymptotics import finite_width as fw

    depths = _ints("--depth", args.depth)
    if depths[0] < 3:
        raise InputError("--depth", f"the deep narrow MLP needs depth >= 3, got {depths[0]}")
    d_out = _count("--d-out", args.d_out)
    c_exp = _real("--c-exponent", args.c_exponent)
    if c_exp <= 0:
        raise InputError("--c-exponent", f"must be > 0, got {args.c_exponent!r}")
    # C_L = L^c must be a float64 number (and its square, which the NTK scaling uses)
    log10_c = c_exp * math.log10(depths[-1])
    if log10_c > 100:
        raise InputError("--c-exponent", f"C_L = L^{args.c_exponent} = 10^{log10_c:.0f} at L = {depths[-1]}: beyond "
                                         "what float64 NTK arithmetic (~ L C_L^2) holds (the limit is c log10(L) <= 100)")
    seed = _count("--seed", args.seed, minimum=0)
    gam = numpy.array([0.2, 0.6, 1.0, 1.35])
    X = numpy.stack([numpy.cos(gam), numpy.sin(gam)], 1)
    with fw.blas_single_thread():
        sweep = dn.mlp_depth_sweep(X, depths, C_of_L=lambda L: float(L) ** c_exp, d_out=d_out, seed=seed)
    from proofs_checks.doc003_deep_narrow import printed_mlp_limit

    printed = printed_mlp_limit(X, X, 1.0, 1.0)
    rows = []
    for pt in sweep:
        diag = pt.scaled_ntk[:, 0, :, 0]
        rows.append({"depth": pt.depth, "C_L": pt.C_L, "theta_x1x1": float(diag[0, 0]),
                     "theta_x1x4": float(diag[0, -1]), "max_abs_error_vs_derived_limit": pt.max_abs_error,
                     "max_abs_error_vs_printed_theorem_3_1": float(numpy.abs(diag - printed).max()),
                     "predicted_fluctuation_sd": pt.predicted_sd, "seconds": pt.seconds,
                     "off_diagonal_max": pt.extra["off_diagonal_max"]})
    lim = sweep[0].limit
    if args.json:
        json.dump({"d_out": d_out, "C_L": f"L^{c_exp}", "points": X.tolist(), "limit": lim.tolist(),
                   "printed_limit": printed.tolist(), "rows": rows}, sys.stdout, indent=1)
        print()
        return 0
    print(f"Deep narrow MLP (seed 003, Section 3.1): d_in = 2, d_out = {d_out}, rho = beta = 1, C_L = L^{c_exp}")
    print(f"derived limit Theta(x1,x1) = {lim[0, 0]:.4f}, Theta(x1,x4) = {lim[0, -1]:.4f}; printed Theorem 3.1: "
          f"{printed[0, 0]:.4f}, {printed[0, -1]:.4f}")
    print(f"{'L':>8} {'Theta(x1,x1)':>13} {'Theta(x1,x4)':>13} {'max|err| derived':>17} {'max|err| printed':>17} "
          f"{'sd(L^-1/2)':>11} {'seconds':>8}")
    for r in rows:
        print(f"{r['depth']:>8} {r['theta_x1x1']:>13.4f} {r['theta_x1x4']:>13.4f} "
              f"{r['max_abs_error_vs_derived_limit']:>17.2e} {r['max_abs_error_vs_printed_theorem_3_1']:>17.2e} "
              f"{r['predicted_fluctuation_sd']:>11.1e} {r['seconds']:>8.2f}")
    return 0
