"""The erf Edge-of-Chaos correlation map as an analytic germ in delta = 1 - c.

From :mod:`asymptotics.erf_certified` (closed forms derived there; the map of
../shared/seeds/001_018e0351582ed44f.txt:638-646 for phi = erf):

    g(delta) = C (asin k - asin(k (1 - delta))) = delta R(delta),   R(0) = 1,   R(delta) = 1 - A delta + ...,

C = sqrt(1 + 4q)/(2q), k = 2q/(1 + 2q), A = 2 q^2/(1 + 4q), for every q in the certified ball around q*
(R(0) = C k/sqrt(1 - k^2) = 1 is an identity in q, so R[0] is set to exactly 1).

Analyticity: asin is analytic on the open unit disc, so g is analytic for |k (1 - z)| < 1, which holds on
|z| <= r when k (1 + r) < 1, i.e. r < 1/(2q) (1 - k = 1/(1 + 2q)).  On such a disc g(z) = 0 only at z = 0
(asin is injective on the unit disc), but :meth:`ErfGerm.at` asks for more and checks on each ball of the
circle that |R - 1| < 1: by the maximum modulus principle (R - 1 is analytic) that holds on the whole disc,
so R != 0 and the principal log R is analytic there, as :class:`~asymptotics.depth_jump.relu_fatou.AbelCoordinate`
needs for its Cauchy bounds.

Along the orbit the NTK needs m(delta) = g'(delta) = f'(1 - delta) = 1/sqrt(1 + u(delta)),
u = 4 q^2 delta (2 - delta)/(1 + 4q) (Sigma-dot on the EOC), and b(delta) = 1 - g(delta) (= c^(l+1)); the
series of m is the derivative of that of g (so m_1 = 2 R_1 exactly), and :meth:`at` returns it with
|u| < 1 checked (principal sqrt analytic).
"""
from __future__ import annotations

from flint import acb, arb

from asymptotics.depth_jump import series_tools as st


class ErfGerm:
    """Series (first ``n`` coefficients) and acb evaluation of R, m, b on the certified EOC ball ``point``."""

    def __init__(self, point, n: int):
        self.point, self.n = point, n
        self.q, self.k, self.C = point.q, point.k, point.C
        self.R, self.m, self.b = self._series(n)

    def _series(self, n):
        k, C = self.k, self.C
        arg = st.to_series([k, -k], n + 2)              # k (1 - delta)
        asin = st.from_series(arg.asin(), n + 2)
        g = [arb(0)] + [-C * a for a in asin[1:]]       # g_0 = 0 exactly (asin k - asin k)
        R = g[1 : n + 1]
        R[0] = arb(1)                                    # identity C k / sqrt(1 - k^2) = 1 (module doc)
        g[1] = arb(1)
        m = [j * g[j] for j in range(1, n + 1)]          # g'(delta): m_0 = 1, m_1 = 2 R_1
        b = [1 - g[0]] + [-x for x in g[1:n]]
        return st.pad(R, n), st.pad(m, n), st.pad(b, n)

    @property
    def A(self):
        return -self.R[1]

    #: m_1/R_1 = 2 exactly (m = (delta R)'), the exponent of the NTK recursion's homogeneous solution
    ntk_exponent = 2

    def m_lower(self, s0):
        """A lower bound of m(delta) = f'(1 - delta) on [0, s0] (m decreases on [0, 1]: u increases there)."""
        if not s0 <= 1:
            raise ValueError("m_lower needs s0 <= 1")
        return st.lower(self.point.f_prime(st.upper(s0)))

    def max_radius(self) -> arb:
        """1/(2q): the disc where k (1 - z) stays inside the unit disc."""
        return 1 / (2 * self.q)

    def at(self, z):
        """(R, m, b) at an acb ball z != 0, or None where |k (1 - z)| < 1, |R - 1| < 1 or |u| < 1 is not proved."""
        z = z if isinstance(z, acb) else acb(z)
        inner = self.k * (1 - z)
        if not arb(inner.abs_upper()) < 1:
            return None
        g = self.C * (acb(self.k.asin()) - inner.asin())
        R = g / z
        if not arb((R - 1).abs_upper()) < 1:
            return None
        u = 4 * self.q * self.q * z * (2 - z) / (1 + 4 * self.q)
        if not arb(u.abs_upper()) < 1:
            return None
        m = 1 / (1 + u).sqrt()
        return R, m, 1 - g
