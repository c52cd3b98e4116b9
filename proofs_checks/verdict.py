"""The claim and verdict model (see DESIGN.md, 'Verdict model').

A :class:`Claim` is what a document asserts: a stable id, where it is printed
(seed file and line range), the statement as printed (LaTeX), the kind of check
it needs and a checker.  The checker receives the level ('quick' or 'full') and
returns a :class:`Verdict`.  The expected value in a verdict comes from the
document's text; the observed value comes from computation.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable, Optional

from proofs_checks.documents import document_of_seed

LEVELS = ("quick", "full")


SEVERITIES = ("substantive", "slip", "notation")
"""How serious a refutation is.

* substantive: the mathematics or a conclusion of the document changes;
* slip: wrong as printed but the conclusion survives (say where the document has it right);
* notation: a typo whose intended statement is clear from context.
"""

STRENGTHS = ("independent", "consistency", "weak")
"""How strong a confirmation is.

* independent: a computation that could have failed (it would reject the nearest wrong value);
* consistency: true by construction or definitional (a closed form against itself retyped);
* weak: a check with little power (say why and what would strengthen it).
"""


class Status(str, enum.Enum):
    CONFIRMED = "confirmed"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"
    OUT_OF_SCOPE = "out of scope"
    ERROR = "error"  # the checker itself failed: a bug, not a finding


@dataclass(frozen=True)
class Source:
    seed: str  # file name in ../shared/seeds/
    lines: tuple  # (first, last), 1-based as printed by `sed -n` / `nl`
    label: str = ""  # what the document prints, e.g. "Appendix Lemma 1", "eq. (18)"

    @property
    def pointer(self) -> str:
        """The secondary pointer: seed file and line range, e.g. '001_018e0351582ed44f.txt:732-736'."""
        first, last = self.lines
        span = f"{first}" if first == last else f"{first}-{last}"
        return f"{self.seed}:{span}"

    @property
    def document(self):
        return document_of_seed(self.seed)

    def short(self) -> str:
        """For narrow columns: 'Hayou et al. 2019, Fact 14'."""
        doc = self.document
        head = doc.short if doc else self.seed
        return head + (f", {self.label}" if self.label else "")

    def __str__(self):
        """'Title (Authors, Year), Label; seed:lines'."""
        doc = self.document
        head = doc.citation() if doc else self.seed
        return head + (f", {self.label}" if self.label else "") + f"; {self.pointer}"


@dataclass
class Verdict:
    status: Status
    printed: str = ""  # the document's value/statement being compared
    computed: str = ""  # what the computation found, with its accuracy
    agreement: str = ""  # e.g. "12 digits", "relative 3e-15", "rate exponent 1.00(2)"
    evidence: str = ""  # how it was computed; numbers supporting the status
    corrected: str = ""  # for refuted: the corrected statement
    decide: str = ""  # for inconclusive: what would decide it
    reason: str = ""  # for out of scope: why
    seconds: float = 0.0
    data: dict = field(default_factory=dict)
    severity: str = ""  # refuted only: one of SEVERITIES
    severity_reason: str = ""
    strength: str = ""  # confirmed only: one of STRENGTHS
    strength_reason: str = ""

    def grade(self, severity=None, strength=None) -> "Verdict":
        """Attach ``severity=(kind, reason)`` to a refutation, ``strength=(kind, reason)`` to a
        confirmation; the one that does not match the status is ignored.  Returns self."""
        if severity and self.status is Status.REFUTED and not self.severity:
            kind, reason = severity
            if kind not in SEVERITIES:
                raise ValueError(f"severity must be one of {SEVERITIES}, got {kind!r}")
            self.severity, self.severity_reason = kind, str(reason)
        if strength and self.status is Status.CONFIRMED and not self.strength:
            kind, reason = strength
            if kind not in STRENGTHS:
                raise ValueError(f"strength must be one of {STRENGTHS}, got {kind!r}")
            self.strength, self.strength_reason = kind, str(reason)
        return self

    def as_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "status"}
        out["status"] = self.status.value
        return out


def confirmed(printed, computed, agreement, evidence="", **data) -> Verdict:
    return Verdict(Status.CONFIRMED, str(printed), str(computed), str(agreement), evidence, data=data)


def refuted(printed, computed, corrected, evidence, agreement="", **data) -> Verdict:
    return Verdict(Status.REFUTED, str(printed), str(computed), str(agreement), evidence,
                   corrected=str(corrected), data=data)


def inconclusive(printed, computed, decide, evidence="", **data) -> Verdict:
    return Verdict(Status.INCONCLUSIVE, str(printed), str(computed), evidence=evidence,
                   decide=str(decide), data=data)


def out_of_scope(reason, printed="") -> Verdict:
    return Verdict(Status.OUT_OF_SCOPE, str(printed), reason=str(reason))


def judge(printed, computed, ok: bool, agreement, evidence, corrected="", severity=None, strength=None,
          **data) -> Verdict:
    """confirmed when ``ok`` else refuted (then ``corrected`` is required).

    ``severity`` and ``strength`` are ``(kind, reason)`` pairs (see SEVERITIES, STRENGTHS);
    the one matching the outcome is attached."""
    if ok:
        return confirmed(printed, computed, agreement, evidence, **data).grade(strength=strength)
    if not corrected:
        raise ValueError("a refutation needs the corrected statement")
    return refuted(printed, computed, corrected, evidence, agreement, **data).grade(severity=severity)


@dataclass(frozen=True)
class Claim:
    id: str  # stable, e.g. "hayou.fact14.s" ; never renamed once published
    source: Source
    statement: str  # LaTeX as printed (paraphrased notation allowed, never prose copied)
    kind: str  # 'constant', 'rate', 'limit', 'identity', 'inequality', 'figure', 'setting', ...
    checker: Optional[Callable[[str], Verdict]]
    title: str = ""
    scope_reason: str = ""  # set when the claim is registered as out of scope
    severity: Optional[tuple] = None  # (kind, reason) used when the checker refutes without grading
    strength: Optional[tuple] = None  # (kind, reason) used when the checker confirms without grading

    def check(self, level: str = "quick") -> Verdict:
        if level not in LEVELS:
            raise ValueError(f"argument 'level': expected one of {LEVELS}, got {level!r}")
        if self.checker is None:
            return out_of_scope(self.scope_reason or "not checkable by computation")
        return self.checker(level).grade(severity=self.severity, strength=self.strength)
