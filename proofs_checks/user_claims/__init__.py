"""Users' own claims: TOML claims files, the quantity catalogue, comparison with printed values.

Public API: :func:`load_claims_file` (a file -> :class:`ClaimsDocument` of registry claims),
:func:`compute` (a catalogue quantity with its accuracy), :func:`catalogue`, :class:`ClaimInputError`.
"""
from __future__ import annotations

from proofs_checks.user_claims.errors import ClaimInputError, FieldError
from proofs_checks.user_claims.loader import ClaimsDocument, is_claims_path, load_claims_file


def catalogue():
    """{name: Quantity} of every quantity a claims file can name."""
    from proofs_checks.user_claims.quantity_index import load_catalogue

    return load_catalogue()


def compute(quantity_name: str, convention: str = "std", dps: int = 20, **params):
    """The catalogue quantity at these parameters: a ``Computed`` (value Approx or exact SymPy, how, ...)."""
    from proofs_checks.user_claims.catalogue import setting_from
    from proofs_checks.user_claims.quantity_index import get_quantity

    q = get_quantity(quantity_name)
    setting = setting_from(params, convention) if q.network else None
    return q.compute(params, setting, dps)


__all__ = ["ClaimInputError", "FieldError", "ClaimsDocument", "is_claims_path", "load_claims_file", "catalogue",
           "compute"]
