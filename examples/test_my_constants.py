"""Hand-written tests of asymptotic constants with proofs_checks.testing (run: pytest examples/).

Each assertion passes only when the computed enclosure supports it; the claims file beside this one
(example.claims.toml) is collected by the pytest plugin as one test per claim.
"""
from proofs_checks.testing import assert_certified, check, value


def test_relu_depth_law_leading_constant():
    # 1 - c^l ~ 9 pi^2 / (2 l^2) for ReLU on the Edge of Chaos
    assert_certified(value("depth_law.coefficient", activation="relu", series="one_minus_c", term="1/l**2"),
                     "9*pi**2/2")


def test_tanh_edge_of_chaos_to_ten_digits():
    sigma_w = value("eoc.sigma_w", activation="tanh", sigma_b="0.2", dps=25)
    assert_certified(sigma_w, "1.304145840057", digits=12)


def test_seed001_setting_is_ordered():
    assert check("phase", "ordered", activation="tanh", sigma_w="1.298", sigma_b="0.2").status.value == "confirmed"


def test_ntk_quantity_fixture(ntk_quantity):
    # the fixture of the plugin: the normalised ReLU NTK at depth 10 with its certified radius
    result = ntk_quantity("kernel.normalised_ntk", activation="relu", rho="0.5", depth=10)
    assert result.value.method == "certified" and result.value.correct_digits >= 25
