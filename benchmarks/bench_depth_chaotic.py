"""The ReLU family with biases in the chaotic phase (chi_1 > 1): the certified jump against full iteration.

    python3 benchmarks/bench_depth_chaotic.py [--out benchmarks/results/bench_depth_chaotic]

Speed as ratios in the same run; the load (os.getloadavg) is recorded before and after.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))

from asymptotics.accuracy import format_approx  # noqa: E402
from asymptotics.depth_jump import jump_kernel  # noqa: E402
from asymptotics.recursion import Network, kernel_at_depths  # noqa: E402
from bench_depth import LINES, say, timed  # noqa: E402  (the same printing and timing helpers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results", "bench_depth_chaotic"))
    args = ap.parse_args()
    result = {"load_before": os.getloadavg(), "full": [], "huge": []}
    say(f"load average before: {result['load_before']}")
    cases = [("relu", Network("relu", sigma_w2=3, sigma_b2="0.1"), 1), ("relu q_y = 5/2", Network("relu", sigma_w2=3, sigma_b2="0.1"), "5/2"),
             ("leaky_relu", Network("leaky_relu", sigma_w2=3, sigma_b2="0.1"), 1)]
    say("== chaotic phase with biases (sigma_w^2 = 3, sigma_b^2 = 1/10, chi_1 ~ 3/2), 50 digits: jump vs full iteration ==")
    for label, net, q_y in cases:
        for rho in ("0", "0.5"):
            depth = 10**5
            it, t_it = timed(lambda: kernel_at_depths(net, rho, [depth], backend="arb", digits=50, q_y=q_y, method="iterate"))
            jp, t_jp = timed(lambda: kernel_at_depths(net, rho, [depth], backend="arb", digits=50, q_y=q_y, method="jump"))
            a, b = jp.at(depth), it.at(depth)
            overlap = all(getattr(a, f).overlaps(getattr(b, f)) for f in a.FIELDS if getattr(a, f) is not None)
            row = {"case": label, "rho": rho, "depth": depth, "iterate_s": t_it, "jump_s": t_jp, "ratio": t_it / t_jp,
                   "method": jp.depth_methods[depth], "overlap_all_fields": overlap,
                   "one_minus_rho_jump": format_approx(a.one_minus_rho), "one_minus_rho_iterate": format_approx(b.one_minus_rho),
                   "digits_jump": a.one_minus_rho.correct_digits, "digits_ntk_jump": a.one_minus_ntk_normalized.correct_digits}
            result["full"].append(row)
            say(f"{label}, rho = {rho}, L = 1e5: iterate {t_it:.2f} s, jump {t_jp:.3f} s ({row['method']}): {row['ratio']:.0f}x; "
                f"every field overlaps: {overlap}; 1 - rho {row['digits_jump']} digits, 1 - N {row['digits_ntk_jump']} digits")
    net = cases[0][1]
    for rho in ("0", "0.5"):
        (ta, t_a) = timed(lambda: kernel_at_depths(net, rho, [10**12, 10**100], backend="arb", digits=50, method="jump"))
        l0 = int(ta.depth_methods[10**12].split("L0=")[1].split(",")[0].rstrip(")"))
        tb = jump_kernel(net, rho, [10**12, 10**100], digits=50, l0=l0 + 400)
        for L in (10**12, 10**100):
            x, y = ta.at(L), tb.at(L)
            agree = all(getattr(x, f).overlaps(getattr(y, f)) for f in x.FIELDS if getattr(x, f) is not None)
            row = {"rho": rho, "depth": f"1e{len(str(L)) - 1}", "seconds_both_depths": t_a, "l0": [l0, l0 + 400],
                   "two_l0_agree": agree, "one_minus_rho": format_approx(x.one_minus_rho),
                   "ntk_normalized": format_approx(x.ntk_normalized), "digits": x.one_minus_rho.correct_digits}
            result["huge"].append(row)
            say(f"rho = {rho}, L = {row['depth']}: 1 - rho = {row['one_minus_rho']} ({row['digits']} digits), "
                f"N = {row['ntk_normalized']}; L0 = {l0} vs {l0 + 400} agree: {agree}; both depths {t_a:.3f} s")
    result["load_after"] = os.getloadavg()
    say(f"load average after: {result['load_after']}")
    with open(args.out + ".json", "w") as fh:
        json.dump(result, fh, indent=1, default=str)
    with open(args.out + ".txt", "w") as fh:
        fh.write("\n".join(LINES) + "\n")


if __name__ == "__main__":
    main()
