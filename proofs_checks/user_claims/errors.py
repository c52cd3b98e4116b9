"""The one error type of claims files: it names the file, the claim id and the field."""
from __future__ import annotations

from asymptotics.validation import InputError


class ClaimInputError(InputError):
    """Bad input in a claims file; ``str(err)`` is one line: ``file: claim 'id': field 'f': problem``."""

    def __init__(self, path, claim_id, field, problem):
        self.path, self.claim_id, self.field = str(path), claim_id, field
        where = [self.path]
        if claim_id is not None:
            where.append(f"claim {claim_id!r}")
        ValueError.__init__(self, ": ".join(where + [f"field {field!r}", problem]))
        self.argument, self.problem = field, problem

    def __str__(self):
        return self.args[0]


class FieldError(InputError):
    """Raised by the catalogue and value parsers: a problem with one field of one claim.

    The loader adds the file and the claim id and turns it into :class:`ClaimInputError`.
    """

    def __init__(self, field, problem):
        super().__init__(field, problem)
        self.field = field
