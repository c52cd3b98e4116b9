"""The float64 engine on a GPU (cupy) against the same code on the CPU (numpy): agreement and speed.

    python3 benchmarks/bench_gpu.py [--out gpu.json]

Measures
1. Gram matrices of the ReLU network (sigma_w = 1, no bias) for n points on the sphere, iterated in
   1 - rho: n = 1000 to depth 10^4 on the GPU; the same on the CPU to depth 10^3 (the CPU rate is
   per pair-layer, so the two rates compare directly); the largest relative difference between
   GPU and CPU values at depth 10^3;
2. n = 4000 (8 million pairs) to depth 10^4 on the GPU.
Needs cupy and a CUDA device; the timing includes a device synchronisation.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy

from asymptotics.linalg import sphere_data
from asymptotics.recursion import Network, gram_at_depths


def _timed(fn, sync=None):
    start = time.perf_counter()
    out = fn()
    if sync is not None:
        sync()
    return out, time.perf_counter() - start


def main(argv=None):
    import cupy

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=None)
    args = p.parse_args(argv)
    sync = cupy.cuda.Device().synchronize
    net = Network("relu")
    result = {"device": cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()}

    X = sphere_data(1000, 128, 0)
    pairs = 1000 * 999 // 2
    gram_at_depths(net, cupy.asarray(X[:50]), [10], xp=cupy)  # compile the kernels once
    sync()
    gpu, gpu_s = _timed(lambda: gram_at_depths(net, cupy.asarray(X), [1000, 10**4], xp=cupy), sync)
    cpu, cpu_s = _timed(lambda: gram_at_depths(net, X, [1000]))
    worst = 0.0
    off = numpy.triu_indices(1000, 1)  # the diagonal is exactly 0 in both
    for name in ("one_minus_rho", "one_minus_ntk_normalized"):
        g, c = cupy.asnumpy(gpu[1000][name])[off], cpu[1000][name][off]
        worst = max(worst, float(numpy.max(numpy.abs(g - c) / numpy.abs(c))))
    result["gram_n1000"] = {"gpu_seconds_to_1e4": gpu_s, "gpu_pair_layers_per_s": pairs * 10**4 / gpu_s,
                            "cpu_seconds_to_1e3": cpu_s, "cpu_pair_layers_per_s": pairs * 1000 / cpu_s,
                            "max_relative_gpu_vs_cpu_at_1e3": worst}
    print(json.dumps(result["gram_n1000"]), flush=True)

    X4 = sphere_data(4000, 128, 1)
    big, big_s = _timed(lambda: gram_at_depths(net, cupy.asarray(X4), [10**4], xp=cupy), sync)
    result["gram_n4000"] = {"pairs": 4000 * 3999 // 2, "gpu_seconds_to_1e4": big_s,
                            "gpu_pair_layers_per_s": 4000 * 3999 // 2 * 10**4 / big_s,
                            "median_one_minus_ntk_normalized_at_1e4":
                                float(cupy.median(big[10**4]["one_minus_ntk_normalized"][cupy.triu_indices(4000, 1)]))}
    print(json.dumps(result["gram_n4000"]), flush=True)
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(result, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
