"""Local expansions of the correlation map f and of f' near correlation 1.

On the Edge of Chaos (EOC) f(1) = 1 and f'(1) = 1.  Writing ``delta = 1 - c``
we expand the map delta -> 1 - f(1 - delta) and the slope f'(1 - delta):

    1 - f(1 - delta) = delta - sum_{j>=1} A_j delta^(1 + j/m),
    f'(1 - delta)    = 1     - sum_{j>=1} D_j delta^(j/m),

with ``m = 2`` (a Puiseux series in sqrt(1 - c)) for the ReLU family and
``m = 1`` (a Taylor series) for smooth activations.

ReLU family (phi(x) = b x for x > 0, a x for x < 0) on its EOC
(sigma_w^2 = 2 / (a^2 + b^2), sigma_b = 0): with theta = acos(c) =
2 asin(sqrt(delta/2)) and g(theta) = sin(theta) - theta cos(theta),

    1 - f(1 - delta) = delta - gamma g(theta),   f'(1 - delta) = 1 - gamma theta,
    gamma = (b - a)^2 / (pi (a^2 + b^2)),

from the closed form k(rho) of the dual map (arc-cosine kernel; seed 001
Fact 12, lines 686-688, for ReLU where gamma = 1/pi).  Every A_j, D_j is an
exact algebraic multiple of gamma.

Smooth activations: A_j = (-1)^(j+1) f^(j+1)(1)/(j+1)!, D_j = (-1)^(j+1)
f^(j+1)(1)/j!, where f^(j)(1) = sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2] at the
EOC fixed-point variance q (a Gaussian moment; compare seed 001 Fact 6, lines
644-646, which omits the sqrt(q) inside phi^(j)).  The coefficients are kept as
symbols ``f2, f3, ...`` with the moment integrals as their meaning and their
numerical values at the requested precision.

Public functions: :func:`relu_puiseux`, :func:`relu_family_puiseux`,
:func:`smooth_taylor`, :func:`resnet_relu_puiseux`; all return a
:class:`LocalExpansion`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

import mpmath
import sympy

from asymptotics.accuracy import AGREEMENT, Approx, agreement
from asymptotics.validation import ComputationError, InputError, check_digits, check_finite, check_nonnegative

__all__ = [
    "LocalExpansion",
    "relu_puiseux",
    "relu_family_puiseux",
    "resnet_relu_puiseux",
    "smooth_taylor",
    "numeric_value",
    "DELTA",
    "C",
]

#: 1 - c, the distance of the correlation to 1.
DELTA = sympy.Symbol("delta", positive=True)
#: the correlation c.
C = sympy.Symbol("c", real=True)


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise InputError("order", f"expected an integer >= 1, got {order!r}")
    if order > 40:
        raise InputError("order", f"at most 40 terms are supported, got {order}")
    return order


def numeric_value(expr, values: Dict = None, dps: int = 30) -> Approx:
    """Evaluate a SymPy expression whose free symbols have numeric ``values``.

    ``values`` maps symbols to :class:`Approx`.  The result is the agreement
    between an evaluation at ``dps + 10`` digits with the midpoints and one
    at ``dps`` digits with every input moved by its radius in the direction
    that moves the result most (first-order propagation), so that the radius
    covers both rounding and the inputs' own uncertainty.
    """
    dps = check_digits("dps", dps)
    values = values or {}
    expr = sympy.sympify(expr)
    missing = [s for s in expr.free_symbols if s not in values]
    if missing:
        raise InputError("values", f"no numerical value for {', '.join(map(str, missing))}")
    syms = sorted(expr.free_symbols, key=str)
    with mpmath.workdps(dps + 10):
        subs_hi = {s: sympy.Float(values[s].mid, dps + 10) for s in syms}
        hi = mpmath.mpf(sympy.N(expr.subs(subs_hi), dps + 10))
        # propagate input radii to first order with the derivative
        rad = mpmath.mpf(0)
        method = AGREEMENT
        for s in syms:
            if values[s].rad:
                deriv = sympy.diff(expr, s).subs(subs_hi)
                rad += abs(mpmath.mpf(sympy.N(deriv, 15))) * values[s].rad
                if values[s].method != "certified":
                    method = values[s].method
    with mpmath.workdps(dps):
        lo = mpmath.mpf(sympy.N(expr.subs({s: sympy.Float(values[s].mid, dps) for s in syms}), dps))
    base = agreement(hi, lo)
    floor = abs(hi) * mpmath.mpf(10) ** (-dps)  # never claim more than dps digits
    return Approx(hi, max(base.rad + 2 * rad, floor), method)


@dataclass(frozen=True)
class LocalExpansion:
    """The correlation map and its slope near c = 1 (see the module docstring).

    ``map_coefficients[j-1] = A_j`` and ``derivative_coefficients[j-1] = D_j``
    (both SymPy expressions, zeros included), ``ramification = m``.
    ``values`` gives the numerical value (an :class:`Approx`) of every symbol
    occurring in the coefficients; ``meaning`` gives, for each such symbol,
    the expression it stands for (e.g. a Gaussian moment integral).
    """

    name: str
    ramification: int
    map_coefficients: Tuple
    derivative_coefficients: Tuple
    values: Dict = field(default_factory=dict, compare=False)
    meaning: Dict = field(default_factory=dict, compare=False)
    parameters: Dict = field(default_factory=dict, compare=False)

    # exponents of delta
    def map_exponent(self, j: int):
        return 1 + sympy.Rational(j, self.ramification)

    def derivative_exponent(self, j: int):
        return sympy.Rational(j, self.ramification)

    def correlation_map(self, c=C):
        """f(c) = c + sum_j A_j (1 - c)^(1 + j/m) as a SymPy expression (truncated)."""
        delta = 1 - c
        return c + sympy.Add(*[a * delta ** self.map_exponent(j + 1)
                               for j, a in enumerate(self.map_coefficients)])

    def derivative_map(self, c=C):
        """f'(c) = 1 - sum_j D_j (1 - c)^(j/m) as a SymPy expression (truncated)."""
        delta = 1 - c
        return 1 - sympy.Add(*[d * delta ** self.derivative_exponent(j + 1)
                               for j, d in enumerate(self.derivative_coefficients)])

    def delta_map(self, delta=DELTA):
        """1 - f(1 - delta) = delta - sum_j A_j delta^(1 + j/m)."""
        return delta - sympy.Add(*[a * delta ** self.map_exponent(j + 1)
                                   for j, a in enumerate(self.map_coefficients)])

    def terms(self, which: str = "map", dps: int = 30):
        """[(exponent, coefficient, Approx value)] of the non-zero terms.

        For ``which='map'`` the terms are those of f(c) - c in powers of 1 - c
        (coefficient +A_j); for ``which='derivative'`` those of f'(c) - 1
        (coefficient -D_j).
        """
        if which == "map":
            items = [(self.map_exponent(j + 1), a) for j, a in enumerate(self.map_coefficients)]
        elif which == "derivative":
            items = [(self.derivative_exponent(j + 1), -d) for j, d in enumerate(self.derivative_coefficients)]
        else:
            raise InputError("which", f"expected 'map' or 'derivative', got {which!r}")
        return [(p, c, numeric_value(c, self.values, dps)) for p, c in items if c != 0]

    def numeric(self, expr, dps: int = 30) -> Approx:
        return numeric_value(expr, self.values, dps)


# ---------------------------------------------------------------------------
# ReLU family: exact Puiseux series
# ---------------------------------------------------------------------------

def _relu_shape_series(n_terms: int):
    """Exact series in u = sqrt(delta) of g(theta(u)) / u^3 and theta(u) / u.

    theta = 2 asin(u / sqrt 2) = sqrt(2) u T(u^2/2) with T(w) = sum_k binom(2k,k) w^k / (4^k (2k+1)),
    g(theta) = sin theta - theta cos theta = sum_k (-1)^(k+1) 2k theta^(2k+1) / (2k+1)!
    (the cancellation-free series).  Both results are sqrt(2) times a series in
    u^2 with rational coefficients; returned as lists indexed by the power of u.
    """
    from asymptotics.formal_series import Series

    n_even = n_terms + 1  # number of powers of w = u^2 kept
    T = Series({k: sympy.binomial(2 * k, k) / (sympy.Integer(4) ** k * (2 * k + 1) * sympy.Integer(2) ** k)
                for k in range(n_even)}, n_even)  # T(w/2) in powers of w = u^2
    g_over = Series({}, n_even)
    for k in range(1, n_even + 1):
        # theta^(2k+1) / u^3 = 2^k sqrt(2) w^(k-1) T^(2k+1)
        term = (T ** (2 * k + 1)).shift(k - 1) * (sympy.Integer(2) ** k * (-1) ** (k + 1) * 2 * k
                                                  / sympy.factorial(2 * k + 1))
        g_over = g_over + term
    root2 = sympy.sqrt(2)
    g_over_u3, theta_over_u = [], []
    for k in range(2 * n_terms):
        if k % 2:
            g_over_u3.append(sympy.Integer(0))
            theta_over_u.append(sympy.Integer(0))
        else:
            g_over_u3.append(root2 * g_over[k // 2])
            theta_over_u.append(root2 * T[k // 2])
    return g_over_u3, theta_over_u


def relu_family_puiseux(order: int, a=0, b=1, name: Optional[str] = None) -> LocalExpansion:
    """Puiseux expansion at c = 1 of the EOC correlation map of phi = (a, b)-ReLU.

    ``order`` = number of non-zero correction terms kept in each of f and f'
    (f: powers 3/2, 5/2, ..., f': powers 1/2, 3/2, ...).  ``a``, ``b`` may be
    numbers or SymPy symbols; the EOC normalisation sigma_w^2 = 2/(a^2+b^2),
    sigma_b = 0 makes f(1) = f'(1) = 1.  A_j = gamma [u^(j+2)] g(theta(u)),
    D_j = gamma [u^j] theta(u) with gamma = (b-a)^2/(pi (a^2+b^2)).
    """
    order = _check_order(order)
    a_s, b_s = sympy.sympify(a), sympy.sympify(b)
    if a_s.is_number and b_s.is_number:
        check_finite("a", float(a_s))
        check_finite("b", float(b_s))
        if a_s == b_s:
            raise InputError("a", "a = b is the linear activation: f(c) = c has no expansion to derive")
        if a_s**2 + b_s**2 == 0:
            raise InputError("b", "a and b cannot both vanish")
    gamma = (b_s - a_s) ** 2 / (sympy.pi * (a_s**2 + b_s**2))
    g_over_u3, theta_over_u = _relu_shape_series(order)
    # 1 - f = delta - gamma g, g = u^3 * sum_k g_k u^k -> A_j = gamma * g_{j-1}
    map_coefficients = tuple(sympy.factor(gamma * g_over_u3[j]) for j in range(2 * order - 1))
    derivative_coefficients = tuple(sympy.factor(gamma * theta_over_u[j]) for j in range(2 * order - 1))
    return LocalExpansion(
        name=name or f"abrelu(a={a_s}, b={b_s})",
        ramification=2,
        map_coefficients=map_coefficients,
        derivative_coefficients=derivative_coefficients,
        parameters={"a": a_s, "b": b_s, "sigma_w^2": 2 / (a_s**2 + b_s**2), "sigma_b": 0, "gamma": gamma},
    )


def relu_puiseux(order: int = 4) -> LocalExpansion:
    """ReLU on its EOC (sigma_w^2 = 2, sigma_b = 0): f(c) = 2 k(c), c + s (1-c)^(3/2) + ...

    Exact coefficients: f(c) = c + (2 sqrt 2/(3 pi)) (1-c)^(3/2) + (sqrt 2/(30 pi)) (1-c)^(5/2) + ...
    (derived here from the closed form; compare seed 001 Fact 14, lines 690-700).
    """
    return relu_family_puiseux(order, 0, 1, name="relu")


def resnet_relu_puiseux(order: int, sigma_w) -> LocalExpansion:
    """Residual ReLU map c -> (c + alpha f(c)) / (1 + alpha), alpha = sigma_w^2 / 2.

    The correlation recursion of a ResNet with fully connected ReLU blocks
    (seed 001 Appendix Lemma 9, lines 1343-1347): delta -> delta - (alpha/(1+alpha))
    (delta - F(delta)).  The slope f' reported here is that of the plain ReLU
    map f (as in the statement of that lemma), not of the residual map.
    """
    sw = sympy.sympify(sigma_w)
    if sw.is_number:
        check_finite("sigma_w", float(sw))
        if sw <= 0:
            raise InputError("sigma_w", f"must be > 0, got {sigma_w}")
    alpha = sw**2 / 2
    base = relu_puiseux(order)
    weight = alpha / (1 + alpha)
    return LocalExpansion(
        name=f"resnet-relu(sigma_w={sw})",
        ramification=2,
        map_coefficients=tuple(sympy.simplify(weight * c) for c in base.map_coefficients),
        derivative_coefficients=base.derivative_coefficients,
        parameters={"sigma_w": sw, "alpha": alpha},
    )


# ---------------------------------------------------------------------------
# Smooth activations: Taylor series with Gaussian-moment coefficients
# ---------------------------------------------------------------------------

def derivative_symbol(j: int) -> sympy.Symbol:
    """The symbol standing for f^(j)(1)."""
    return sympy.Symbol(f"f{j}", real=True)


def gaussian_moment_expression(activation: str, j: int):
    """f^(j)(1) = sigma_w^2 q^(j-1) E[phi^(j)(sqrt(q) Z)^2] as a SymPy expression.

    Symbols ``sigma_w`` and ``q`` (the EOC fixed-point variance); the
    expectation is an explicit Gaussian integral for activations SymPy knows
    (tanh, erf, sin, ...) and an opaque function otherwise.
    """
    z = sympy.Symbol("z", real=True)
    sigma_w, q = sympy.symbols("sigma_w q", positive=True)
    x = sympy.Symbol("x", real=True)
    known = {"tanh": sympy.tanh(x), "erf": sympy.erf(sympy.sqrt(sympy.pi) * x / 2),
             "sin": sympy.sin(x), "swish": x / (1 + sympy.exp(-x)), "gelu": x * (1 + sympy.erf(x / sympy.sqrt(2))) / 2}
    phi = known.get(activation, sympy.Function("phi")(x))
    dj = sympy.diff(phi, x, j).subs(x, sympy.sqrt(q) * z)
    density = sympy.exp(-z**2 / 2) / sympy.sqrt(2 * sympy.pi)
    return sigma_w**2 * q ** (j - 1) * sympy.Integral(dj**2 * density, (z, -sympy.oo, sympy.oo))


def smooth_taylor(activation: str = "tanh", sigma_b=0.2, order: int = 4, dps: int = 30,
                  derivatives_at_one: Optional[Dict[int, Approx]] = None) -> LocalExpansion:
    """Taylor expansion at c = 1 of the EOC correlation map of a smooth activation.

    ``order`` = number of correction terms: f to (1-c)^(order+1), f' to (1-c)^order.
    Coefficients are the symbols f2, f3, ... (f^(j)(1)); their values at
    ``dps`` digits come from :func:`eoc_derivatives_at_one` unless given in
    ``derivatives_at_one`` ({j: Approx}).
    """
    order = _check_order(order)
    dps = check_digits("dps", dps)
    check_nonnegative("sigma_b", sigma_b)
    require_taylor(activation, order + 1, f"a local expansion at c = 1 with {order} correction terms")
    if derivatives_at_one is None:
        derivatives_at_one, eoc = eoc_derivatives_at_one(activation, sigma_b, order + 1, dps)
    else:
        eoc = {}
    values, meaning = {}, {}
    for j in range(2, order + 2):
        if j not in derivatives_at_one:
            raise InputError("derivatives_at_one", f"missing f^({j})(1)")
        values[derivative_symbol(j)] = derivatives_at_one[j]
        # a string, not the SymPy integral: differentiating tanh symbolically 20+ times is very slow;
        # gaussian_moment_expression(activation, j) builds the integral on demand
        meaning[derivative_symbol(j)] = f"sigma_w^2 q^{j - 1} E[{activation}^({j})(sqrt(q) Z)^2]"
    A = tuple((-1) ** (j + 1) * derivative_symbol(j + 1) / sympy.factorial(j + 1) for j in range(1, order + 1))
    D = tuple((-1) ** (j + 1) * derivative_symbol(j + 1) / sympy.factorial(j) for j in range(1, order + 1))
    params = {"activation": activation, "sigma_b": sigma_b}
    params.update(eoc)
    return LocalExpansion(name=f"{activation}(EOC, sigma_b={sigma_b})", ramification=1,
                          map_coefficients=A, derivative_coefficients=D,
                          values=values, meaning=meaning, parameters=params)


def require_taylor(activation, order: int, purpose: str) -> None:
    """Refuse in one line when the activation's declared smoothness gives no f^(order)(1)
    (see :mod:`asymptotics.activation`); the ReLU family has its own Puiseux path."""
    from asymptotics.activations import get_activation

    act = get_activation(activation)
    if act.is_relu_family:
        raise InputError("activation", f"{act.name} is piecewise linear: its expansion at c = 1 is a Puiseux "
                                       "series (relu_family_puiseux), not a Taylor series")
    act.require_taylor_order(order, purpose)


def eoc_derivatives_at_one(activation: str, sigma_b, max_order: int, dps: int = 30):
    """({j: Approx f^(j)(1)} for j = 1..max_order, {'q': Approx, 'sigma_w': Approx}) on the EOC.

    Delegates to the EOC engine of issue 3 (:func:`asymptotics.eoc.edge_of_chaos`,
    :func:`asymptotics.eoc.derivatives_at_one_eoc`: Gaussian quadrature, accuracy
    from two independent rules/precisions).
    """
    from asymptotics import eoc

    sigma_text = str(sigma_b)
    for extra in (0, 3, 7):
        # the EOC Newton iteration occasionally fails at one working precision and succeeds
        # at a neighbouring one (observed for tanh at dps 50-55): retry before giving up
        try:
            point = eoc.edge_of_chaos(activation, sigma_text, dps + extra)
            if point.q_star is None or point.q_star.mid == 0:
                raise InputError("sigma_b", f"no positive fixed-point variance for {activation} at sigma_b = "
                                            f"{sigma_b} (q* = 0: the EOC correlation map is the linear limit c -> c; "
                                            "use sigma_b > 0)")
            derivs = eoc.derivatives_at_one_eoc(activation, sigma_text, max_order, dps + extra)
            break
        except (InputError, ComputationError) as err:
            if "Newton" not in str(err) or extra == 7:
                raise

    return {j: derivs[j] for j in range(1, max_order + 1)}, {"q": point.q_star, "sigma_w": point.sigma_w}
