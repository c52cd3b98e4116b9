"""Seed 002's claims after the split of the document module into proofs_checks/doc002/: the ids and
their registration order are the ones the single-file module registered (recorded from it before the
split); claims added since may sit anywhere, the recorded ones keep their relative order."""
from proofs_checks import registry

RECORDED_BEFORE_SPLIT = [
    "jacot.parameter_count", "jacot.input_measure", "jacot.remark1.gradient_scaling",
    "jacot.kernel_gradient.cost_decay", "jacot.random_features.lln", "jacot.prop1.gaussian_limit",
    "jacot.theorem1.ntk_limit", "jacot.theorem1.base_case", "jacot.theorem2.ntk_constant", "jacot.theorem2.rate",
    "jacot.remark4.activations", "jacot.lemma1.weights", "jacot.theorem2.function_dynamics",
    "jacot.prop2.positive_definite", "jacot.remark6.polynomial", "jacot.lemma2.hermite_dual",
    "jacot.prop2.change_of_variables", "jacot.prop2.nu_series", "jacot.remark2.gaussian_measure",
    "jacot.remark3.rademacher", "jacot.theorem3.gneiting", "jacot.least_squares.solution",
    "jacot.least_squares.f_infinity", "jacot.least_squares.eigenvalues", "jacot.least_squares.trajectory",
    "jacot.remark5.global_minimum", "jacot.operator_norm", "jacot.proof_theorem2.phi_norm",
    "jacot.figure1.variance", "jacot.figure1.mean", "jacot.figure1.inflation", "jacot.figure2.limit_distribution",
    "jacot.figure3.mnist_eigenvalues", "jacot.figure3.straight_line", "jacot.figure3.small_faster",
    "jacot.footnote3.beta_gap",
]


def test_seed002_ids_and_order_unchanged_by_the_split():
    ids = [c.id for c in registry.all_claims() if c.id.startswith("jacot.")]
    assert [i for i in ids if i in RECORDED_BEFORE_SPLIT] == RECORDED_BEFORE_SPLIT
    assert len(ids) == len(set(ids))


def test_seed002_modules_are_small():
    from pathlib import Path

    import proofs_checks.doc002 as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 600, path.name
