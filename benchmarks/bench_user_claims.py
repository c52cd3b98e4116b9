"""Time a claims file of 20 quantities with and without the catalogue's cache (same run).

    python3 benchmarks/bench_user_claims.py [FILE] [--out benchmarks/results/user_claims_timing.json]

Pass 1: cache on (one EOC solve, one derived law ... per parameter set); pass 2: cache off (every claim
computes afresh, the package's own EOC caches emptied before each computation).  Reports both
times, their ratio, the cache's hits and misses and the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from proofs_checks import registry  # noqa: E402
from proofs_checks.user_claims import cache, load_claims_file  # noqa: E402


def run(path):
    doc = load_claims_file(path)
    start = time.perf_counter()
    statuses = [registry.run_check(c).status.value for c in doc.claims]
    return time.perf_counter() - start, statuses


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=os.path.join(here, "..", "tests", "data", "twenty_quantities.toml"))
    parser.add_argument("--out", default=os.path.join(here, "results", "user_claims_timing.json"))
    args = parser.parse_args()
    load_before = os.getloadavg()
    cache.clear()
    cached_s, statuses = run(args.file)
    stats = dict(cache.STATS)
    cache.clear()
    with cache.disabled():
        uncached_s, statuses_uncached = run(args.file)
    record = {"file": os.path.relpath(args.file), "claims": len(statuses), "cached_s": round(cached_s, 2),
              "uncached_s": round(uncached_s, 2), "ratio_uncached_over_cached": round(uncached_s / cached_s, 2),
              "cache_hits": stats["hits"], "cache_misses": stats["misses"], "same_verdicts": statuses == statuses_uncached,
              "verdicts": {s: statuses.count(s) for s in sorted(set(statuses))},
              "loadavg_before": [round(x, 2) for x in load_before], "loadavg_after": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps(record, indent=2))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(record, fh, indent=2)


if __name__ == "__main__":
    main()
