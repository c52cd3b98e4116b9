"""ntk-verify mathematics: pure, importable functions for NNGP/NTK depth theory.

No claims, no command line: see ``proofs_checks`` for those.
"""
from asymptotics.validation import InputError

__all__ = ["InputError"]
