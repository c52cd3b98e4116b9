"""Time a claims file of 20 quantities with and without the catalogue's cache (same run).

    python3 benchmarks/bench_user_claims.py [FILE] [--out benchmarks/results/user_claims_timing.json]
        [--baseline DIR --rounds N]

Pass 1: cache on, on-disk store of derived laws empty (cold: one EOC solve, one derived law ... per
parameter set); pass 2: the same with the store that pass 1 filled (warm: a second run of the file);
pass 3: cache off (every claim computes afresh, the package's own EOC caches emptied before each
computation, the store unread).  Reports the times, the ratio, the cache's hits and misses and the
load average.

``--baseline DIR`` (a checkout of an earlier commit, e.g. ``git archive COMMIT | tar -x -C DIR``)
also times the file in fresh processes of that tree and of this one, alternately (N rounds each, so
that both see the same load), and reports the medians and their ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from proofs_checks import registry  # noqa: E402
from proofs_checks.user_claims import cache, load_claims_file  # noqa: E402


def run(path):
    doc = load_claims_file(path)
    start = time.perf_counter()
    statuses = [registry.run_check(c).status.value for c in doc.claims]
    return time.perf_counter() - start, statuses


CHILD = """
import json, sys, time
t0 = time.perf_counter()
from proofs_checks import registry
from proofs_checks.user_claims import load_claims_file
doc = load_claims_file(sys.argv[1])
t1 = time.perf_counter()
statuses = [registry.run_check(c).status.value for c in doc.claims]
print(json.dumps({"check_s": time.perf_counter() - t1, "import_s": t1 - t0, "statuses": statuses}))
"""


def fresh_process(tree, path, store):
    """Check ``path`` in a new Python process that imports the package from ``tree`` (empty in-memory
    caches), with the on-disk store of derived laws at ``store`` (a new folder: cold)."""
    import subprocess

    env = dict(os.environ, PYTHONPATH=tree, NTK_VERIFY_CACHE_DIR=store)
    out = subprocess.run([sys.executable, "-c", CHILD, os.path.abspath(path)], cwd=tree, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare_trees(baseline, path, rounds):
    """Baseline, this tree cold (empty store) and this tree warm (the store of its first cold run),
    alternately in fresh processes, so that all three see the same load."""
    import statistics

    here = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    times = {"baseline": [], "this_tree_cold": [], "this_tree_warm_store": []}
    verdicts = {}
    warm_store = tempfile.mkdtemp(prefix="ntkv-warm-")
    for _ in range(rounds):
        for name, tree in (("baseline", baseline), ("this_tree_cold", here), ("this_tree_warm_store", here)):
            store = warm_store if name == "this_tree_warm_store" else tempfile.mkdtemp(prefix="ntkv-cold-")
            if name == "this_tree_cold" and not os.listdir(warm_store):
                store = warm_store  # the first cold run fills the warm store
            result = fresh_process(tree, path, store)
            times[name].append(round(result["check_s"], 2))
            verdicts[name] = result["statuses"]
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"baseline_tree": os.path.abspath(baseline), "rounds": rounds, "fresh_process_check_s": times,
            "median_s": med, "ratio_baseline_over_cold": round(med["baseline"] / med["this_tree_cold"], 2),
            "ratio_baseline_over_warm_store": round(med["baseline"] / med["this_tree_warm_store"], 2),
            "same_verdicts_as_baseline": verdicts["baseline"] == verdicts["this_tree_cold"] ==
            verdicts["this_tree_warm_store"]}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=os.path.join(here, "..", "tests", "data", "twenty_quantities.toml"))
    parser.add_argument("--out", default=os.path.join(here, "results", "user_claims_timing.json"))
    parser.add_argument("--baseline", help="an earlier tree to compare with, in fresh processes")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()
    os.environ["NTK_VERIFY_CACHE_DIR"] = tempfile.mkdtemp(prefix="ntkv-bench-")  # an empty store: cold
    cache.clear()
    cached_s, statuses = run(args.file)
    stats = dict(cache.STATS)
    cache.clear()  # the in-memory cache and the package's caches emptied; the store now holds the laws
    warm_s, statuses_warm = run(args.file)
    warm_stats = dict(cache.STATS)
    cache.clear()
    with cache.disabled():
        uncached_s, statuses_uncached = run(args.file)
    record = {"file": os.path.relpath(args.file), "claims": len(statuses), "cached_s": round(cached_s, 2),
              "warm_store_s": round(warm_s, 2), "uncached_s": round(uncached_s, 2),
              "ratio_uncached_over_cached": round(uncached_s / cached_s, 2),
              "cache_hits": stats["hits"], "cache_misses": stats["misses"],
              "warm_store_disk_hits": warm_stats["disk_hits"],
              "same_verdicts": statuses == statuses_uncached == statuses_warm,
              "verdicts": {s: statuses.count(s) for s in sorted(set(statuses))},
              "loadavg_before": [round(x, 2) for x in load_before]}
    if args.baseline:
        record["before_after"] = compare_trees(args.baseline, args.file, args.rounds)
    record["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(record, indent=2))
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(record, fh, indent=2)


if __name__ == "__main__":
    main()
