"""``ntk-verify phase-diagram`` (alias ``sweep``): a grid of (sigma_w, sigma_b) points, or of sigma_b on the edge.

Examples::

    ntk-verify phase-diagram --activation tanh erf --sigma-w 0.6:2.5:0.1 --sigma-b 0.05:1:0.05 \\
        --out tanh_erf.csv --plot phase.png                       # LocalCluster, one worker per core
    ntk-verify sweep --activation tanh --edge --sigma-b 0:1:0.05 --digits 20 --out edge.jsonl
    ntk-verify sweep --activation tanh --sigma-w 1,1.5,2 --sigma-b 0.1 --depth 100 --workers 1
    ntk-verify sweep ... --scheduler tcp://10.0.0.5:8786          # a running Dask cluster

Per point (asymptotics/phase_diagram.py): q*, chi_1, chi_q, xi_q, c*, chi_c, xi_c, the phase and,
with --depth, c^L from c^1 = --c0; per sigma_b also the Edge-of-Chaos point (kind 'edge': sigma_w on
the EOC, f''(1), f'''(1), A and beta of 1 - c^l = A/l - A beta log(l)/l^2 + ...).  Rows are appended
to every --out file as they finish; rerunning with the same --out computes only the missing rows.
"""
from __future__ import annotations

import sys
import time
from fractions import Fraction

from asymptotics.validation import InputError, check_correlation, check_depth, check_digits, check_finite

MAX_POINTS = 100_000


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "phase-diagram", aliases=["sweep"],
        help="phase diagram / parameter sweep over (sigma_w, sigma_b), in parallel on Dask",
        description="Sweep (sigma_w, sigma_b) for one or more activations: q*, chi_1, phase, depth scales, c*, "
                    "the Edge-of-Chaos curve; a CSV/JSON Lines table (resumable) and a figure.")
    p.add_argument("--activation", nargs="+", default=["tanh"], help="one or more activations (default tanh)")
    p.add_argument("--sigma-w", default=None, help="START:STOP:STEP or a comma list (weight standard deviations)")
    p.add_argument("--sigma-b", default=None, help="START:STOP:STEP or a comma list (bias standard deviations)")
    p.add_argument("--edge", action="store_true", help="only the Edge-of-Chaos points of the --sigma-b values")
    p.add_argument("--digits", default="15", help="target digits per number (default 15)")
    p.add_argument("--depth", default=None, help="also c^L after this many layers (at most 10^4)")
    p.add_argument("--c0", default="0.5", help="c^1 for --depth (default 0.5)")
    p.add_argument("--out", action="append", default=None, metavar="FILE",
                   help=".csv or .jsonl/.json (JSON Lines) table; repeatable; an existing file is resumed")
    p.add_argument("--plot", default=None, metavar="FILE", help="phase-diagram figure: .png, .pdf or .svg")
    p.add_argument("--workers", default=None, help="worker processes (default: the machine's cores; 1: no Dask)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--timeout", default="10", help="seconds to wait for --scheduler (default 10)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON Lines on stdout")
    p.set_defaults(func=run)


def parse_values(name: str, text) -> list:
    """'0:1:0.25' -> ['0', '0.25', '0.5', '0.75', '1']; '1,1.5' -> ['1', '1.5']; exact decimals."""
    if text is None or not str(text).strip():
        raise InputError(name, "is required (START:STOP:STEP or a comma list)")
    text = str(text).strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise InputError(name, f"expected START:STOP:STEP, got {text!r}")
        try:
            start, stop, step = (Fraction(x.strip()) for x in parts)
        except (ValueError, ZeroDivisionError):
            raise InputError(name, f"START, STOP and STEP must be decimal numbers, got {text!r}") from None
        if step <= 0:
            raise InputError(name, f"STEP must be > 0, got {parts[2]!r}")
        if stop < start:
            raise InputError(name, f"empty grid: STOP < START in {text!r}")
        count = int((stop - start) / step) + 1
        if count > MAX_POINTS:
            raise InputError(name, f"{count} values requested; at most {MAX_POINTS}")
        values = [_decimal(start + k * step) for k in range(count)]
    else:
        values = [v.strip() for v in text.split(",") if v.strip()]
        if not values:
            raise InputError(name, f"empty grid: {text!r}")
    for v in values:
        check_finite(name, v)
        if Fraction(v) < 0:
            raise InputError(name, f"a standard deviation must be >= 0, got {v}")
    if name == "--sigma-w" and any(Fraction(v) == 0 for v in values):
        raise InputError(name, "sigma_w must be > 0 (got 0 in the grid)")
    return list(dict.fromkeys(values))


def _decimal(x: Fraction) -> str:
    if x.denominator == 1:
        return str(x.numerator)
    text = f"{float(x):.15g}"
    return text if Fraction(text) == x else str(float(x))


def build_specs(activations, sigma_w, sigma_b, edge: bool, digits: int, depth, c0) -> list:
    """The task list: per activation the edge point of every sigma_b, then (unless edge) the grid."""
    specs = []
    for act in activations:
        for sb in sigma_b:
            specs.append({"activation": act, "kind": "edge", "sigma_w": "", "sigma_b": sb, "digits": str(digits),
                          "depth": "", "c0": ""})
        if not edge:
            for sb in sigma_b:
                for sw in sigma_w:
                    specs.append({"activation": act, "kind": "grid", "sigma_w": sw, "sigma_b": sb, "digits": str(digits),
                                  "depth": "" if depth is None else str(depth), "c0": "" if depth is None else str(c0)})
    return specs


def compute_row(spec: dict) -> dict:
    """One task (runs on a worker): the point's flat row; a failure is a row with its error, never a raise."""
    from asymptotics import phase_diagram
    from proofs_checks.sweep_table import flat_row

    try:
        if spec["kind"] == "edge":
            result = phase_diagram.edge_point(spec["activation"], spec["sigma_b"], int(spec["digits"]))
        else:
            result = phase_diagram.grid_point(spec["activation"], spec["sigma_w"], spec["sigma_b"], int(spec["digits"]),
                                              depth=int(spec["depth"]) if spec["depth"] else None,
                                              c0=spec["c0"] or "0.5")
        return flat_row(spec, result)
    except Exception as err:  # noqa: BLE001 - a failed point is a row with its error
        return flat_row(spec, None, error=f"{type(err).__name__}: {err}")


def run(args) -> int:
    from asymptotics.activations import get_activation
    from proofs_checks import distributed
    from proofs_checks import sweep_table as table

    # --- every argument checked before anything is computed or written ---
    for name in args.activation:
        get_activation(name)  # InputError naming 'activation' for an unknown one
    activations = list(dict.fromkeys(a.strip().lower() for a in args.activation))
    sigma_b = parse_values("--sigma-b", args.sigma_b)
    if args.edge:
        if args.sigma_w is not None:
            raise InputError("--sigma-w", "not used with --edge (sigma_w is solved for on the Edge of Chaos)")
        sigma_w = []
    else:
        sigma_w = parse_values("--sigma-w", args.sigma_w)
    digits = check_digits("--digits", args.digits)
    if digits > 60:
        raise InputError("--digits", f"at most 60 in a sweep, got {digits}")
    depth = None
    if args.depth is not None:
        depth = check_depth("--depth", args.depth)
        if depth > 10**4:
            raise InputError("--depth", f"at most 10^4 (the correlation map is iterated layer by layer), got {args.depth}")
        check_correlation("--c0", args.c0)
    specs = build_specs(activations, sigma_w, sigma_b, args.edge, digits, depth, args.c0)
    if len(specs) > MAX_POINTS:
        raise InputError("--sigma-w", f"{len(specs)} points in all; at most {MAX_POINTS}")
    outs = [table.check_out_path(p) for p in (args.out or [])]
    if args.plot is not None:
        from proofs_checks.sweep_plot import check_plot_path

        check_plot_path(args.plot)
    workers = distributed.check_workers(args.workers) if args.workers is not None else distributed.default_workers()
    scheduler = distributed.check_scheduler(args.scheduler) if args.scheduler is not None else None
    try:
        timeout = float(args.timeout)
    except ValueError:
        raise InputError("--timeout", f"expected seconds, got {args.timeout!r}") from None
    existing = {}
    for path in outs:
        for row in table.read_rows(path):
            existing.setdefault(table.row_key(row), row)
    rows = sweep(specs, outs, existing, workers, scheduler, timeout)
    if args.json:
        import json

        for row in rows:
            print(json.dumps(table.json_row(row)))
    else:
        failed = sum(1 for r in rows if r["error"])
        reused = sum(1 for s in specs if table.row_key(s) in existing)
        print(f"{len(rows)} rows ({reused} resumed from --out, {failed} with an error)"
              + (f"; written to {', '.join(outs)}" if outs else ""))
    if args.plot is not None:
        from proofs_checks.sweep_plot import plot_phase_diagram

        plot_phase_diagram(rows, args.plot)
        print(f"figure written to {args.plot}", file=sys.stderr if args.json else sys.stdout)
    return 0


def sweep(specs, outs, existing, workers, scheduler=None, timeout=10.0, task=compute_row) -> list:
    """Compute the specs not in ``existing``, appending each row to ``outs``; all rows in spec order."""
    from proofs_checks import distributed
    from proofs_checks import sweep_table as table

    todo = [s for s in specs if table.row_key(s) not in existing]
    done = dict(existing)
    serial = scheduler is None and workers == 1
    with (_null() if serial or not todo else distributed.open_client(workers, scheduler, timeout)) as client:
        with table.TableWriter(outs) as writer, _progress(len(todo)) as advance:
            for i, row in distributed.map_unordered(task, todo, workers, scheduler, client):
                writer.write(row)
                done[table.row_key(row)] = row
                advance(row)
    rows = [done[table.row_key(s)] for s in specs]
    keys = {table.row_key(s) for s in specs}
    foreign = [r for k, r in existing.items() if k not in keys]  # rows of earlier, other sweeps: kept
    for path in outs:
        table.rewrite_in_order(path, rows + foreign)
    return rows


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


class _progress:
    """A rich progress bar on stderr (when it is a terminal or NTK_VERIFY_PROGRESS=1)."""

    def __init__(self, total):
        import os

        self.total = total
        self.show = total > 0 and (sys.stderr.isatty() or os.environ.get("NTK_VERIFY_PROGRESS") == "1")
        self.bar = None
        self.start = time.perf_counter()

    def __enter__(self):
        if self.show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task("sweep", total=self.total)

        def advance(row):
            if self.bar is not None:
                self.bar.update(self.task, advance=1,
                                description=f"{row['activation']} {row['kind']} sw={row['sigma_w']} sb={row['sigma_b']}")
        return advance

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False
