"""``ntk-verify claims | check | report``: list claims, run their checkers, write reports.

Exit status of ``check`` and ``report``: 0 when every checker ran (whatever it
found), 1 when at least one checker crashed (status ``error``), 2 when a claim of
a user's claims file has bad input (each such claim is still listed, with a one-line
error naming the file, the claim id and the field).  A refuted claim is a finding,
not an error.  IDs may be mixed with paths of claims files (``*.toml``) and
``--claims-module NAME`` adds the claims of a user's document module.
"""
from __future__ import annotations

import json
import os
import sys
import textwrap
import time

from asymptotics.validation import InputError
from proofs_checks import registry, report
from proofs_checks.verdict import LEVELS, SEVERITIES, STRENGTHS, Status


def register(subparsers) -> None:
    p = subparsers.add_parser("claims", help="list the registered claims (id, source, kind, title)")
    p.add_argument("ids", nargs="*", metavar="ID",
                   help="document (003, a seed file name, a prefix such as hayou) or claim-id prefix")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--template", action="store_true", help="print a commented starter claims file (TOML)")
    _module_option(p)
    p.set_defaults(func=list_claims)

    p = subparsers.add_parser("check", help="run claim checkers and print a verdict table")
    p.add_argument("ids", nargs="*", metavar="ID",
                   help="claim ids or id prefixes (hayou.fact14), or documents (003, a seed file name, narrow)")
    p.add_argument("--all", action="store_true", help="check every registered claim")
    p.add_argument("--level", default="quick", choices=LEVELS, help="quick (seconds each) or full (deep)")
    p.add_argument("--json", action="store_true", help="print the verdicts as JSON instead of a table")
    p.add_argument("--no-timing", action="store_true", help="JSON without the 'timing' field (byte-reproducible)")
    p.add_argument("--evidence", action="store_true", help="show the full evidence of every claim")
    p.add_argument("--severity", action="append", choices=SEVERITIES,
                   help="show only refutations of this severity (repeatable); the run is the same")
    p.add_argument("--strength", action="append", choices=STRENGTHS,
                   help="show only confirmations of this strength (repeatable)")
    p.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    _module_option(p)
    p.add_argument("--workers", default="1", help="run the checkers as parallel tasks on a local Dask cluster of N processes")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run the checkers on a running Dask cluster")
    p.set_defaults(func=check)

    p = subparsers.add_parser("report", help="write the verdict table as Markdown and JSON")
    p.add_argument("ids", nargs="*", metavar="ID", help="claim ids, prefixes or documents (default: all)")
    p.add_argument("--out", default="reports", help="output directory (default: ./reports)")
    p.add_argument("--level", default="quick", choices=LEVELS, help="quick (seconds each) or full (deep)")
    p.add_argument("--no-timing", action="store_true", help="JSON without the 'timing' field (byte-reproducible)")
    p.add_argument("--timestamp", action="store_true", help="put the generation time in the Markdown")
    p.add_argument("--no-progress", action="store_true", help="no progress on stderr")
    _module_option(p)
    p.set_defaults(func=write_report)


def _module_option(p) -> None:
    p.add_argument("--claims-module", action="append", default=[], metavar="NAME",
                   help="also the claims of this importable document module (repeatable)")


def _select(ids, modules, everything=False):
    """Claims named by ids/prefixes, claims files (*.toml) and document modules, in that order."""
    from proofs_checks.user_claims import is_claims_path, load_claims_file

    ids = list(ids or [])
    files = [i for i in ids if is_claims_path(i)]
    names = [i for i in ids if i not in files]
    claims = []
    if everything or names or not (files or modules):
        claims += registry.select(None if everything else names)
    for name in modules:
        found = registry.load_document_module(name)
        if not found:
            raise InputError("--claims-module", f"module {name!r} registers no claims")
        claims += [c for c in found if c not in claims]
    for path in files:
        claims += load_claims_file(path).claims
    return claims


def _input_errors(results) -> int:
    """Print the one-line error of every broken user claim; 2 when there is one."""
    errors = [v.data["input_error"] for _, v in results if v.data.get("input_error")]
    for line in errors:
        print(f"ntk-verify: error: {line}", file=sys.stderr)
    return 2 if errors else 0


def list_claims(args) -> int:
    if args.template:
        from proofs_checks.user_claims.template import TEMPLATE

        sys.stdout.write(TEMPLATE)
        return 0
    claims = _select(args.ids, args.claims_module)
    if args.json:
        rows = [{"id": c.id, "source": str(c.source), "kind": c.kind, "title": c.title,
                 "statement": c.statement, "checkable": c.checker is not None} for c in claims]
        print(json.dumps(rows, indent=2, sort_keys=True))
        return 0
    width = _width()
    if not sys.stdout.isatty() or width < report.WIDE_TABLE:
        for c in claims:
            scope = "" if c.checker else "  (out of scope)"
            print(f"{c.id}{scope}")
            for text in (c.title, f"{c.source.short()}; {c.source.pointer}  [{c.kind}]"):
                print(textwrap.fill(" ".join(text.split()), width=max(width, 40), initial_indent="    ",
                                    subsequent_indent="      "))
        print(f"{len(claims)} registered claims")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(claims)} registered claims", expand=True)
    table.add_column("id", no_wrap=True)
    for name, ratio in (("source", 3), ("kind", 1), ("title", 5)):
        table.add_column(name, overflow="fold", ratio=ratio)
    for c in claims:
        table.add_row(c.id, c.source.short(), c.kind, c.title + ("" if c.checker else " [dim](out of scope)[/]"))
    Console().print(table)
    return 0


def _width() -> int:
    """Terminal width; COLUMNS, else 80 when not a terminal (pipes)."""
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


PROGRESS_EVERY = 10.0  # seconds between progress lines on a non-terminal


def run_claims(claims, level: str, progress: bool = True):
    """Run every checker with progress on stderr (a bar on a terminal, else a line at the start and
    every PROGRESS_EVERY seconds); returns (results, seconds)."""
    start = time.perf_counter()
    results = []
    if progress and level == "full" and len(claims) > 20:
        print(f"ntk-verify: {len(claims)} claims at level full take tens of minutes (the claims of seeds "
              "002-004 alone took 504 s on a 2-core machine); --level quick takes about a minute",
              file=sys.stderr, flush=True)
    if progress and (sys.stderr.isatty() or os.environ.get("NTK_VERIFY_PROGRESS") == "1"):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("checking", total=len(claims))
            for c in claims:
                bar.update(task, description=f"checking {c.id}")
                results.append((c, registry.run_check(c, level)))
                bar.advance(task)
        return results, time.perf_counter() - start
    last = None
    for i, c in enumerate(claims, 1):
        now = time.perf_counter()
        if progress and (last is None or now - last >= PROGRESS_EVERY):
            print(f"ntk-verify: [{i}/{len(claims)}] checking {c.id} ({now - start:.0f} s)", file=sys.stderr, flush=True)
            last = now
        results.append((c, registry.run_check(c, level)))
    if progress and len(claims) > 1:
        print(f"ntk-verify: checked {len(claims)} claims ({time.perf_counter() - start:.0f} s)", file=sys.stderr,
              flush=True)
    return results, time.perf_counter() - start


def _exit_code(results) -> int:
    return 1 if any(v.status is Status.ERROR for _, v in results) else 0


def _shown(results, severities, strengths):
    """The results --severity/--strength keep (all when neither is given)."""
    if not severities and not strengths:
        return results
    keep = set(severities or ()) | set(strengths or ())
    return [(c, v) for c, v in results if report.grade(v) in keep]


def check(args) -> int:
    if not args.ids and not args.all and not args.claims_module:
        raise InputError("ID", "name claim ids (or prefixes), or pass --all; 'ntk-verify claims' lists them")
    claims = _select(args.ids, args.claims_module, args.all)
    from proofs_checks import distributed

    workers = distributed.check_workers(args.workers)
    if workers == 1 and args.scheduler is None:
        results, seconds = run_claims(claims, args.level, progress=not args.no_progress)
    else:  # claims in contiguous chunks as tasks; results come back in the serial order
        results, seconds = distributed.run_claims_parallel(claims, args.level, workers, args.scheduler)
    shown = _shown(results, args.severity, args.strength)
    if args.json:
        sys.stdout.write(report.dumps(shown, args.level, seconds, timing=not args.no_timing))
        return _input_errors(results) or _exit_code(results)
    title = f"ntk-verify check (level {args.level})"
    width = _width()
    if sys.stdout.isatty() and width >= report.WIDE_TABLE:
        from rich.console import Console

        Console().print(report.rich_table(shown, title=title, show_evidence=args.evidence))
    elif shown:
        print(report.records(shown, width=width, show_evidence=args.evidence))
    if len(shown) != len(results):
        print(f"showing {len(shown)} of {len(results)} checked claims "
              f"(--severity {' '.join(args.severity or ['-'])}, --strength {' '.join(args.strength or ['-'])})")
    print("\n".join(report.summary_lines(results, seconds)))
    return _input_errors(results) or _exit_code(results)


def _writable_out(path: str) -> None:
    """Create the output directory and prove it writable before any claim runs."""
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".ntk-verify-write-test")
        with open(probe, "w", encoding="utf-8"):
            pass
        os.remove(probe)
    except OSError as err:
        raise InputError("--out", f"cannot write to directory {path!r}: {err.strerror}") from None


def write_report(args) -> int:
    _writable_out(args.out)
    claims = _select(args.ids, args.claims_module)
    results, seconds = run_claims(claims, args.level, progress=not args.no_progress)
    md_path = os.path.join(args.out, "claims_report.md")
    json_path = os.path.join(args.out, "claims_report.json")
    with open(md_path, "w", encoding="utf-8") as fh:
        fh.write(report.to_markdown(results, args.level, None if args.no_timing else seconds, args.timestamp))
    with open(json_path, "w", encoding="utf-8") as fh:
        fh.write(report.dumps(results, args.level, seconds, timing=not args.no_timing))
    print("\n".join(report.summary_lines(results, seconds)))
    print(f"wrote {md_path} and {json_path}")
    return _input_errors(results) or _exit_code(results)
