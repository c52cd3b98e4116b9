"""Rendering of verdicts: a rich table for people, Markdown and JSON for reports.

A *result* is a pair ``(claim, verdict)`` as produced by
:func:`proofs_checks.registry.run_check`.  Nothing here computes anything: the
functions only lay out what the checkers returned.
"""
from __future__ import annotations

import datetime
import json
from collections import Counter

from proofs_checks.verdict import Status

# Order in which statuses are counted and listed.
STATUS_ORDER = [Status.CONFIRMED, Status.REFUTED, Status.INCONCLUSIVE, Status.OUT_OF_SCOPE, Status.ERROR]
STATUS_STYLE = {
    Status.CONFIRMED: "green",
    Status.REFUTED: "bold red",
    Status.INCONCLUSIVE: "yellow",
    Status.OUT_OF_SCOPE: "dim",
    Status.ERROR: "bold magenta",
}


def counts(results) -> dict:
    """Number of verdicts per status, every status present (possibly 0)."""
    tally = Counter(v.status for _, v in results)
    return {s.value: tally.get(s, 0) for s in STATUS_ORDER}


def summary_line(results, seconds: float | None = None) -> str:
    c = counts(results)
    parts = [f"{n} {name}" for name, n in c.items() if n or name in ("confirmed", "refuted")]
    text = f"{len(results)} claims: " + ", ".join(parts)
    if seconds is not None:
        text += f" ({seconds:.1f} s)"
    return text


def _detail(verdict) -> str:
    """The one field that explains the status beyond the numbers."""
    if verdict.status is Status.REFUTED:
        return "corrected: " + verdict.corrected
    if verdict.status is Status.INCONCLUSIVE:
        return "to decide: " + verdict.decide
    if verdict.status is Status.OUT_OF_SCOPE:
        return verdict.reason
    if verdict.status is Status.ERROR:
        return verdict.evidence
    return verdict.evidence


def claim_row(claim, verdict) -> dict:
    """Flat dictionary for one claim and its verdict (the JSON record)."""
    return {
        "id": claim.id,
        "source": str(claim.source),
        "seed": claim.source.seed,
        "lines": list(claim.source.lines),
        "kind": claim.kind,
        "title": claim.title,
        "statement": claim.statement,
        **verdict.as_dict(),
    }


def rich_table(results, title: str = "ntk-verify claims", show_evidence: bool = False):
    """A :class:`rich.table.Table` with one row per claim."""
    from rich.table import Table

    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("claim", style="cyan", overflow="fold", ratio=2)
    table.add_column("source", overflow="fold", ratio=1)
    table.add_column("status", ratio=1)
    table.add_column("printed", overflow="fold", ratio=3)
    table.add_column("computed", overflow="fold", ratio=3)
    table.add_column("agreement", overflow="fold", ratio=2)
    table.add_column("note" if not show_evidence else "evidence", overflow="fold", ratio=4)
    for c, v in results:
        style = STATUS_STYLE.get(v.status, "")
        note = v.evidence if show_evidence else _detail(v)
        src = f"{c.source.seed[:3]}:{c.source.lines[0]}-{c.source.lines[1]}"
        table.add_row(c.id, src, f"[{style}]{v.status.value}[/]", v.printed, v.computed, v.agreement,
                      _short(note, 400))
    return table


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _md_cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(results, level: str = "quick", seconds: float | None = None) -> str:
    """The whole verdict table as Markdown, then one section per non-confirmed claim."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# ntk-verify claim report",
        "",
        f"Level: `{level}`. Generated {now}. " + summary_line(results, seconds) + ".",
        "",
        "| claim | source | kind | status | printed | computed | agreement |",
        "|---|---|---|---|---|---|---|",
    ]
    for c, v in results:
        lines.append("| " + " | ".join(_md_cell(x) for x in (
            c.id, c.source, c.kind, v.status.value, v.printed, v.computed, v.agreement)) + " |")
    for status, heading in ((Status.REFUTED, "Refuted claims"), (Status.INCONCLUSIVE, "Inconclusive claims"),
                            (Status.ERROR, "Checker errors"), (Status.OUT_OF_SCOPE, "Out of scope")):
        chosen = [(c, v) for c, v in results if v.status is status]
        if not chosen:
            continue
        lines += ["", f"## {heading}", ""]
        for c, v in chosen:
            lines += [f"### `{c.id}` ({c.source})", "", f"Statement as printed: ${c.statement}$", ""]
            if v.printed:
                lines.append(f"- printed: {v.printed}")
            if v.computed:
                lines.append(f"- computed: {v.computed}")
            if v.corrected:
                lines.append(f"- **corrected**: {v.corrected}")
            if v.decide:
                lines.append(f"- to decide: {v.decide}")
            if v.reason:
                lines.append(f"- reason: {v.reason}")
            if v.evidence:
                lines.append(f"- evidence: {' '.join(v.evidence.split())}")
            lines.append("")
    return "\n".join(lines) + "\n"


def to_json(results, level: str = "quick", seconds: float | None = None) -> dict:
    return {
        "level": level,
        "seconds": seconds,
        "counts": counts(results),
        "claims": [_jsonable(claim_row(c, v)) for c, v in results],
    }


def _jsonable(obj):
    """Make checker data JSON-safe (mpmath numbers, tuples, numpy scalars become strings/lists)."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    try:
        return float(obj) if hasattr(obj, "__float__") and not hasattr(obj, "mid") else str(obj)
    except (TypeError, ValueError):
        return str(obj)


def dumps(results, level="quick", seconds=None) -> str:
    return json.dumps(to_json(results, level, seconds), indent=2)
