"""``ntk-verify claims | check | report``: list claims, run their checkers, write reports.

Exit status of ``check`` and ``report``: 0 when every checker ran (whatever it
found), 1 when at least one checker crashed (status ``error``).  A refuted
claim is a finding, not an error.
"""
from __future__ import annotations

import json
import os
import sys
import time

from asymptotics.validation import InputError
from proofs_checks import registry, report
from proofs_checks.verdict import LEVELS, Status


def register(subparsers) -> None:
    p = subparsers.add_parser("claims", help="list the registered claims (id, source, kind, title)")
    p.add_argument("ids", nargs="*", metavar="ID", help="only claims whose id starts with one of these")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=list_claims)

    p = subparsers.add_parser("check", help="run claim checkers and print a verdict table")
    p.add_argument("ids", nargs="*", metavar="ID", help="claim ids or id prefixes (e.g. hayou.fact14)")
    p.add_argument("--all", action="store_true", help="check every registered claim")
    p.add_argument("--level", default="quick", choices=LEVELS, help="quick (seconds each) or full (deep)")
    p.add_argument("--json", action="store_true", help="print the verdicts as JSON instead of a table")
    p.add_argument("--evidence", action="store_true", help="show the evidence column instead of notes")
    p.add_argument("--workers", default="1", help="run the checkers as parallel tasks on a local Dask cluster of N processes")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS", help="run the checkers on a running Dask cluster")
    p.set_defaults(func=check)

    p = subparsers.add_parser("report", help="write the verdict table as Markdown and JSON")
    p.add_argument("ids", nargs="*", metavar="ID", help="claim ids or prefixes (default: all)")
    p.add_argument("--out", default="reports", help="output directory (default: ./reports)")
    p.add_argument("--level", default="quick", choices=LEVELS)
    p.set_defaults(func=write_report)


def list_claims(args) -> int:
    claims = registry.select(args.ids)
    if args.json:
        rows = [{"id": c.id, "source": str(c.source), "kind": c.kind, "title": c.title,
                 "statement": c.statement, "checkable": c.checker is not None} for c in claims]
        print(json.dumps(rows, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(claims)} registered claims", expand=True)
    for name, ratio in (("id", 3), ("source", 3), ("kind", 1), ("title", 5)):
        table.add_column(name, overflow="fold", ratio=ratio)
    for c in claims:
        table.add_row(c.id, str(c.source), c.kind, c.title + ("" if c.checker else " [dim](out of scope)[/]"))
    Console().print(table)
    return 0


def run_claims(claims, level: str, progress: bool = True):
    """Run every checker with a progress bar on stderr; returns (results, seconds)."""
    start = time.perf_counter()
    results = []
    if progress and sys.stderr.isatty() or os.environ.get("NTK_VERIFY_PROGRESS") == "1":
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("checking", total=len(claims))
            for c in claims:
                bar.update(task, description=f"checking {c.id}")
                results.append((c, registry.run_check(c, level)))
                bar.advance(task)
    else:
        for i, c in enumerate(claims, 1):
            if progress:
                print(f"[{i}/{len(claims)}] {c.id}", file=sys.stderr, flush=True)
            results.append((c, registry.run_check(c, level)))
    return results, time.perf_counter() - start


def _exit_code(results) -> int:
    return 1 if any(v.status is Status.ERROR for _, v in results) else 0


def check(args) -> int:
    if not args.ids and not args.all:
        raise InputError("ID", "name claim ids (or prefixes), or pass --all; 'ntk-verify claims' lists them")
    claims = registry.select(None if args.all else args.ids)
    from proofs_checks import distributed

    workers = distributed.check_workers(args.workers)
    if workers == 1 and args.scheduler is None:
        results, seconds = run_claims(claims, args.level, progress=not args.json)
    else:  # one task per claim; results come back in the serial order
        results, seconds = distributed.run_claims_parallel(claims, args.level, workers, args.scheduler)
    if args.json:
        print(report.dumps(results, args.level, round(seconds, 3)))
    else:
        from rich.console import Console

        console = Console()
        console.print(report.rich_table(results, title=f"ntk-verify check (level {args.level})",
                                        show_evidence=args.evidence))
        console.print(report.summary_line(results, seconds))
    return _exit_code(results)


def write_report(args) -> int:
    claims = registry.select(args.ids)
    results, seconds = run_claims(claims, args.level)
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as err:
        raise InputError("--out", f"cannot create directory {args.out!r}: {err.strerror}") from None
    md_path = os.path.join(args.out, "claims_report.md")
    json_path = os.path.join(args.out, "claims_report.json")
    with open(md_path, "w", encoding="utf-8") as fh:
        fh.write(report.to_markdown(results, args.level, seconds))
    with open(json_path, "w", encoding="utf-8") as fh:
        fh.write(report.dumps(results, args.level, round(seconds, 3)))
    print(report.summary_line(results, seconds))
    print(f"wrote {md_path} and {json_path}")
    return _exit_code(results)
