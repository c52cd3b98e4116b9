"""Former location of the seed 001 numerics, kept for the notebooks: see :mod:`proofs_checks.doc001.numerics`."""
from proofs_checks.doc001.numerics import *  # noqa: F401,F403
from proofs_checks.doc001.numerics import __all__  # noqa: F401
