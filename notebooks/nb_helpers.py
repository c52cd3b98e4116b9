"""Helpers shared by the verification notebooks (notebooks/NN_*.py): run a document's claim
checkers and render the verdicts as an HTML table with links to their evidence.

Imported by the notebooks' imports cell; the kernel's working directory is this folder
(Jupyter, nbclient and ``papermill --cwd notebooks`` all run there).
"""
from __future__ import annotations

import html
import os
import re
import time

import sympy
from IPython.display import HTML, Markdown, Math, display

_NOTEBOOK_START = time.perf_counter()
STATUS_COLOUR = {"confirmed": "#1a7f37", "refuted": "#cf222e", "inconclusive": "#9a6700",
                 "out of scope": "#6e7781", "error": "#8250df"}


def notebook_quick(quick: bool) -> bool:
    """The parameters cell's QUICK, unless NTK_VERIFY_NOTEBOOK_MODE=quick|full overrides it (the test
    suite forces quick); any other value of the variable is an error, not silently ignored."""
    mode = os.environ.get("NTK_VERIFY_NOTEBOOK_MODE", "").strip().lower()
    if mode in ("quick", "full"):
        return mode == "quick"
    if mode:
        raise ValueError(f"NTK_VERIFY_NOTEBOOK_MODE must be 'quick' or 'full', got {mode!r}")
    return quick


def anchor_id(claim_id):
    """HTML id of the evidence cell of a claim."""
    return "evidence-" + re.sub(r"[^A-Za-z0-9_-]+", "-", claim_id)


def run_document_checks(seed, level):
    """Run the registry's checkers of every claim of one seed document; [(claim, verdict)]."""
    from proofs_checks import registry

    return [(c, registry.run_check(c, level)) for c in registry.select([seed])]


def _cell(text, limit=300):
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return html.escape(text)


def _grade(verdict):
    from proofs_checks.report import grade

    return grade(verdict)


def show_verdict_table(results, static_evidence=None, title=""):
    """Render the verdicts as an HTML table; every non-confirmed claim links to its evidence.

    ``static_evidence`` maps a claim id (or id prefix; the first match wins) to the anchor of
    a cell of this notebook that shows the evidence (a figure or a computation); other claims link to
    the generated evidence section below the table.
    """
    static_evidence = static_evidence or {}
    if not results:
        display(Markdown("*No claims of this document are registered yet* "
                         "(`ntk-verify claims` lists what exists)."))
        return
    counts = {}
    for _, v in results:
        counts[v.status.value] = counts.get(v.status.value, 0) + 1
    rows = []
    for c, v in results:
        status = v.status.value
        link = ""
        if status != "confirmed":
            target = next((a for key, a in static_evidence.items() if c.id.startswith(key)), None)
            link = f'<a href="#{target or anchor_id(c.id)}">evidence</a>'
            if target:
                link += f' &middot; <a href="#{anchor_id(c.id)}">details</a>'
        rows.append(
            f"<tr><td><code>{html.escape(c.id)}</code></td>"
            f"<td>{html.escape(c.source.short())}<br><small>{html.escape(c.source.pointer)}</small></td>"
            f'<td style="color:{STATUS_COLOUR.get(status, "black")};font-weight:bold">{status}</td>'
            f"<td>{html.escape(_grade(v))}</td>"
            f"<td>{_cell(v.printed)}</td><td>{_cell(v.computed)}</td><td>{_cell(v.agreement, 80)}</td>"
            f"<td>{link}</td></tr>")
    summary = ", ".join(f"{n} {s}" for s, n in counts.items())
    head = ("<tr><th>claim</th><th>source</th><th>status</th><th>grade</th><th>printed</th><th>computed</th>"
            "<th>agreement</th><th></th></tr>")
    display(HTML(f"<p><b>{html.escape(title)}</b> {len(results)} claims: {summary}</p>"
                 f'<table style="font-size:85%">{head}{"".join(rows)}</table>'))


def show_evidence(results):
    """One anchored section per claim that is not confirmed: what was compared and why."""
    shown = 0
    for c, v in results:
        if v.status.value == "confirmed":
            continue
        shown += 1
        parts = [f'<h4 id="{anchor_id(c.id)}"><code>{html.escape(c.id)}</code> '
                 f"({html.escape(str(c.source))}): {html.escape(v.status.value)}</h4>", "<ul>"]
        for label, text in (("statement as printed", c.statement), ("printed", v.printed),
                            ("computed", v.computed), ("corrected", v.corrected),
                            ("to decide", v.decide), ("reason", v.reason), ("evidence", v.evidence)):
            if text:
                parts.append(f"<li><b>{label}:</b> {_cell(text, 2000)}</li>")
        parts.append(f"<li><b>checker time:</b> {v.seconds:.2f} s</li></ul>")
        display(HTML("".join(parts)))
    if not shown:
        display(Markdown("Every registered claim of this document was confirmed at this level."))


def show_expansion(label, expr):
    """Render `label = expr` in LaTeX."""
    display(Math(label + " = " + sympy.latex(expr)))


def elapsed():
    return f"{time.perf_counter() - _NOTEBOOK_START:.1f} s since the helpers were imported"
