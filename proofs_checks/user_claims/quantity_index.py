"""The full quantity catalogue: the registry of :mod:`catalogue` filled by the quantity modules.

Kept apart from :mod:`catalogue` so that the quantity modules import the registry (decorator,
parameter helpers) without the registry importing them back (no import circle).
"""
from __future__ import annotations

from typing import Dict

from proofs_checks.user_claims import depth_quantities, eoc_quantities, kernel_quantities  # noqa: F401 (register)
from proofs_checks.user_claims.catalogue import QUANTITIES, Quantity
from proofs_checks.user_claims.errors import FieldError


def load_catalogue() -> Dict[str, Quantity]:
    return QUANTITIES


def get_quantity(name) -> Quantity:
    load_catalogue()
    if not isinstance(name, str) or name not in QUANTITIES:
        raise FieldError("quantity", f"unknown quantity {name!r}; 'ntk-verify quantities' lists "
                                     f"{', '.join(sorted(QUANTITIES))}")
    return QUANTITIES[name]
