"""The phase-diagram figure of a sweep, in the style of the mean-field papers.

One panel per activation in the (sigma_w^2, sigma_b^2) plane (the axes of Schoenholz, Gilmer,
Ganguli, Sohl-Dickstein, "Deep Information Propagation", 2017, Figure 1): chi_1 as a colour map
centred at 1 with labelled contours, the Edge-of-Chaos curve sigma_w^2(sigma_b^2) from the sweep's
edge rows (chi_1 = 1), the ordered and chaotic regions named, failed points marked with crosses.
The plotted values are the rows' midpoints (their radii are far below a pixel).
"""
from __future__ import annotations

import os

from asymptotics.validation import InputError

FORMATS = (".png", ".pdf", ".svg")


def check_plot_path(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise InputError("--plot", f"{path!r}: expected a .png, .pdf or .svg file name")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise InputError("--plot", f"{path!r}: directory {parent!r} does not exist")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError("--plot", "needs matplotlib (pip install -e '.[notebooks]')") from None
    return path


def plot_phase_diagram(rows, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    activations = list(dict.fromkeys(r["activation"] for r in rows))
    fig, axes = plt.subplots(1, len(activations), figsize=(5.2 * len(activations), 4.4), squeeze=False)
    for ax, act in zip(axes[0], activations):
        grid = [r for r in rows if r["activation"] == act and r["kind"] == "grid"]
        edge = sorted((r for r in rows if r["activation"] == act and r["kind"] == "edge" and r["sigma_w_eoc_mid"]),
                      key=lambda r: float(r["sigma_b"]))
        sws = sorted({float(r["sigma_w"]) for r in grid})
        sbs = sorted({float(r["sigma_b"]) for r in grid})
        if len(sws) >= 2 and len(sbs) >= 2:
            chi = np.full((len(sbs), len(sws)), np.nan)
            for r in grid:
                if r["chi_1_mid"]:
                    chi[sbs.index(float(r["sigma_b"])), sws.index(float(r["sigma_w"]))] = float(r["chi_1_mid"])
            W2, B2 = np.meshgrid(np.square(sws), np.square(sbs))
            finite = chi[np.isfinite(chi)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.5, 1.5)
            norm = TwoSlopeNorm(vcenter=1.0, vmin=min(lo, 0.999), vmax=max(hi, 1.001))
            if min(len(sws), len(sbs)) >= 3 and finite.size >= 0.9 * chi.size:  # failed points: gaps
                mesh = ax.contourf(W2, B2, chi, levels=40, cmap="RdBu_r", norm=norm)
            else:
                mesh = ax.pcolormesh(W2, B2, chi, cmap="RdBu_r", norm=norm, shading="nearest")
            fig.colorbar(mesh, ax=ax, label=r"$\chi_1$")
            levels = [x for x in (0.25, 0.5, 0.75, 0.9, 1.1, 1.25, 1.5, 2.0, 3.0) if lo < x < hi]
            if levels:
                cs = ax.contour(W2, B2, chi, levels=levels, colors="k", linewidths=0.6, alpha=0.7)
                ax.clabel(cs, fmt="%g", fontsize=7)
            bad = [r for r in grid if r["error"]]
            if bad:
                ax.plot([float(r["sigma_w"]) ** 2 for r in bad], [float(r["sigma_b"]) ** 2 for r in bad], "kx",
                        ms=4, label="failed point")
        if edge:
            ax.plot([float(r["sigma_w_eoc_mid"]) ** 2 for r in edge], [float(r["sigma_b"]) ** 2 for r in edge],
                    color="k", lw=2.2, label=r"Edge of Chaos ($\chi_1 = 1$)")
        if grid:
            ax.set_xlim(min(sws) ** 2, max(sws) ** 2)
            ax.set_ylim(min(sbs) ** 2, max(sbs) ** 2)
            ax.text(0.04, 0.06, "ordered", transform=ax.transAxes, fontsize=10, fontweight="bold")
            ax.text(0.96, 0.06, "chaotic", transform=ax.transAxes, fontsize=10, ha="right", fontweight="bold")
        ax.set_xlabel(r"$\sigma_w^2$")
        ax.set_ylabel(r"$\sigma_b^2$")
        ax.set_title(f"{act}: phase diagram")
        if edge:
            ax.legend(loc="upper left", fontsize=8, framealpha=0.85)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
