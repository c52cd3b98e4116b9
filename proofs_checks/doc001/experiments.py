"""Seed 001, the experimental settings of Section 4.2 (../shared/seeds/001_018e0351582ed44f.txt:287-327).
"""
from __future__ import annotations

import math

import mpmath

import proofs_checks.doc001.numerics as num
from proofs_checks.doc001.common import SEED
from proofs_checks.registry import claim, out_of_scope_claim
from proofs_checks.verdict import confirmed, inconclusive, judge, refuted

# ========================================================================================
# Experimental settings (Section 4.2, line 291)


@claim("hayou.setting.tanh_eoc", SEED, (291, 291), r"(\sigma_b,\sigma_w)=(0.2,1.298)\in\mathrm{EOC}(\tanh)", "setting",
       title="the tanh EOC initialisation used in the experiments",
       severity=('slip', "sigma_w = 1.298 is just below the EOC (chi_1 slightly below 1, see corrected): the network is barely ordered; the experiment's conclusions are little affected"))
def check_setting_tanh(level):
    dps = 20 if level == "quick" else 40
    sw, q = num.tanh_eoc("0.2", dps)
    sw_low, _ = num.tanh_eoc("0.2", dps - 8)
    digits = int(-mpmath.log10(abs(sw - sw_low) / sw)) if sw != sw_low else dps
    shown = mpmath.nstr(sw, min(digits, 15))
    q_p = num.tanh_fixed_q(1.298 ** 2, 0.04, n=200)
    chi_p = num.tanh_chi(q_p, 1.298 ** 2, 200)
    depth_scale = -1 / math.log(chi_p)
    agree = 0
    for k in range(1, 8):
        if round(float(sw), k) == round(1.298, k):
            agree = k
    evidence = (f"solving q = sigma_b^2 + sigma_w^2 E[tanh(sqrt q Z)^2] and sigma_w^2 E[tanh'(sqrt q Z)^2] = 1 with "
                f"mpmath quadrature at {dps} and {dps - 8} digits (agreement {digits} digits): EOC sigma_w(0.2) = {shown}, "
                f"q* = {mpmath.nstr(q, 12)}. At the printed point: q* = {q_p:.10f}, chi_1 = sigma_w^2 E[tanh'^2] = "
                f"{chi_p:.6f} < 1 (ordered phase), correlation depth scale -1/log chi_1 = {depth_scale:.0f} layers, "
                f"comparable with the depth L = 300 of the experiments")
    if abs(float(sw) - 1.298) > 5e-4:
        return refuted("sigma_w = 1.298 (on the EOC for sigma_b = 0.2)", f"EOC sigma_w = {shown}",
                       f"for sigma_b = 0.2 the tanh EOC is sigma_w = {mpmath.nstr(sw, 7)}; (0.2, 1.298) is in the ordered "
                       f"phase (chi_1 = {chi_p:.5f}); the printed value agrees with the EOC to {agree} decimal(s) only",
                       evidence, agreement=f"{agree} decimals")
    return confirmed("sigma_w = 1.298", f"EOC sigma_w = {shown}", f"{agree} decimals", evidence)


@claim("hayou.setting.relu_eoc", SEED, (291, 291), r"(\sigma_b,\sigma_w)=(0,\sqrt2)\in\mathrm{EOC}(\mathrm{ReLU})", "setting",
       title="the ReLU EOC initialisation used in the experiments",
       strength=('consistency', 'chi_1 = sigma_w^2/2 = 1 at sigma_w = sqrt 2 is a one-line closed form'))
def check_setting_relu(level):
    import sympy as sp

    sw2, q = sp.Integer(2), sp.symbols("q", positive=True)
    chi = sw2 * sp.Rational(1, 2)  # sigma_w^2 E[relu'(Z)^2] = sigma_w^2/2, independent of q
    fixed = sp.simplify((0 + sw2 * q / 2) - q)  # variance map minus identity with sigma_b = 0
    ok = chi == 1 and fixed == 0
    return judge("chi_1 = 1 at (0, sqrt 2)", f"chi_1 = {chi}; variance map q -> q (every q is a fixed point)", ok, "exact",
                 "SymPy: E[relu'(Z)^2] = 1/2, E[relu(sqrt q Z)^2] = q/2", corrected="(see computed)")


@claim("hayou.setting.ordered", SEED, (291, 291), r"(\sigma_b,\sigma_w)=(1,0.1)\in\text{Ordered phase (ReLU and tanh)}",
       "setting", title="the Ordered-phase initialisation used in the experiments",
       strength=('independent', 'chi_1 for tanh by quadrature at the fixed variance, far below 1 (see computed); for ReLU the closed form'))
def check_setting_ordered(level):
    q_t = num.tanh_fixed_q(0.01, 1.0, n=200)
    chi_t = num.tanh_chi(q_t, 0.01, 200)
    chi_r = 0.01 / 2
    ok = chi_t < 1 and chi_r < 1
    return judge("chi_1 < 1 for both", f"ReLU chi_1 = sigma_w^2/2 = {chi_r}; tanh chi_1 = {chi_t:.6f} (q* = {q_t:.6f})", ok,
                 "both < 1", "1-D Gauss-Hermite (200 nodes) for tanh; closed form for ReLU", corrected="(see computed)")


for _id, _lines, _what in (
        ("hayou.table1.learnability", (30, 48), "which (depth, initialisation, training) combinations learn MNIST"),
        ("hayou.table2.mnist_accuracies", (293, 313), "MNIST test accuracies of NTK and SGD training"),
        ("hayou.table3.cifar100_accuracies", (315, 331), "CIFAR100 test accuracies of standard and scaled ResNets"),
        ("hayou.fig1.cifar_curves", (244, 244), "the plotted curves of Figure 1 (10 CIFAR10 points)")):
    out_of_scope_claim(_id, SEED, _lines, r"\text{" + _what + "}", "experiment",
                       "accuracies of trained networks on MNIST / CIFAR10 / CIFAR100: the data sets are on neither this "
                       "machine nor the device machine (no network access), and the runs' seeds, augmentation and code "
                       "are not given, so the printed accuracies cannot be reproduced to a precision that could "
                       "confirm or refute them (the kernel-side statements behind them are checked separately)",
                       title=_what)


@claim("hayou.setting.epochs", SEED, (287, 293), r"\text{epochs for }L=300:\ 150\ \text{(line 287) vs }160\ \text{(Table 2 caption)}",
       "setting", title="number of training epochs at depth 300 (text vs caption)")
def check_epochs(level, printed=(150, 160)):
    """``printed``: the epochs for L = 300 as printed at line 287 and in Table 2's caption (line 293)."""
    text, caption = printed
    return judge(f"{text} epochs (text, line 287) and {caption} epochs (Table 2 caption, line 293) for L = 300",
                 f"the two printed values {'agree' if text == caption else 'differ by ' + str(abs(text - caption))}",
                 text == caption, "the two printed values", "a comparison of two numbers printed for the same run",
                 corrected=f"the same run cannot have been trained for both {text} and {caption} epochs; the document "
                 "does not say which is right",
                 severity=("slip", "one of the two numbers is wrong as printed and the document does not say which "
                           "(so the intent is not clear from context: not a notation defect); no conclusion depends "
                           "on the epoch count (the L = 300 accuracies of Table 2 are not checked here)"),
                 strength=("consistency", "two printed numbers compared"))


@claim("hayou.setting.cifar_schedule", SEED, (327, 327),
       r"\text{lr } 0.1,\ /10\text{ after }n_e/2,\ /10\text{ again after }n_e/4", "setting",
       title="CIFAR100 learning-rate schedule")
def check_schedule(level, second_step=None):
    """The schedule 'divide by 10 after n_e/2 epochs ... again after n_e/4 epochs' (line 327).  Read sequentially
    (n_e/4 epochs after the first step) the steps fall at n_e/2 and 3 n_e/4 of the 160 epochs; read as absolute
    epochs (``second_step='absolute'``) the second step would precede the first."""
    from fractions import Fraction

    n_e = 160  # line 327: 'we train the model with 160 epochs'
    first = Fraction(n_e, 2)
    second = first + Fraction(n_e, 4) if second_step != "absolute" else Fraction(n_e, 4)
    ok = first < second <= n_e
    return judge("lr 0.1, /10 after n_e/2 epochs, /10 again after n_e/4 epochs (n_e = 160)",
                 f"steps at epochs {first} and {second} of {n_e}", ok, "ordering of the two steps",
                 "reading: 'after n_e/4 epochs' counted from the first step (the sentence lists the steps in order); "
                 "read as an absolute epoch, n_e/4 < n_e/2 would put the second step first",
                 corrected=f"the second step at epoch {first + Fraction(n_e, 4)} (= 3 n_e/4)",
                 severity=("notation", "the intended schedule (steps at n_e/2 and 3 n_e/4) is clear from context"),
                 strength=("weak", "a reading of the sentence, checked for order only; the run itself is not "
                           "reproducible without the authors' code and data"))