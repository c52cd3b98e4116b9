"""``ntk-verify series``: local expansion at c = 1 and the depth laws derived from it.

Examples::

    ntk-verify series --activation relu --order 4
    ntk-verify series --activation tanh --sigma-b 0.2 --order 3 --digits 20
    ntk-verify series --activation leaky_relu --alpha 0.1 --order 3 --latex
    ntk-verify series --activation relu --order 4 --json
"""
from __future__ import annotations

import json
from fractions import Fraction

from proofs_checks.commands.arguments import as_typed
from proofs_checks.commands.printing import add_max_digits, max_digits_from
from asymptotics.validation import InputError, check_digits

# sympy and format_approx are imported inside the functions that use them (start-up of --help).

HELP = "expansions of f(c), f'(c) at c = 1 and the derived depth laws (1 - c^l, f'(c^l), K^L/L)"


def register(subparsers):
    p = subparsers.add_parser("series", help=HELP, description=HELP)
    p.add_argument("--activation", default="relu", help="relu, leaky_relu, abrelu, tanh, ... (default relu)")
    p.add_argument("--order", type=int, default=4, help="number of correction terms of the local expansion (1-8)")
    p.add_argument("--sigma-b", default="0.2", help="bias standard deviation for smooth activations (EOC)")
    p.add_argument("--alpha", default=None, help="negative slope of leaky_relu")
    p.add_argument("--a", default=None, help="abrelu: slope for x < 0")
    p.add_argument("--b", default=None, help="abrelu: slope for x > 0")
    p.add_argument("--digits", type=int, default=15, help="digits for numerical values (default 15)")
    p.add_argument("--latex", action="store_true", help="print LaTeX")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_max_digits(p)
    p.set_defaults(func=run)


def _rational(option: str, text):
    """An exact slope from the user's text (0.1 means 1/10; 200/101 is allowed)."""
    try:
        value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError):
        raise InputError(option, f"expected a number such as 0.1 or 1/3, got {text!r}") from None
    import sympy

    return sympy.Rational(value.numerator, value.denominator)


def _slopes(args):
    import sympy
    name = args.activation.strip().lower()
    if name == "relu":
        return sympy.Integer(0), sympy.Integer(1)
    if name == "leaky_relu":
        return _rational("--alpha", args.alpha or "0.01"), sympy.Integer(1)
    if name == "abrelu":
        return _rational("--a", args.a or "0"), _rational("--b", args.b or "1")
    if name == "linear":
        raise InputError("activation", "the linear activation has f(c) = c: nothing to expand")
    return None


def build(args):
    """Compute everything the command prints (a plain dict of SymPy objects and Approx values)."""
    from asymptotics.depth_laws import depth_expansion, ntk_depth_law
    from asymptotics.series import relu_family_puiseux, smooth_taylor

    order = args.order
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= 8:
        raise InputError("order", f"expected an integer in 1..8, got {order!r}")
    digits = check_digits("digits", args.digits)
    terms = max(order, 3)
    slopes = _slopes(args)
    if slopes is not None:
        a, b = slopes
        local = relu_family_puiseux(max(order, terms + 2), a, b, name=args.activation)
        shown_local = order
    else:
        for option, given in (("--alpha", args.alpha), ("--a", args.a), ("--b", args.b)):
            if given is not None:
                raise InputError(option, f"applies to the ReLU family only, not to {args.activation!r}")
        try:
            sigma_b = Fraction(str(args.sigma_b).strip())
        except (ValueError, ZeroDivisionError):
            raise InputError("--sigma-b", f"expected a number, got {args.sigma_b!r}") from None
        if sigma_b < 0:
            raise InputError("--sigma-b", f"must be >= 0, got {args.sigma_b!r}")
        local = smooth_taylor(args.activation, args.sigma_b, max(order, terms + 2), digits + 5)
        shown_local = order
    law = depth_expansion(local, terms)
    ntk = ntk_depth_law(law, 1, max(1, terms - 2))
    return {"local": local, "shown_local": shown_local, "law": law, "ntk": ntk, "digits": digits}


def _term_label(n, k, latex=False):
    if latex:
        num = "" if k == 0 else (r"\log l" if k == 1 else rf"\log^{k} l")
        return rf"\frac{{{num or 1}}}{{l^{{{n}}}}}" if n != 1 else rf"\frac{{{num or 1}}}{{l}}"
    logs = "" if k == 0 else ("log(l)" if k == 1 else f"log(l)^{k}")
    return f"{logs or '1'}/l^{n}" if n != 1 else f"{logs or '1'}/l"


def _local_rows(local, which, count, digits):
    rows = local.terms(which, digits)
    return rows[:count]


def as_json(result):
    import sympy
    from asymptotics.accuracy import format_approx
    local, law, ntk, digits = result["local"], result["law"], result["ntk"], result["digits"]

    def local_part(which):
        return [{"power_of_1_minus_c": str(p), "coefficient": str(c), "latex": sympy.latex(c), "value": v.as_dict()}
                for p, c, v in _local_rows(local, which, result["shown_local"], digits)]

    def depth_part(expansion):
        return {"constant": str(expansion.constant),
                "terms": [{"n": n, "log_power": k, "coefficient": str(c), "latex": sympy.latex(c),
                           "universal": uni, "value": v.as_dict() if v is not None else None}
                          for n, k, c, v, uni in expansion.terms(digits)],
                "remainder": {"n": expansion.remainder[0], "log_power_at_most": expansion.remainder[1]}}

    return {
        "activation": local.name,
        "ramification": local.ramification,
        "parameters": {k: (format_approx(v) if hasattr(v, "mid") else str(v)) for k, v in local.parameters.items()},
        "symbols": {str(s): {"meaning": str(local.meaning.get(s, "")), "value": v.as_dict()}
                    for s, v in local.values.items()},
        "f(c) - c": local_part("map"),
        "f'(c) - 1": local_part("derivative"),
        "fatou_log_coefficient_beta": str(law.fatou.beta),
        "one_minus_c_l": depth_part(law.one_minus_c),
        "f_prime_c_l": depth_part(law.slope),
        "ntk": {"K^L/L off-diagonal (q = 1)": depth_part(ntk.off_diagonal),
                "limit_ratio_lambda": str(ntk.limit_ratio),
                "rate_constant_B": str(ntk.rate_constant),
                "rate_constant_value": ntk.rate_constant_value(digits).as_dict(),
                "diagonal_limit": "q"},
    }


def _paren(text, expr):
    import sympy
    return f"({text})" if isinstance(expr, sympy.Add) else text


def as_text(result, latex=False):
    import sympy
    from asymptotics.accuracy import format_approx
    local, law, ntk, digits = result["local"], result["law"], result["ntk"], result["digits"]
    out = []
    show = (lambda e: _paren(sympy.latex(e), e)) if latex else (lambda e: _paren(sympy.sstr(e), e))
    value = lambda v: "depends on ell_0" if v is None else format_approx(v)
    times = " " if latex else " * "
    out.append(f"activation: {local.name} on its Edge of Chaos   "
               f"({'Puiseux series in (1-c)^(1/2)' if local.ramification == 2 else 'Taylor series in 1-c'})")
    for k, v in local.parameters.items():
        out.append(f"  {k} = {format_approx(v) if hasattr(v, 'mid') else v}")
    for s, v in local.values.items():
        out.append(f"  {s} = f^({str(s)[1:]})(1) = sigma_w^2 q^({str(s)[1:]}-1) E[phi^({str(s)[1:]})(sqrt(q) Z)^2]"
                   f" = {format_approx(v)}")
    for which, title in (("map", "f(c) - c"), ("derivative", "f'(c) - 1")):
        out.append(f"\n{title} = sum of   (term = value of its coefficient)")
        for p, c, v in _local_rows(local, which, result["shown_local"], digits):
            term = rf"(1-c)^{{{sympy.latex(p)}}}" if latex else f"(1-c)^({p})"
            out.append(f"  {show(c)}{times}{term}   = {format_approx(v)}")
    out.append(f"\nFatou coordinate: Phi(u) = 1/(g1 u) + beta log(g1 u) + sum c_k u^k,  u = (1-c)^(1/{local.ramification}),"
               f"  beta = {show(law.fatou.beta)}")
    out.append("  Phi(u_l) = l + ell_0; ell_0 depends on the initial correlation, [universal] terms do not")
    for expansion in (law.one_minus_c, law.slope):
        rn, rk = expansion.remainder
        const = f"{show(expansion.constant)} + " if expansion.constant != 0 else ""
        out.append(f"\n{expansion.quantity} = {const}sum of terms + O(log(l)^{rk} / l^{rn})")
        for n, k, c, v, uni in expansion.terms(digits):
            out.append(f"  {'[universal] ' if uni else '            '}{show(c)}{times}{_term_label(n, k, latex)}   = {value(v)}")
    out.append("\nNTK: K^{l+1} = f'(c^l) K^l + q c^{l+1}, q = fixed-point variance (values below for q = 1)")
    out.append(f"  AK^L(x, x) = K^L/L = q exactly (at the fixed-point variance)")
    out.append(f"  AK^L(x, x') -> lambda q, lambda = {show(ntk.limit_ratio)}")
    out.append(f"  AK^L(x, x') - lambda q = B log(L)/L + O(1/L), B/q = {show(ntk.rate_constant)}"
               f" = {format_approx(ntk.rate_constant_value(digits))}")
    for n, k, c, v, uni in ntk.off_diagonal.terms(digits):
        out.append(f"  {'[universal] ' if uni else '            '}{show(c)}{times}{_term_label(n, k, latex)}   = {value(v)}")
    return "\n".join(out)


def run(args) -> int:
    with max_digits_from(args):
        return _run(args)


def _run(args) -> int:
    with as_typed(args, {"sigma_b": "--sigma-b", "a": "--a" if args.a else "--alpha", "b": "--b"}):
        result = build(args)
    if args.json:
        print(json.dumps(as_json(result), indent=1, default=str))
    else:
        print(as_text(result, latex=args.latex))
    return 0
