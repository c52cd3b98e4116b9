"""Declared smoothness: methods that assume a Taylor expansion at c = 1 refuse where it does not exist,
and the smooth-side reproducers of issue 18 end in one line (exit 2 or 3), never a traceback."""
from __future__ import annotations

import math

import mpmath
import pytest

from asymptotics import dual, eoc
from asymptotics.activations import get_activation
from asymptotics.smooth import custom_activation
from asymptotics.validation import InputError


def test_elu_and_selu_declared_smoothness():
    elu, elu2, selu = get_activation("elu"), get_activation("elu", alpha="0.5"), get_activation("selu")
    assert elu.first_discontinuous_derivative == 2 and elu.kink == (0,)
    assert elu2.first_discontinuous_derivative == 1 and selu.first_discontinuous_derivative == 1
    # one-sided derivatives really jump where declared (and not below)
    h = mpmath.mpf("1e-30")
    for act, k in ((elu, 2), (elu2, 1), (selu, 1)):
        for j in range(k):
            assert abs(act.derivative(j)(h) - act.derivative(j)(-h)) < 1e-20
        assert abs(act.derivative(k)(h) - act.derivative(k)(-h)) > 0.1
    assert get_activation("relu").first_discontinuous_derivative == 1
    assert get_activation("linear").first_discontinuous_derivative is None
    assert get_activation("tanh").first_discontinuous_derivative is None


def test_elu_values_of_the_formula():
    elu = get_activation("selu")
    x = mpmath.mpf("-0.7")
    with mpmath.workdps(30):
        alpha, scale = mpmath.mpf("1.6732632423543772848170429916717"), mpmath.mpf("1.0507009873554804934193349852946")
        assert abs(elu.phi(x) - scale * alpha * (mpmath.exp(x) - 1)) < 1e-28
        assert elu.phi(mpmath.mpf(2)) == scale * 2


def test_elu_f_second_exists_third_refused():
    point = eoc.edge_of_chaos("elu", "0.2", 15)
    assert "tanh-sinh split at x = 0 (dps 27) vs tanh-sinh split at x = 0 (dps 21)" in point.accuracy
    values = eoc.derivatives_at_one_eoc("elu", "0.2", 2, 15)
    assert values[2].correct_digits >= 12 and values[2].mid > 0
    with pytest.raises(InputError, match=r"f\^\(3\)\(c\) -> infinity"):
        eoc.derivatives_at_one_eoc("elu", "0.2", 3, 15)
    with pytest.raises(InputError, match=r"f\^\(2\)\(c\) -> infinity"):
        dual.derivatives_at_one("selu", 1.2, 0.2, 2, 15, q=1)


def test_expansions_and_depth_laws_refuse_before_any_work(monkeypatch):
    from asymptotics import depth_laws, series

    monkeypatch.setattr(series, "eoc_derivatives_at_one", lambda *a, **k: pytest.fail("no work expected"))
    for call in (lambda: series.smooth_taylor("elu", 0.2, 2, 15),
                 lambda: depth_laws.smooth_eoc_depth_law("elu", 0.2, 3, 15),
                 lambda: series.smooth_taylor("selu", 0.2, 1, 15)):
        with pytest.raises(InputError, match="no Taylor expansion at c = 1"):
            call()
    # the ReLU family keeps its Puiseux path
    assert depth_laws.relu_eoc_depth_law(3) is not None


def test_custom_kinked_activation_refuses_second_order_unless_declared():
    def phi(x):
        return x if x > 0 else mpmath.expm1(x)

    def d1(x):
        return mpmath.mpf(1) if x > 0 else mpmath.exp(x)

    def d2(x):
        return mpmath.mpf(0) if x > 0 else mpmath.exp(x)

    def d3(x):
        return mpmath.mpf(0) if x > 0 else mpmath.exp(x)

    undeclared = custom_activation("elu_by_hand", phi, [d1, d2, d3], kink=(0,))
    with pytest.raises(InputError, match="beyond order 1"):
        dual.derivatives_at_one(undeclared, 1.2, 0.2, 2, 15, q=1)
    declared = custom_activation("elu_by_hand2", phi, [d1, d2, d3], kink=(0,), first_discontinuous_derivative=2)
    assert dual.derivatives_at_one(declared, 1.2, 0.2, 2, 15, q=1)[2].mid > 0
    with pytest.raises(InputError, match="beyond order 2"):
        dual.derivatives_at_one(declared, 1.2, 0.2, 3, 15, q=1)
    # a declaration the one-sided derivatives contradict is refused (phi'' jumps at 0)
    with pytest.raises(InputError, match=r"phi\^\(2\) jumps at x = 0"):
        custom_activation("elu_wrong", phi, [d1, d2, d3], kink=(0,), first_discontinuous_derivative=3)


def test_dual_needs_q_explicitly_and_eoc_supplies_the_fixed_point():
    with pytest.raises(InputError, match="q"):
        dual.derivatives_at_one("tanh", 1.3, 0.2, 2, 15)
    at_fixed = eoc.derivatives_at_fixed_point("tanh", 1.3, 0.2, 2, 15)
    assert abs(at_fixed[0].mid - 1) <= at_fixed[0].rad + mpmath.mpf(10) ** -14  # f(1) = 1 at q*


@pytest.mark.parametrize("argv, needle, code", [
    (["series", "--activation", "tanh", "--sigma-b", "0"], "'--sigma-b'", 2),
    (["series", "--activation", "leaky_relu", "--alpha", "x"], "'--alpha'", 2),
    (["series", "--activation", "tanh", "--alpha", "0.1"], "'--alpha'", 2),
    (["series", "--activation", "elu", "--order", "2"], "no Taylor expansion", 2),
    (["series", "--activation", "tanh", "--max-digits", "0"], "'--max-digits'", 2),
    (["deep-narrow", "--c-exponent", "400", "--depth", "100"], "'--c-exponent'", 2),
    (["deep-narrow", "--c-exponent", "x"], "'--c-exponent'", 2),
    (["finite-width", "--width", "8", "--beta", "x"], "'--beta'", 2),
    (["finite-width", "--width", "8", "--seeds", "0"], "'--seeds'", 2),
    (["finite-width", "--width", "8", "--depth", "1.5"], "'--depth'", 2),
    (["eoc", "--activation", "softplus"], "no Edge of Chaos", 2),
])
def test_cli_one_line_errors(capsys, argv, needle, code):
    from proofs_checks.cli import main

    assert main(argv) == code
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and needle in err, err


def test_series_max_digits_caps_printed_digits(capsys):
    from proofs_checks.cli import main

    assert main(["series", "--activation", "relu", "--order", "2", "--digits", "30", "--max-digits", "6"]) == 0
    out = capsys.readouterr().out
    shown = [tok for tok in out.replace("(", " ").split() if tok[:1].isdigit() and "." in tok]
    assert shown and all(len(t.split("e")[0].replace(".", "").lstrip("0")) <= 6 for t in shown)


def test_deep_narrow_limit_is_float64_safe():
    from asymptotics import deep_narrow as dn

    with pytest.raises(InputError, match="C_L"):
        dn.init_mlp(2, 1, 5, 1e200)
    assert math.isfinite(dn.init_mlp(2, 1, 5, 1e50).C_L)
