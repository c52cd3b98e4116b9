"""``ntk-verify limit``: det(kappa) and the weights kappa^-1 kappa_x of seed 000 at given depths,
with their distance to the derived large-depth limit."""
from __future__ import annotations

import json
import math
import sys

from asymptotics.validation import InputError, check_depth, check_digits
from proofs_checks.commands._options import ExtendList


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "limit",
        help="det of the normalised ReLU NTK Gram and the weights kappa^-1 kappa_x at depths up to 1e6",
        description="For n data points on the sphere (uniform [0,1)^n0 entries projected, as in seed 000's "
        "Figure 1; or Gaussian; or scikit-learn's digits) and test points x, print det(kappa), the weights "
        "w = kappa^-1 kappa_x and their distance to the derived limit w_inf = 1/(n+3) 1 per depth.",
    )
    p.add_argument("--n", default="20", help="number of data points (default 20)")
    p.add_argument("--n0", default="128", help="input dimension (default 128; digits data: 64)")
    p.add_argument("--depth", "--depths", dest="depths", action=ExtendList, default=["10", "100", "1e3", "1e4"],
                   metavar="L", help="depths, e.g. --depth 10 100 1e4 (repeats allowed; default 10 100 1e3 1e4)")
    p.add_argument("--seed", default="0", help="random seed of the data and test points (default 0)")
    p.add_argument("--data", choices=["uniform", "gaussian", "digits"], default="uniform",
                   help="uniform [0,1)^n0 or Gaussian entries projected on the sphere, or scikit-learn's digits")
    p.add_argument("--test-points", default="1", help="number of random test points outside X (default 1)")
    p.add_argument("--at-data-point", action="store_true", help="also use x = x_0 (the limit there is e_0)")
    p.add_argument("--certified", action="store_true",
                   help="certified det and weights: the data taken exactly, every pair through the certified "
                        "arb recursion, arb_mat on the resulting balls")
    p.add_argument("--digits", default="30", help="target digits of the certified Gram entries (default 30)")
    p.add_argument("--show", default="3", help="number of weight components to print (default 3)")
    p.add_argument("--gpu", action="store_true", help="float64 on the GPU (cupy) for the Gram matrices")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def _int(name, value, minimum=1):
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(name, f"expected an integer, got {value!r}") from None
    if not math.isfinite(v) or v != int(v) or v < minimum:
        raise InputError(name, f"expected an integer >= {minimum}, got {value!r}")
    return int(v)


# float64 working arrays of the Gram build: the (n + m) n pairs, ~16 arrays of them at once
MAX_GRAM_BYTES = 8 * 2**30


def _check_memory(n, m, n0):
    """Refuse (naming --n) a Gram whose float64 working set would exceed MAX_GRAM_BYTES."""
    pairs = n * (n - 1) // 2 + m * n
    need = 8 * (16 * pairs + 3 * (n + m) * n0) + 8 * 4 * n * n
    if need > MAX_GRAM_BYTES:
        raise InputError("n", f"{n} points need about {need / 2**30:.1f} GiB of float64 working arrays, beyond "
                              f"the limit of {MAX_GRAM_BYTES / 2**30:.0f} GiB")


def _xp(gpu):
    import numpy

    if not gpu:
        return numpy
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        return cupy
    except Exception:  # noqa: BLE001
        raise InputError("gpu", "cupy with a CUDA device is not available here") from None


def run(args) -> int:
    import numpy

    from asymptotics import linalg as la
    from asymptotics.accuracy import format_approx

    n, n0 = _int("n", args.n, 2), _int("n0", args.n0)
    m, seed, show = _int("test-points", args.test_points, 0), _int("seed", args.seed, 0), _int("show", args.show)
    depths = sorted({check_depth("depths", d) for part in args.depths for d in str(part).replace(",", " ").split()})
    _check_memory(n, m + (1 if args.at_data_point else 0), 64 if args.data == "digits" else n0)  # before any data
    if args.data == "digits":
        X = la.digits_data(n, seed)
        x = la.digits_data(n + m, seed + 1)[-m:] if m else numpy.zeros((0, 64))
    else:
        X = la.sphere_data(n, n0, seed, args.data)
        x = la.sphere_data(m, n0, seed + 1, args.data) if m else numpy.zeros((0, n0))
    if args.at_data_point:
        x = numpy.vstack([x, X[:1]])
    if x.shape[0] == 0:
        raise InputError("test-points", "need at least one test point (or --at-data-point)")
    xp = _xp(args.gpu)
    certified = None
    if args.certified:
        import flint

        from asymptotics.certified_gram import certified_ntk_grams

        digits = check_digits("digits", args.digits)
        certified = certified_ntk_grams(X, depths, x=x, digits=digits)
    run_ = la.ntk_grams(xp.asarray(X), depths, x=xp.asarray(x), xp=xp)
    limit = la.limiting_weights(n)
    w_inf = float(limit.value.mid)
    # next order from the deepest depth's correlations (Fatou shifts of all pairs); the limit at a
    # data point is e_i, outside the expansion
    deepest = run_.at(depths[-1])
    outside = x.shape[0] - (1 if args.at_data_point else 0)
    rate, v1 = la.first_order_from_gram(deepest) if outside else (float(limit.rate_value.mid), numpy.zeros((0, n)))
    rows = []
    for L in depths:
        g = run_.at(L)
        if certified is not None:
            c = certified[L]
            old = flint.ctx.prec
            flint.ctx.prec = int(digits * 3.33) + 64 + 8 * n.bit_length()
            try:
                det = la.det_of_balls(c.E, c.n, c.method)
                w = la.weights_of_balls(c.E, c.E_x, c.n, c.m, c.method)
            finally:
                flint.ctx.prec = old
            shown = [[format_approx(a) for a in row[:show]] for row in w.approx]
        else:
            det = la.log_det_kappa(g.E, g.E_rad, xp=xp)
            w = la.weights_float64(g.E, g.E_x, g.E_rad, g.E_x_rad, xp=xp)
            digits = max(1, int(-math.log10(max(w.max_rad, 1e-16))) - 1) if w.max_rad > 0 else 15
            shown = [[f"{v:.{min(digits, 15)}f}" for v in row[:show]] for row in w.values]
        targets = [numpy.full(n, w_inf)] * (x.shape[0] - (1 if args.at_data_point else 0))
        if args.at_data_point:
            targets.append(numpy.eye(n)[0])
        dist = [float(numpy.abs(row - t).max()) for row, t in zip(w.values, targets)]
        rows.append({
            "depth": L, "det": format_approx(det.det), "log10_det": format_approx(det.log10_abs), "method": det.method,
            "weights": shown, "weights_max_radius": w.max_rad, "sum_of_weights": [float(r.sum()) for r in w.values],
            "max_distance_to_limit": dist,
            "log_term": rate * math.log(L) / L,
            "predicted_distance": [float(numpy.abs(rate * math.log(L) + v).max() / L) for v in v1[:outside]],
        })
    header = {"n": n, "n0": X.shape[1], "data": args.data, "seed": seed, "test_points": int(x.shape[0]),
              "limit_outside_X": f"{limit.weight} = {format_approx(limit.value, 12)}",
              "limit_det": f"{limit.det_limit} = {format_approx(limit.det_value, 6)}",
              "rate": f"w - w_inf = {limit.rate} log(L)/L 1 + v1/L + o(1/L)",
              "v1_from": f"Fatou shifts of the pairs at depth {depths[-1]} (depth law, linalg.first_order_from_gram)",
              "gram_seconds": round(run_.seconds, 2),
              "entry_accuracy": ("certified: data taken exactly, layer-1 correlations and every depth in arb balls"
                                 if certified is not None else
                                 "float64 engine, a priori estimate 8 L eps per entry (not a bound)")}
    if args.json:
        json.dump({**header, "depths": rows}, sys.stdout, indent=1)
        print()
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"n = {n}, n0 = {header['n0']}, {args.data} data, seed {seed}; limit outside X: "
                  f"{header['limit_outside_X']}; lim det = {header['limit_det']}; {header['rate']}, "
                  f"v1 from the {header['v1_from']}; Gram matrices in {run_.seconds:.1f} s")
    table = Table(title_justify="left")
    for col in ("L", f"det(kappa) [{rows[0]['method']}]", "weights w_1.. of the first test point", "sum w",
                "max |w - limit|", "predicted: max |rate log L + v1| / L", "log term alone"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["depth"]), r["det"], "\n".join(r["weights"][0]), f"{r['sum_of_weights'][0]:.6f}",
                      ", ".join(f"{d:.2e}" for d in r["max_distance_to_limit"]),
                      ", ".join(f"{d:.2e}" for d in r["predicted_distance"]), f"{r['log_term']:.2e}")
    console.print(table)
    return 0
