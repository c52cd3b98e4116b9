"""``ntk-verify kernel``: Sigma, Sigma-dot, Theta and the normalised NTK of a pair at given depths."""
from __future__ import annotations

import json
import sys

from asymptotics.recursion import BACKENDS, LayerValues, Network, kernel_at_depths
from fractions import Fraction

from asymptotics.validation import InputError, check_depths, exact_real
from proofs_checks.commands._options import ExtendList

LABELS = {
    "rho": "rho^(L)",
    "one_minus_rho": "1 - rho^(L)",
    "sigma_xy": "Sigma^(L)(x,x')",
    "sigma_xx": "Sigma^(L)(x,x)",
    "sigma_yy": "Sigma^(L)(x',x')",
    "sigma_dot": "Sigma-dot^(L)(x,x')",
    "theta_xy": "Theta^(L)(x,x')",
    "theta_xx": "Theta^(L)(x,x)",
    "theta_yy": "Theta^(L)(x',x')",
    "ntk_normalized": "normalised NTK",
    "one_minus_ntk_normalized": "1 - normalised NTK",
}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "kernel",
        help="kernels of one pair at given depths (float64, mpmath or certified arb)",
        description="Iterate the NNGP/NTK depth recursion for a pair with layer-1 correlation rho "
        "(ReLU family: relu, leaky_relu, abrelu, linear) and print every quantity with its accuracy.",
    )
    p.add_argument("--activation", default="relu", help="relu, leaky_relu, abrelu or linear (default relu)")
    p.add_argument("--slope", default=None,
                   help="negative-side slope: leaky_relu's alpha (default 0.01), abrelu's a (with --positive-slope b)")
    p.add_argument("--positive-slope", default=None, help="abrelu's positive-side slope b (default 1)")
    p.add_argument("--rho", action=ExtendList, required=True, metavar="RHO",
                   help="layer-1 correlations in [-1, 1], e.g. --rho 0.5 0.9 (repeats allowed)")
    p.add_argument("--depth", "--depths", dest="depth", action=ExtendList, required=True, metavar="L",
                   help="depths L >= 1, e.g. --depth 10 100 1e6 (repeats allowed)")
    p.add_argument("--backend", default="arb", help=f"one of {', '.join(BACKENDS)} (default arb)")
    p.add_argument("--digits", default="50", help="target digits for mpmath/arb (default 50)")
    weights = p.add_mutually_exclusive_group()
    weights.add_argument("--sigma-w", help="weight standard deviation (default 1)")
    weights.add_argument("--sigma-w2", help="weight variance, e.g. 2 for ReLU's Edge of Chaos")
    biases = p.add_mutually_exclusive_group()
    biases.add_argument("--sigma-b", help="bias standard deviation (default 0)")
    biases.add_argument("--sigma-b2", help="bias variance")
    p.add_argument("--q-x", default="1", help="layer-1 variance Sigma^1(x,x) (default 1)")
    p.add_argument("--q-y", default=None, help="layer-1 variance Sigma^1(x',x') (default q-x)")
    p.add_argument("--fields", nargs="+", choices=list(LABELS), default=None, help="quantities to print")
    p.add_argument("--method", default="auto", help="auto (default), iterate or jump (Fatou-coordinate jump; any depth)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _depths(values):
    out = []
    for v in values:
        for part in str(v).replace(",", " ").split():
            out.extend(check_depths("depth", [part]))  # read exactly: 1e100 is 10^100
    return sorted(set(out))


def _activation(args):
    """The activation as typed, with --slope / --positive-slope taken exactly (0.1, 1/3)."""
    name = str(args.activation).strip().lower()
    if args.slope is None and args.positive_slope is None:
        return args.activation
    from asymptotics.activations import abrelu

    if name not in ("leaky_relu", "abrelu"):
        which = "slope" if args.slope is not None else "positive-slope"
        raise InputError(which, f"only for --activation leaky_relu or abrelu, not {args.activation!r}")
    if name == "leaky_relu" and args.positive_slope is not None:
        raise InputError("positive-slope", "leaky_relu's positive slope is 1; use --activation abrelu")
    a = exact_real("slope", args.slope) if args.slope is not None else Fraction(0 if name == "abrelu" else 1, 100 if name != "abrelu" else 1)
    b = exact_real("positive-slope", args.positive_slope) if args.positive_slope is not None else Fraction(1)
    if a == b == 0:
        raise InputError("slope", "both slopes are 0: phi = 0 has no kernel")
    label = f"leaky_relu(alpha={args.slope})" if name == "leaky_relu" else f"abrelu(a={a}, b={b})"
    return abrelu(a, b, label)


def run(args) -> int:
    try:
        return _run(args)
    except InputError as err:  # name the option as typed: --sigma-w2, not sigma_w2
        if "_" in err.argument:
            raise InputError(err.argument.replace("_", "-"), err.problem) from None
        raise


def _run(args) -> int:
    network = Network(_activation(args), sigma_w=args.sigma_w, sigma_b=args.sigma_b,
                      sigma_w2=args.sigma_w2, sigma_b2=args.sigma_b2)
    depths = _depths(args.depth)
    if not depths:
        raise InputError("depth", f"no depth given in {args.depth!r}")
    if args.backend not in BACKENDS:
        raise InputError("backend", f"expected one of {', '.join(BACKENDS)}, got {args.backend!r}")
    fields = args.fields or list(LABELS)
    results = []
    for rho in args.rho:
        traj = _with_progress(network, rho, depths, args)
        results.append(traj)
    if args.json:
        payload = [{
            "network": network.describe(), "rho": str(t.rho), "backend": t.backend, "digits_requested": t.digits,
            "working_precision_bits": t.working_precision_bits, "seconds": round(t.seconds, 3),
            "method": getattr(t, "method", "iterate"), "method_note": getattr(t, "method_note", ""),
            "layers": [t.at(d).as_dict() for d in depths],
        } for t in results]
        json.dump(payload, sys.stdout, indent=1)  # a list, one entry per --rho
        print()
        return 0
    _print_tables(results, depths, fields)
    return 0


def _with_progress(network, rho, depths, args):
    # a bar on a terminal's stderr (also with --json); elsewhere cli's periodic line (progress.py)
    show = not args.no_progress and depths[-1] >= 20000 and sys.stderr.isatty()
    if not show:
        return kernel_at_depths(network, rho, depths, backend=args.backend, digits=args.digits,
                                q_x=args.q_x, q_y=args.q_y, method=args.method)
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(f"rho={rho} {args.backend}", total=depths[-1])
        return kernel_at_depths(network, rho, depths, backend=args.backend, digits=args.digits,
                                q_x=args.q_x, q_y=args.q_y, method=args.method,
                                progress=lambda done, total: bar.update(task, completed=done))


def _print_tables(results, depths, fields):
    from asymptotics.accuracy import format_approx
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for t in results:
        title = (f"{t.network.describe()}; rho^(1) = {t.rho}; backend {t.backend}"
                 f" ({t.working_precision_bits} bits); {t.seconds:.2f} s; method {getattr(t, 'method', 'iterate')}")
        table = Table(title=title, title_justify="left")
        table.add_column("L", justify="right")
        table.add_column("quantity")
        table.add_column("value (only correct digits)", overflow="fold")
        table.add_column("digits", justify="right")
        table.add_column("accuracy")
        for depth in depths:
            values: LayerValues = t.at(depth)
            for name in fields:
                a = getattr(values, name)
                if a is None:
                    table.add_row(str(depth), LABELS[name], "undefined / out of float range", "-", "-")
                    continue
                digits = "exact" if a.rad == 0 else str(a.correct_digits)
                table.add_row(str(depth), LABELS[name], format_approx(a), digits, a.method)
        console.print(table)
