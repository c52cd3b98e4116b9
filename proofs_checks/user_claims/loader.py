"""Claims files (TOML, read with :mod:`tomllib`) as claims of the registry's model.

A file has an optional ``[document]`` table (title, source, convention, dps) and a list
``[[claim]]`` of tables with ``id``, ``quantity``, ``printed`` and the quantity's parameters
(``ntk-verify quantities`` lists them; ``ntk-verify claims --template`` prints a starter file).
Every claim becomes a :class:`~proofs_checks.verdict.Claim` whose checker computes the quantity and
judges the printed value (:mod:`proofs_checks.user_claims.compare`).  A claim with bad input is
kept, not dropped: its verdict has status ``error`` and ``data['input_error']`` holds the one-line
message naming the file, the claim id and the field.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from typing import List

from asymptotics.validation import InputError
from proofs_checks.user_claims.catalogue import CLAIM_FIELDS, CONVENTIONS, setting_from
from proofs_checks.user_claims.quantity_index import get_quantity
from proofs_checks.user_claims.errors import ClaimInputError, FieldError
from proofs_checks.user_claims.evaluate import DEFAULT_DPS, evaluate
from proofs_checks.user_claims.grading import check_file_severity
from proofs_checks.user_claims.values import parse_printed
from proofs_checks.verdict import Claim, Source, Status, Verdict

DOCUMENT_FIELDS = ("title", "source", "convention", "dps", "authors", "year", "url", "notes", "import")


@dataclass
class ClaimsDocument:
    path: str
    title: str
    source: str
    claims: List[Claim] = field(default_factory=list)
    errors: List[ClaimInputError] = field(default_factory=list)  # found while loading (claims kept)


def is_claims_path(text) -> bool:
    return isinstance(text, str) and (text.endswith(".toml") or os.sep in text and os.path.isfile(text))


def load_claims_file(path) -> ClaimsDocument:
    """Read a claims file.  A missing or malformed file raises :class:`ClaimInputError`; a bad claim
    does not: it is kept with a checker that reports the error (and listed in ``errors``)."""
    path = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise ClaimInputError(path, None, "file", "no such file") from None
    except OSError as err:
        raise ClaimInputError(path, None, "file", f"cannot read it ({err.strerror})") from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ClaimInputError(path, None, "file", "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ClaimInputError(path, None, "toml", f"malformed TOML: {err}") from None
    unknown = [k for k in data if k not in ("document", "claim")]
    if unknown:
        raise ClaimInputError(path, None, unknown[0], "unknown top-level table (expected [document] and [[claim]])")
    header = data.get("document", {})
    if not isinstance(header, dict):
        raise ClaimInputError(path, None, "document", "expected a table [document]")
    for key in header:
        if key not in DOCUMENT_FIELDS:
            raise ClaimInputError(path, None, f"document.{key}", f"unknown field (known: {', '.join(DOCUMENT_FIELDS)})")
    convention = header.get("convention", "std")
    if convention not in CONVENTIONS:
        raise ClaimInputError(path, None, "document.convention", f"expected std or variance, got {convention!r}")
    _import_modules(path, header.get("import", []))
    items = data.get("claim")
    if not isinstance(items, list) or not items:
        raise ClaimInputError(path, None, "claim", "no [[claim]] tables in the file")
    lines = _claim_lines(text)
    doc = ClaimsDocument(path, str(header.get("title", os.path.basename(path))), str(header.get("source", "")))
    seen = set()
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        claim, error = _make_claim(path, index, line, item, header, convention, seen)
        doc.claims.append(claim)
        if error is not None:
            doc.errors.append(error)
    return doc


def _import_modules(path, modules):
    """``import = ["my_package.activations"]``: modules imported first, e.g. to register activations
    (``asymptotics.activations.register_custom_activation``) that the claims then name."""
    import importlib

    if isinstance(modules, str):
        modules = [modules]
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise ClaimInputError(path, None, "document.import", f"expected a list of module names, got {modules!r}")
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as err:
            raise ClaimInputError(path, None, "document.import", f"cannot import {name!r}: {err}") from None


def _claim_lines(text):
    """1-based line of each claim: its ``id =`` line (else its ``[[claim]]`` header)."""
    out, current = [], None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if re.match(r"^\[\[\s*claim\s*\]\]", stripped):
            if current is not None:
                out.append(current)
            current = number
        elif current is not None and re.match(r"^id\s*=", stripped):
            out.append(number)
            current = None
    if current is not None:
        out.append(current)
    return out


def _make_claim(path, index, line, item, header, convention, seen):
    if not isinstance(item, dict):
        cid = f"claim#{index + 1}"
        return _broken(path, cid, line, ClaimInputError(path, cid, "claim", "expected a table")), None
    cid = item.get("id")
    if not isinstance(cid, str) or not cid.strip():
        bad = f"claim#{index + 1}"
        error = ClaimInputError(path, bad, "id", "required: a non-empty string" if cid is None else f"expected a string, got {cid!r}")
        return _broken(path, bad, line, error), error
    if cid in seen:
        bad = f"{cid}#{index + 1}"
        error = ClaimInputError(path, cid, "id", "duplicate claim id in this file")
        return _broken(path, bad, line, error), error
    seen.add(cid)
    try:
        spec = _validate(item, header, convention)
    except InputError as err:
        error = _as_claim_error(path, cid, err, item)
        return _broken(path, cid, line, error), error
    quantity, printed = spec["quantity"], spec["printed"]
    where = str(item.get("where", ""))
    statement = _latex_statement(quantity.name, spec["params"], item["printed"])

    def checker(level):
        return run_claim(path, cid, item, spec, level)

    title = str(item.get("title", "")) or (f"{quantity.name} as printed ({where})" if where else quantity.name)
    return Claim(cid, Source(path, (line, line), where), statement, "constant", checker, title), None


def _latex_statement(name, params, printed) -> str:
    """The claim as LaTeX text: \\texttt{quantity}(parameters) = printed (underscores escaped)."""
    def tex(text):
        return str(text).replace("\\", "").replace("_", "\\_").replace("$", "").replace("#", "\\#")

    args = ", ".join(f"{tex(k)}={tex(v)}" for k, v in params.items())
    return f"\\texttt{{{tex(name)}}}({args}) = {tex(printed)}"


def _validate(item, header, convention):
    """The claim's quantity, printed value, parameters and convention; FieldError on the first problem."""
    if "quantity" not in item:
        raise FieldError("quantity", "required")
    quantity = get_quantity(item["quantity"])
    if "printed" not in item:
        raise FieldError("printed", "required")
    known = quantity.all_parameters()
    params = {}
    for key, value in item.items():
        if key in CLAIM_FIELDS:
            continue
        if key not in known:
            raise FieldError(key, f"unknown field for {quantity.name} (its parameters: {', '.join(known)})")
        params[key] = value
    for key in quantity.required:
        if key not in params and not (key.endswith("sigma_w") and "sigma_w2" in params):
            raise FieldError(key, f"required by {quantity.name}")
    conv = item.get("convention", convention)
    if conv not in CONVENTIONS:
        raise FieldError("convention", f"expected std or variance, got {conv!r}")
    dps = item.get("dps", header.get("dps"))
    if dps is not None and (isinstance(dps, bool) or not isinstance(dps, int) or not 5 <= dps <= 60):
        raise FieldError("dps", f"expected a whole number of digits in [5, 60], got {dps!r}")
    printed = parse_printed(item["printed"], item.get("tolerance"), item.get("digits"), quantity.categorical)
    setting = setting_from(params, conv) if quantity.network else None
    severity = check_file_severity(item.get("severity"))
    consequence = item.get("consequence", "")
    if not isinstance(consequence, str):
        raise FieldError("consequence", f"expected a string, got {consequence!r}")
    return {"quantity": quantity, "printed": printed, "params": params, "convention": conv, "dps": dps,
            "setting": setting, "severity": severity, "consequence": consequence.strip()}


def _as_claim_error(path, cid, err, item) -> ClaimInputError:
    if isinstance(err, ClaimInputError):
        return err
    field_name = getattr(err, "field", None) or err.argument
    if field_name not in item and field_name not in ("quantity", "printed", "id") and "." not in field_name:
        # an engine's argument name that the file does not spell: attribute it to the nearest field
        aliases = {"sigma_w2": "sigma_w", "sigma_b2": "sigma_b", "sigma_w": "sigma_w2", "sigma_b": "sigma_b2",
                   "c_start": "rho", "one_minus_c": "rho", "digits": "dps", "depths": "depth", "alpha": "slope"}
        alias = aliases.get(field_name)
        field_name = alias if alias in item else "quantity"
        problem = f"{err}" if field_name == "quantity" else err.problem
    else:
        problem = err.problem
    return ClaimInputError(path, cid, field_name, problem)


def _broken(path, cid, line, error: ClaimInputError) -> Claim:
    def checker(level):
        return broken_verdict(error)

    return Claim(cid, Source(path, (line, line), ""), "(not readable)", "constant", checker, "broken claim")


def broken_verdict(error: ClaimInputError) -> Verdict:
    return Verdict(Status.ERROR, evidence=f"input error: {error}", data={"input_error": str(error)})


def run_claim(path, cid, item, spec, level) -> Verdict:
    """Compute the claim's quantity, judge its printed value and grade the verdict
    (:mod:`proofs_checks.user_claims.evaluate`; InputError -> a broken-claim verdict)."""
    dps = spec["dps"] or DEFAULT_DPS.get(level, 20)
    try:
        return evaluate(spec["quantity"], dict(spec["params"], printed=item["printed"]), spec["setting"],
                        spec["printed"], dps, spec["convention"], spec["severity"], spec["consequence"],
                        escalate=spec["dps"] is None)
    except InputError as err:
        return broken_verdict(_as_claim_error(path, cid, err, item))
