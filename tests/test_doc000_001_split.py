"""Seeds 000 and 001 after their split into packages (``proofs_checks/doc000``, ``proofs_checks/doc001``).

The claim ids and their registration order are those of the single-file modules before the split
(recorded from that code); claims added later may be inserted, but these keep their relative order.
"""
from pathlib import Path

from proofs_checks.registry import all_claims

# recorded from proofs_checks/doc000_depth_ntk.py before the split
IDS_000_BEFORE_SPLIT = [
    'depth_ntk.prop1.perfect_correlation',
    'depth_ntk.prop2.correlation_map',
    'depth_ntk.case_a.sphere_invertible',
    'depth_ntk.case_b.noncolinear_invertible',
    'depth_ntk.case_c.stereographic_dot_products',
    'depth_ntk.case_c.stereographic_invertible',
    'depth_ntk.prop3.kernel_regression',
    'depth_ntk.lemma1.rho_to_one',
    'depth_ntk.prop4.recursion',
    'depth_ntk.prop4.range',
    'depth_ntk.thm2.converges_to_one',
    'depth_ntk.thm2.det_to_zero',
    'depth_ntk.thm3.limit_exists',
    'depth_ntk.thm3.limit_nontrivial',
    'depth_ntk.thm3.limit_at_data_point',
    'depth_ntk.thm3.bound_and_norm',
    'depth_ntk.prop5.boundary_values',
    'depth_ntk.prop5.smooth',
    'depth_ntk.prop5.property4',
    'depth_ntk.thm3.proof.v_vanish_via_det',
    'depth_ntk.sec6.v_faster_than_det',
    'depth_ntk.thm3.proof.log_concavity',
    'depth_ntk.sec6.kernel_properties_rho',
    'depth_ntk.sec6.kernel_properties_eta',
    'depth_ntk.sec6.rate_logarithmic',
    'depth_ntk.sec6.rho_eta_fast',
    'depth_ntk.sec6.weights_converge_fast',
    'depth_ntk.fig1.curves',
    'depth_ntk.figA.det_digits',
    'depth_ntk.concl.ordered_phase',
    'depth_ntk.thm1.jacot',
    'depth_ntk.thm3.rde_machinery',
    'depth_ntk.sec5.width_depth',
    'depth_ntk.sec6.small_det_hypothesis',
]

# recorded from proofs_checks/doc001_meanfield_ntk.py before the split
IDS_001_BEFORE_SPLIT = [
    'hayou.eq8.linear_model',
    'hayou.cao_gu_bound',
    'hayou.discretisation_error',
    'hayou.clt_error',
    'hayou.lemma1.main_text',
    'hayou.lemma1.appendix',
    'hayou.lemma3.resnet_recursion',
    'hayou.lemma2.cnn_recursion',
    'hayou.lemma2.cnn_recursion_appendix',
    'hayou.lemma4.resnet_cnn_recursion',
    'hayou.prop1.ordered_chaotic_limit',
    'hayou.thm1.diag_rate.relu',
    'hayou.thm1.diag_rate.tanh',
    'hayou.thm1.offdiag_rate.relu',
    'hayou.thm1.lambda.relu',
    'hayou.thm1.tanh_limit_and_rate',
    'hayou.fact14.s',
    'hayou.fact14.b',
    'hayou.fact17.relu_fprime',
    'hayou.app_lemma1.kappa',
    'hayou.app_lemma1.log_term',
    'hayou.app_lemma1.fprime_first',
    'hayou.app_lemma1.fprime_log',
    'hayou.app_lemma1.proof_fprime_log',
    'hayou.app_lemma4.relu_cnn_eoc',
    'hayou.fact13.relu_rate',
    'hayou.app_lemma9.kappa',
    'hayou.app_lemma9.log_term',
    'hayou.app_lemma9.fprime_first',
    'hayou.app_lemma9.fprime_log',
    'hayou.thm2.growth',
    'hayou.thm2.diag_limit',
    'hayou.thm2.diag_rate',
    'hayou.thm2.offdiag_rate',
    'hayou.prop2.growth',
    'hayou.prop2.product',
    'hayou.prop2.rate',
    'hayou.prop2.fprime',
    'hayou.app_lemma10.zeta',
    'hayou.app_lemma10.second_term',
    'hayou.app_lemma2.expansion',
    'hayou.app_lemma2.fprime',
    'hayou.app_lemma3.tanh_cnn_eoc',
    'hayou.app_lemma3.constants',
    'hayou.fact3.tanh_rate',
    'hayou.fact6.formula',
    'hayou.fact6.positive',
    'hayou.fact7.taylor_signs',
    'hayou.setting.tanh_eoc',
    'hayou.setting.relu_eoc',
    'hayou.setting.ordered',
    'hayou.table1.learnability',
    'hayou.table2.mnist_accuracies',
    'hayou.table3.cifar100_accuracies',
    'hayou.fig1.cifar_curves',
    'hayou.setting.epochs',
    'hayou.setting.cifar_schedule',
    'hayou.relu_covariance_map',
    'hayou.chi_backprop',
    'hayou.cnn_correlation_map',
    'hayou.fact1.tanh_variance',
    'hayou.fact15.cnn_variance',
    'hayou.fact2.tanh_ordered',
    'hayou.fact4.tanh_chaotic',
    'hayou.fact5.correlation_map',
    'hayou.fact8.relu_ordered',
    'hayou.fact9.relu_ordered_corr',
    'hayou.fact10.relu_chaotic',
    'hayou.fact11.relu_eoc_variance',
    'hayou.fact12.relu_eoc_singleton',
    'hayou.fact16.fixed_points',
    'hayou.fact17.fprime_convergence',
    'hayou.app_lemma3.circulant',
    'hayou.app_lemma3.ordered_chaotic',
    'hayou.app_lemma5.uniform_bounds',
    'hayou.app_lemma6.geometric',
    'hayou.app_lemma7.rate',
    'hayou.app_lemma7.sum_constant',
    'hayou.app_lemma8.rate',
    'hayou.sh.count',
    'hayou.legendre.norm',
    'hayou.funk_hecke',
    'hayou.thm3.eigenvalue_limits',
    'hayou.fig2.eoc_richer',
    'hayou.fig1.rates',
    'hayou.text.relu_tanh_log_gap',
    'hayou.assumption1.count',
    'hayou.app_lemma1.inverse_sqrt_step',
]


def _ids(prefix):
    return [c.id for c in all_claims() if c.id.startswith(prefix)]


def _is_ordered_subsequence(old, new):
    position = {cid: k for k, cid in enumerate(new)}
    return all(c in position for c in old) and [position[c] for c in old] == sorted(position[c] for c in old)


def test_claim_ids_and_order_survive_the_split():
    for prefix, old in (("depth_ntk.", IDS_000_BEFORE_SPLIT), ("hayou.", IDS_001_BEFORE_SPLIT)):
        new = _ids(prefix)
        assert _is_ordered_subsequence(old, new), prefix
        assert len(set(new)) == len(new)


def test_the_order_check_can_fail():
    assert not _is_ordered_subsequence(["a", "b"], ["b", "a"])
    assert not _is_ordered_subsequence(["a", "b"], ["a"])
    assert _is_ordered_subsequence(["a", "b"], ["a", "x", "b"])


def test_document_modules_are_small():
    root = Path(__file__).resolve().parents[1] / "proofs_checks"
    for pkg in ("doc000", "doc001"):
        files = sorted((root / pkg).glob("*.py"))
        assert len(files) >= 5, pkg
        for f in files:
            n = sum(1 for _ in f.open(encoding="utf-8"))
            assert n <= 620, (f.name, n)
