"""Rendering of verdicts: a table or records for people, Markdown and JSON for reports.

A *result* is a pair ``(claim, verdict)`` as produced by
:func:`proofs_checks.registry.run_check`.  Nothing here computes anything: the
functions only lay out what the checkers returned.  Status, claim id and grade
(severity of a refutation, strength of a confirmation) are never shortened; long
fields wrap.  Markdown and JSON are byte-reproducible for the same verdicts:
sorted keys, a fixed claim order, wall times only in the ``timing`` field and
a timestamp only when asked.
"""
from __future__ import annotations

import datetime
import json
import textwrap
from collections import Counter

from proofs_checks.verdict import SEVERITIES, STRENGTHS, Status

# Order in which statuses are counted and listed.
STATUS_ORDER = [Status.CONFIRMED, Status.REFUTED, Status.INCONCLUSIVE, Status.OUT_OF_SCOPE, Status.ERROR]
STATUS_STYLE = {
    Status.CONFIRMED: "green",
    Status.REFUTED: "bold red",
    Status.INCONCLUSIVE: "yellow",
    Status.OUT_OF_SCOPE: "dim",
    Status.ERROR: "bold magenta",
}
UNGRADED = "ungraded"
STATUS_WIDTH = max(len(s.value) for s in STATUS_ORDER)  # "inconclusive", "out of scope"
WIDE_TABLE = 140  # below this many columns a terminal gets records instead of the rich table


def counts(results) -> dict:
    """Number of verdicts per status, every status present (possibly 0)."""
    tally = Counter(v.status for _, v in results)
    return {s.value: tally.get(s, 0) for s in STATUS_ORDER}


def grade(verdict) -> str:
    """Severity of a refutation, strength of a confirmation ('ungraded' when the checker gave none),
    '' for the other statuses."""
    if verdict.status is Status.REFUTED:
        return verdict.severity or UNGRADED
    if verdict.status is Status.CONFIRMED:
        return verdict.strength or UNGRADED
    return ""


def severity_counts(results) -> dict:
    """Refutations per severity (SEVERITIES, then 'ungraded')."""
    tally = Counter(grade(v) for _, v in results if v.status is Status.REFUTED)
    return {k: tally.get(k, 0) for k in (*SEVERITIES, UNGRADED)}


def strength_counts(results) -> dict:
    """Confirmations per strength (STRENGTHS, then 'ungraded')."""
    tally = Counter(grade(v) for _, v in results if v.status is Status.CONFIRMED)
    return {k: tally.get(k, 0) for k in (*STRENGTHS, UNGRADED)}


def sort_key(result):
    """Status order, then severity/strength order, then claim id: the order of reports."""
    c, v = result
    g = grade(v)
    rank = (*SEVERITIES, *STRENGTHS, UNGRADED, "")
    return STATUS_ORDER.index(v.status), rank.index(g), c.id


def summary_line(results, seconds: float | None = None) -> str:
    c = counts(results)
    parts = [f"{n} {name}" for name, n in c.items() if n or name in ("confirmed", "refuted")]
    text = f"{len(results)} claims: " + ", ".join(parts)
    if seconds is not None:
        text += f" ({seconds:.1f} s)"
    return text


def summary_lines(results, seconds: float | None = None) -> list[str]:
    """The status counts, then refutations by severity and confirmations by strength."""
    lines = [summary_line(results, seconds)]
    sev, strg = severity_counts(results), strength_counts(results)
    if sum(sev.values()):
        lines.append("refuted by severity: " + ", ".join(f"{n} {k}" for k, n in sev.items() if n or k != UNGRADED))
    if sum(strg.values()):
        lines.append("confirmed by strength: " + ", ".join(f"{n} {k}" for k, n in strg.items() if n or k != UNGRADED))
    return lines


def _detail(verdict) -> str:
    """The one field that explains the status beyond the numbers."""
    if verdict.status is Status.REFUTED:
        return "corrected: " + verdict.corrected
    if verdict.status is Status.INCONCLUSIVE:
        return "to decide: " + verdict.decide
    if verdict.status is Status.OUT_OF_SCOPE:
        return verdict.reason
    return verdict.evidence


def _grade_reason(verdict) -> str:
    if verdict.status is Status.REFUTED:
        return verdict.severity_reason
    if verdict.status is Status.CONFIRMED:
        return verdict.strength_reason
    return ""


def claim_row(claim, verdict, timing: bool = False) -> dict:
    """Flat dictionary for one claim and its verdict (the JSON record).  The checker's wall time
    is not in it (to_json puts it under 'timing'); without ``timing`` the checker data loses its
    wall times too."""
    row = {
        "id": claim.id,
        "source": str(claim.source),
        "document": claim.source.document.citation() if claim.source.document else "",
        "label": claim.source.label,
        "seed": claim.source.seed,
        "lines": list(claim.source.lines),
        "kind": claim.kind,
        "title": claim.title,
        "statement": claim.statement,
        **verdict.as_dict(),
    }
    row.pop("seconds", None)
    if not timing:
        row["data"] = _without_times(row.get("data", {}))
    return row


def _without_times(obj):
    """Checker data without wall times (keys 'seconds' or '*_seconds'), for reproducible output."""
    if isinstance(obj, dict):
        return {k: _without_times(v) for k, v in obj.items()
                if not (isinstance(k, str) and (k == "seconds" or k.endswith("_seconds")))}
    if isinstance(obj, (list, tuple)):
        return [_without_times(v) for v in obj]
    return obj


def rich_table(results, title: str = "ntk-verify claims", show_evidence: bool = False):
    """A :class:`rich.table.Table` with one row per claim, for wide terminals."""
    from rich.table import Table

    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("status", no_wrap=True, min_width=STATUS_WIDTH)
    table.add_column("claim", style="cyan", no_wrap=True, min_width=max([len(c.id) for c, _ in results] + [5]))
    table.add_column("grade", no_wrap=True, min_width=len("consistency"))
    table.add_column("source", overflow="fold", ratio=2)
    table.add_column("printed", overflow="fold", ratio=3)
    table.add_column("computed", overflow="fold", ratio=3)
    table.add_column("agreement", overflow="fold", ratio=2)
    table.add_column("evidence" if show_evidence else "note", overflow="fold", ratio=4)
    for c, v in results:
        style = STATUS_STYLE.get(v.status, "")
        note = v.evidence if show_evidence else _detail(v)
        table.add_row(f"[{style}]{v.status.value}[/]", c.id, grade(v), c.source.short(), v.printed, v.computed,
                      v.agreement, " ".join(str(note).split()))
    return table


def records(results, width: int = 80, show_evidence: bool = False) -> str:
    """Plain-text records for narrow terminals and pipes: a head line 'status  claim-id  grade' that
    is never shortened, then the fields wrapped at ``width``."""
    out = []
    for c, v in results:
        out.append(f"{v.status.value:<{STATUS_WIDTH}}  {c.id}  {grade(v)}".rstrip())
        fields = [("source", f"{c.source.short()}; {c.source.pointer}")]
        fields += [(k, getattr(v, k)) for k in ("printed", "computed", "agreement")]
        if v.status is not Status.CONFIRMED or show_evidence:
            fields.append(("evidence" if show_evidence else "note", v.evidence if show_evidence else _detail(v)))
        if show_evidence and v.status is not Status.CONFIRMED:
            fields.append(("note", _detail(v)))
        if show_evidence and _grade_reason(v):
            fields.append(("grade reason", _grade_reason(v)))
        for name, text in fields:
            text = " ".join(str(text).split())
            if text:
                out.append(textwrap.fill(text, width=max(width, 40), initial_indent=f"    {name}: ",
                                         subsequent_indent="      ", break_long_words=True,
                                         break_on_hyphens=False))
    return "\n".join(out)


def _md_cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def to_markdown(results, level: str = "quick", seconds: float | None = None, timestamp: bool = False) -> str:
    """The verdict table as Markdown (sorted by status, grade, id), the counts by status, severity
    and strength, then one section per non-confirmed claim.  No time or date unless given."""
    results = sorted(results, key=sort_key)
    head = f"Level: `{level}`."
    if timestamp:
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        head += f" Generated {now}."
    lines = ["# ntk-verify claim report", "", head + " " + summary_line(results, seconds) + ".", ""]
    lines += [f"- {line}" for line in summary_lines(results)[1:]]
    lines += ["", "| status | grade | claim | source | kind | printed | computed | agreement |",
              "|---|---|---|---|---|---|---|---|"]
    for c, v in results:
        lines.append("| " + " | ".join(_md_cell(x) for x in (
            v.status.value, grade(v), c.id, c.source, c.kind, v.printed, v.computed, v.agreement)) + " |")
    for status, heading in ((Status.REFUTED, "Refuted claims"), (Status.INCONCLUSIVE, "Inconclusive claims"),
                            (Status.ERROR, "Checker errors"), (Status.OUT_OF_SCOPE, "Out of scope")):
        chosen = [(c, v) for c, v in results if v.status is status]
        if not chosen:
            continue
        lines += ["", f"## {heading}", ""]
        for c, v in chosen:
            g = f" [{grade(v)}]" if grade(v) else ""
            lines += [f"### `{c.id}`{g} ({c.source})", "", f"Statement as printed: ${c.statement}$", ""]
            if v.printed:
                lines.append(f"- printed: {v.printed}")
            if v.computed:
                lines.append(f"- computed: {v.computed}")
            if v.corrected:
                lines.append(f"- **corrected**: {v.corrected}")
            if _grade_reason(v):
                lines.append(f"- {grade(v)}: {' '.join(_grade_reason(v).split())}")
            if v.decide:
                lines.append(f"- to decide: {v.decide}")
            if v.reason:
                lines.append(f"- reason: {v.reason}")
            if v.evidence:
                lines.append(f"- evidence: {' '.join(v.evidence.split())}")
            lines.append("")
    return "\n".join(lines) + "\n"


def to_json(results, level: str = "quick", seconds: float | None = None, timing: bool = True) -> dict:
    """Counts and claims (sorted as :func:`sort_key`); wall times only under ``timing``
    (total and per claim), omitted with ``timing=False``."""
    results = sorted(results, key=sort_key)
    out = {
        "level": level,
        "counts": counts(results),
        "severity_counts": severity_counts(results),
        "strength_counts": strength_counts(results),
        "claims": [_jsonable(claim_row(c, v, timing)) for c, v in results],
    }
    if timing:
        out["timing"] = {"total_seconds": None if seconds is None else round(seconds, 3),
                         "claim_seconds": {c.id: round(v.seconds, 3) for c, v in results}}
    return out


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


def dumps(results, level="quick", seconds=None, timing: bool = True) -> str:
    return json.dumps(to_json(results, level, seconds, timing), indent=2, sort_keys=True) + "\n"
