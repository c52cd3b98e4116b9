"""Independent references for tests/test_adversarial_certificates.py (written from textbook formulas).

Nothing here imports the package.  Every function works in mpmath at a caller-chosen precision.

ReLU family phi(x) = b x (x > 0), a x (x < 0), i.e. phi = a x + (b - a) relu(x).  With the arc-cosine
kernel of Cho & Saul, J(rho) = (sin t + (pi - t) cos t) / (2 pi), t = arccos(rho):

    E[phi(u) phi(v)]   = a b S12 + (b - a)^2 sqrt(S11 S22) J(rho)
    E[phi'(u) phi'(v)] = a b + (b - a)^2 (pi - t) / (2 pi)

(E[u relu(v)] = S12 / 2 by the symmetry (u, v) -> (-u, -v)).  Network convention (the package's README /
recursion docstring): depth 1 holds the inputs, Sigma^1 = (q_x, q_y, rho sqrt(q_x q_y)), Theta^1 = Sigma^1,
Sigma^{l+1} = sb2 + sw2 E[phi phi], Sigmadot^{l+1} = sw2 E[phi' phi'], Theta^{l+1} = Sigmadot^{l+1} Theta^l
+ Sigma^{l+1}.  Sigmadot is undefined at depth 1.

erf: E[erf(u) erf(v)] = (2/pi) asin(2 S12 / sqrt((1 + 2 S11)(1 + 2 S22))),
E[erf'(u) erf'(v)] = (4/pi) / sqrt((1 + 2 S11)(1 + 2 S22) - 4 S12^2).

Large depth: parabolic fixed point; our own Fatou coordinate Phi(x) = A/x + B log x + sum c_k x^k (solved
order by order from the germ's Taylor series) and, for the NTK, :class:`OrbitNTKReference` (the general
solution F + C H of D_{l+1} = m(x_l) D_l + b(x_l) as expansions in the orbit point x, log term included).
"""

from __future__ import annotations

import mpmath
from mpmath import mp, mpf


# ---------------------------------------------------------------------------- finite depth, ReLU family


def exact_mpf(x):
    """x (int, Fraction, or a decimal / fraction string) at the current precision, rounded once."""
    from fractions import Fraction

    if isinstance(x, mpf):
        return x
    x = Fraction(str(x)) if isinstance(x, str) else Fraction(x)
    return mpf(x.numerator) / x.denominator


def relu_family_reference(rho, depths, *, a=0, b=1, sw2=1, sb2=0, q_x=1, q_y=None, dps=120):
    """Every field at each depth (dict depth -> dict), iterated layer by layer at ``dps`` digits."""
    q_y = q_x if q_y is None else q_y
    out = {}
    with mp.workdps(dps):
        a, b, sw2, sb2 = exact_mpf(a), exact_mpf(b), exact_mpf(sw2), exact_mpf(sb2)
        qx, qy, r = exact_mpf(q_x), exact_mpf(q_y), exact_mpf(rho)
        delta = 1 - r                      # carried cancellation-free (1 - rho can be 1e-900)
        sxy = r * mpmath.sqrt(qx * qy)
        txx, tyy, txy = qx, qy, sxy
        sdot = None
        want = set(depths)
        top = max(depths)
        k1 = (a * a + b * b) / 2
        for L in range(1, top + 1):
            if L in want:
                nn = txy / mpmath.sqrt(txx * tyy)
                out[L] = dict(rho=1 - delta, one_minus_rho=delta, sigma_xy=sxy, sigma_xx=qx, sigma_yy=qy,
                              sigma_dot=sdot, theta_xy=txy, theta_xx=txx, theta_yy=tyy,
                              ntk_normalized=nn, one_minus_ntk_normalized=1 - nn)
            if L == top:
                break
            t = 2 * mpmath.asin(mpmath.sqrt(delta / 2))
            s_minus_tc = _sin_minus_t_cos(t)
            J = (mp.pi * mpmath.cos(t) + s_minus_tc) / (2 * mp.pi)
            half_minus_J = (mp.pi * 2 * mpmath.sin(t / 2) ** 2 - s_minus_tc) / (2 * mp.pi)
            g = mpmath.sqrt(qx * qy)
            nxx = sb2 + sw2 * k1 * qx
            nyy = sb2 + sw2 * k1 * qy
            ng = mpmath.sqrt(nxx * nyy)
            nxy = sb2 + sw2 * (a * b * sxy + (b - a) ** 2 * g * J)
            # sqrt(qx' qy') - sxy' = [sqrt(qx'qy') - sb2 - s g] + sw2 g (K1 - ab rho - (b-a)^2 J)
            s = sw2 * k1
            gap = sb2 * s * (mpmath.sqrt(qx) - mpmath.sqrt(qy)) ** 2 / (ng + sb2 + s * g)
            gap += sw2 * g * (a * b * delta + (b - a) ** 2 * half_minus_J)
            delta = gap / ng
            sdot = sw2 * (a * b + (b - a) ** 2 * (mp.pi - t) / (2 * mp.pi))
            txy = sdot * txy + nxy
            txx = s * txx + nxx
            tyy = s * tyy + nyy
            sxy, qx, qy = nxy, nxx, nyy
    return out


def _sin_minus_t_cos(t):
    """sin t - t cos t without cancellation for small t: sum_{k>=1} (-1)^(k+1) 2k t^(2k+1) / (2k+1)!."""
    if abs(t) > mpf("0.25"):
        return mpmath.sin(t) - t * mpmath.cos(t)
    total, k, t2 = mpf(0), 1, t * t
    term = t ** 3 / 6                      # t^(2k+1) / (2k+1)!
    while True:
        add = (-1) ** (k + 1) * 2 * k * term
        total += add
        if abs(add) <= abs(total) * mpf(10) ** (-mp.dps - 5):
            return total
        k += 1
        term *= t2 / ((2 * k) * (2 * k + 1))


# ---------------------------------------------------------------------------- truncated power series


class Series:
    """Truncated power series, coefficients c[0..n-1] (mpf)."""

    def __init__(self, c, n):
        c = [mpf(x) for x in c][:n]
        self.c = c + [mpf(0)] * (n - len(c))
        self.n = n

    def __add__(self, o):
        o = _lift(o, self.n)
        return Series([x + y for x, y in zip(self.c, o.c)], self.n)

    __radd__ = __add__

    def __neg__(self):
        return Series([-x for x in self.c], self.n)

    def __sub__(self, o):
        return self + (-_lift(o, self.n))

    def __rsub__(self, o):
        return _lift(o, self.n) - self

    def __mul__(self, o):
        if not isinstance(o, Series):
            return Series([x * o for x in self.c], self.n)
        n = self.n
        r = [mpf(0)] * n
        for i, x in enumerate(self.c):
            if x == 0:
                continue
            for j in range(n - i):
                r[i + j] += x * o.c[j]
        return Series(r, n)

    __rmul__ = __mul__

    def inv(self):
        n, c = self.n, self.c
        r = [mpf(0)] * n
        r[0] = 1 / c[0]
        for k in range(1, n):
            r[k] = -sum(c[j] * r[k - j] for j in range(1, k + 1)) / c[0]
        return Series(r, n)

    def sqrt(self):
        n, c = self.n, self.c
        r = [mpf(0)] * n
        r[0] = mpmath.sqrt(c[0])
        for k in range(1, n):
            r[k] = (c[k] - sum(r[j] * r[k - j] for j in range(1, k))) / (2 * r[0])
        return Series(r, n)

    def log1p_of(self):
        """log(1 + self) for self[0] == 0."""
        assert self.c[0] == 0
        d = Series([k * self.c[k] for k in range(1, self.n)] + [0], self.n)  # derivative
        q = d * (1 + self).inv()
        return Series([0] + [q.c[k - 1] / k for k in range(1, self.n)], self.n)

    def powi(self, k):
        r = _lift(1, self.n)
        for _ in range(k):
            r = r * self
        return r

    def shift_down(self, s):
        """self / x^s (the first s coefficients must vanish)."""
        return Series(self.c[s:], self.n)

    def integrate(self, c0):
        return Series([c0] + [self.c[k - 1] / k for k in range(1, self.n)], self.n)

    def compose_taylor(self, coeffs):
        """sum coeffs[k] self^k for self[0] == 0."""
        assert self.c[0] == 0
        r = _lift(0, self.n)
        p = _lift(1, self.n)
        for k, a in enumerate(coeffs[: self.n]):
            if k:
                p = p * self
            r = r + p * a
        return r


def _lift(o, n):
    return o if isinstance(o, Series) else Series([o], n)


def _sin_cos_coeffs(n):
    s = [mpf(0)] * n
    c = [mpf(0)] * n
    for k in range(n):
        f = mpmath.factorial(k)
        if k % 2:
            s[k] = (-1) ** ((k - 1) // 2) / f
        else:
            c[k] = (-1) ** (k // 2) / f
    return s, c


def _asin_coeffs(n):
    r = [mpf(0)] * n
    for m in range((n + 1) // 2):
        k = 2 * m + 1
        if k < n:
            r[k] = mpmath.factorial(2 * m) / (mpf(4) ** m * mpmath.factorial(m) ** 2 * k)
    return r


# ---------------------------------------------------------------------------- germs


class Germ:
    """x -> g(x) = x + g2 x^2 + ..., with the NTK's multiplier m(x) = 1 - m1 x + ... and offset b(x)."""

    def __init__(self, g, m, b, step, mult, offs):
        self.g, self.m, self.b = g, m, b          # Series
        self.step, self.mult, self.offs = step, mult, offs  # exact mpmath callables


def relu_family_theta_germ(a, b, n=40):
    """theta' = arccos(rho') in theta (bias-free ReLU family; the correlation map does not depend on sw)."""
    a, b = mpf(a), mpf(b)
    k1 = (a * a + b * b) / 2
    gam = (b - a) ** 2 / (2 * mp.pi * k1)
    N = n + 4
    S, C = _sin_cos_coeffs(N)
    S, C = Series(S, N), Series(C, N)
    t = Series([0, 1], N)
    y = (1 - C) * mpf(0.5) - (S - t * C) * (gam / 2)          # (1 - rho') / 2 = sin^2(theta'/2)
    h = y.shift_down(2) * 4                                    # y = t^2 h / 4, h(0) = 1
    z = Series([0] + (h.sqrt()).c[: N - 1], N) * mpf(0.5)       # sqrt(y) = (t / 2) sqrt(h)
    g = z.compose_taylor(_asin_coeffs(N)) * 2
    g = Series(g.c[:n], n)
    m = Series([1, -gam], n)
    cosc = _sin_cos_coeffs(n)[1]
    bser = Series(g.c, n).compose_taylor(cosc)

    def rho_next(rho):
        t = mpmath.acos(rho)
        return mpmath.cos(t) + gam * (mpmath.sin(t) - t * mpmath.cos(t))

    def step(theta):
        # cancellation-free: (1 - rho')/2 = sin^2(theta/2) - gam (sin t - t cos t) / 2
        y = mpmath.sin(theta / 2) ** 2 - gam * (mpmath.sin(theta) - theta * mpmath.cos(theta)) / 2
        return 2 * mpmath.asin(mpmath.sqrt(y))

    return Germ(g, m, bser, step, lambda th: 1 - gam * th, lambda th: mpmath.cos(step(th))), gam


def erf_eoc_point(sb2):
    """(q*, sw2) on erf's Edge of Chaos at bias variance sb2 (chi_1 = 1 eliminates sw2)."""
    sb2 = mpf(sb2)

    def resid(q):
        return q - mpmath.sqrt(1 + 4 * q) / 2 * mpmath.asin(2 * q / (1 + 2 * q)) - sb2

    # resid is increasing from 0 at q = 0 (resid ~ (4/3) q^3 - sb2 for small q): bisect, then Newton
    lo, hi = mpf(0), mpf(1)
    while resid(hi) < 0:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if resid(mid) < 0 else (lo, mid)
    q = mpmath.findroot(resid, (lo + hi) / 2)
    assert lo <= q <= hi
    sw2 = mp.pi * mpmath.sqrt(1 + 4 * q) / 4
    return q, sw2


def erf_eoc_germ(sb2, n=40):
    q, sw2 = erf_eoc_point(sb2)
    sb2 = mpf(sb2)
    k = 2 * q / (1 + 2 * q)
    A2 = sw2 * 2 / mp.pi / q

    def f(c):
        return (sw2 * 2 / mp.pi * mpmath.asin(k * c) + sb2) / q

    def fprime(c):
        return A2 * k / mpmath.sqrt(1 - (k * c) ** 2)

    w = Series([k, -k], n)
    dA = (1 - w * w).sqrt().inv() * (-k)                       # d/d delta asin(k (1 - delta))
    Aser = dA.integrate(mpmath.asin(k))
    g = 1 - (Aser * (sw2 * 2 / mp.pi) + sb2) * (1 / q)
    assert abs(g.c[0]) < mpf(10) ** (-mp.dps + 10), g.c[0]
    g.c[0] = mpf(0)
    m = (1 - w * w).sqrt().inv() * (A2 * k)
    bser = 1 - g

    def step(d):
        # 1 - f(1 - d) = sw2 (2/pi) (asin(k) - asin(k - k d)) / q   (f(1) = 1); the difference cancels
        # log10(1/d) digits, which the local precision adds
        extra = max(0, int(-mpmath.log10(d))) + 10 if d > 0 else 0
        with mp.workdps(mp.dps + extra):
            out = (sw2 * 2 / mp.pi) * (mpmath.asin(k) - mpmath.asin(k - k * d)) / q
        return +out

    return Germ(g, m, bser, step, lambda d: fprime(1 - d), lambda d: 1 - step(d)), dict(q=q, sw2=sw2, f=f, fprime=fprime)


# ---------------------------------------------------------------------------- Fatou coordinate and NTK


class Fatou:
    """Phi(x) = A/x + B log x + sum_{k=1}^{K} c_k x^k with Phi(g(x)) = Phi(x) + 1 to order x^{K+1}."""

    def __init__(self, germ: Germ, K=None):
        g = germ.g
        n = g.n
        K = n - 5 if K is None else K
        u = g.shift_down(1) - 1                               # g / x - 1
        assert abs(u.c[0]) < mpf(10) ** (-mp.dps + 10)
        u.c[0] = mpf(0)                                       # g'(0) = 1 (the EOC)
        g2 = u.c[1]
        P1 = ((1 + u).inv() - 1)                              # times A / x
        P2 = u.log1p_of()
        A = -1 / g2
        B = -(A * P1.c[2]) / P2.c[1]                          # order x^1 of A P1/x + B P2
        cs = []
        Qs = []
        for kk in range(1, K + 1):
            Q = (1 + u).powi(kk) - 1                           # times x^kk
            Qs.append(Q)
            o = kk + 1                                        # order x^o fixes c_kk
            tot = A * P1.c[o + 1] + B * P2.c[o]
            for j, cj in enumerate(cs, start=1):
                tot += cj * Qs[j - 1].c[o - j]
            cs.append(-tot / Q.c[1])
        self.A, self.B, self.c = A, B, cs

    def __call__(self, x):
        return self.A / x + self.B * mpmath.log(x) + sum(c * x ** (k + 1) for k, c in enumerate(self.c))

    def inverse(self, P):
        x = self.A / P
        for _ in range(200):
            d = (self(x) - P) / (-self.A / x ** 2 + self.B / x
                                 + sum((k + 1) * c * x ** k for k, c in enumerate(self.c)))
            x -= d
            if abs(d) <= abs(x) * mpf(10) ** (-mp.dps + 3):
                break
        return x


class OrbitNTKReference:
    """D_l = F(x_l) + C H(x_l) for D_{l+1} = m(x_l) D_l + b(x_l) along the orbit x_{l+1} = g(x_l).

    F(x) = sum_{k=-1}^{M} f_k x^k + lam log(x) H(x) (f_p = 0: the resonant order p where k g2 + m1 = 0),
    H(x) = x^p (1 + sum_{j>=1} h_j x^j) solves H(g) = m H.  Derivation: with F = sum x^k (f_k + lam_k log x),
    F(g) - m F = sum x^k [f_k ((1+u)^k - m) + lam_k (1+u)^k log(1+u)] + log(x) sum lam_k x^k ((1+u)^k - m),
    u = g/x - 1; the log part vanishes iff lam_k = lam h_{k-p}; the rest is solved order by order.
    C is fitted to one exact iterate (x_n, D_n).
    """

    def __init__(self, germ: Germ, p: int, M: int):
        g, m, b = germ.g, germ.m, germ.b
        n = g.n
        u = g.shift_down(1) - 1
        u.c[0] = mpf(0)
        one_u = 1 + u
        pw = {}

        def power(k):                                          # (1 + u)^k, built incrementally
            if k not in pw:
                pw[k] = one_u.inv() if k == -1 else (_lift(1, n) if k == 0 else power(k - 1) * one_u)
            return pw[k]

        T = {k: power(k) - m for k in range(-1, M + 1)}
        # H
        h = [mpf(1)]
        for j in range(1, M - p + 1):
            tot = sum(h[i] * T[p + i].c[j + 1 - i] for i in range(j))
            h.append(-tot / T[p + j].c[1])
        L1 = u.log1p_of()
        Lk = {k: power(k) * L1 for k in range(p, M + 1)}
        f = {}
        lam = mpf(0)
        for order in range(0, M + 2):
            k = order - 1
            tot = b.c[order]
            for j, fj in f.items():
                tot -= fj * T[j].c[order - j]
            for kk in range(p, min(M, order - 1) + 1):
                tot -= lam * h[kk - p] * Lk[kk].c[order - kk]
            if k == p:
                # resonance: f_p's coefficient vanishes; lam (entering through Lk[p].c[1] = g2) absorbs it
                lam = tot / (h[0] * Lk[p].c[1])
                f[p] = mpf(0)
            else:
                f[k] = tot / T[k].c[1]
            if order >= n - 3:
                break
        self.f, self.lam, self.h, self.p = f, lam, h, p
        self.C = mpf(0)

    def H(self, x):
        return x ** self.p * sum(hj * x ** j for j, hj in enumerate(self.h))

    def F(self, x):
        return sum(c * x ** k for k, c in self.f.items()) + self.lam * mpmath.log(x) * self.H(x)

    def fit(self, x, D):
        self.C = (D - self.F(x)) / self.H(x)
        return self

    def __call__(self, x):
        return self.F(x) + self.C * self.H(x)
