"""Gram matrices by row/column blocks, for matrices that do not fit one process.

The n x n matrix is cut into b x b blocks; the block (I, J), I <= J, is one task on the float64
path of :func:`asymptotics.recursion.gram_at_depths` (``gram_at_depths(net, X[J], depths,
Y=X[I])``, or the symmetric call on X[I] for a diagonal block, so the diagonal stays exact).  The
recursion acts pair by pair, so a block holds the same numbers as the in-memory matrix up to the
rounding of the layer-1 dot products (BLAS blocks them differently).  About n^2 / (2 b^2) tasks.

Where the result goes: a NumPy ``.npy`` file per (field, depth), opened as a memmap
(``numpy.lib.format.open_memmap``), or in-memory arrays when no directory is given.  Why .npy and
not Zarr: it needs nothing beyond NumPy, ``numpy.load(path, mmap_mode="r")`` reads it back lazily
(the determinant and weights below read it so), and every block is one rectangular write.  The
blocks come back to the client and are written there as they finish (``as_completed``), so the
workers need no shared file system and at most the blocks in flight are held in memory; Zarr's
chunked writes from the workers would pay off only for matrices beyond one disk.

Execution: ``workers=1`` without a scheduler runs the blocks in this process (no Dask); otherwise
the tasks go to a LocalCluster or to ``scheduler`` (see :mod:`proofs_checks.distributed`'s
client; here any ``dask.distributed.Client`` may be passed as ``client``).

Seed 000's limit (../shared/seeds/000_f7801e5ab975f0a8.txt:288-305, the normalised NTK of
Definition 4 / Proposition 4): :func:`limit_from_files` reads kappa = 1 1^T - E back from the
files and computes log10 det kappa and the weights kappa^-1 kappa_x with
:func:`asymptotics.linalg.log_det_kappa` and :func:`asymptotics.linalg.weights_float64`.
"""
from __future__ import annotations

import os

import numpy

from asymptotics.recursion import Network, gram_at_depths
from asymptotics.validation import InputError, check_depths

FIELDS = ("one_minus_rho", "rho", "one_minus_ntk_normalized", "ntk_normalized")


def block_ranges(n: int, block: int) -> list:
    return [(s, min(s + block, n)) for s in range(0, n, block)]


def gram_block(network: Network, X, rows, cols, depths, fields) -> dict:
    """{depth: {field: block}} of the rows ``rows`` against the columns ``cols`` of X."""
    (r0, r1), (c0, c1) = rows, cols
    if rows == cols:
        out = gram_at_depths(network, X[r0:r1], depths)
    else:
        out = gram_at_depths(network, X[c0:c1], depths, Y=X[r0:r1])  # (rows, cols)
    return {d: {f: numpy.asarray(out[d][f]) for f in fields} for d in depths}


def _check(network, X, depths, block, fields):
    if not isinstance(network, Network):
        raise InputError("network", f"expected a Network, got {type(network).__name__}")
    X = numpy.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 2:
        raise InputError("X", f"expected an (n x d) array with n >= 2, got shape {X.shape}")
    if isinstance(block, bool) or int(block) != block or block < 1:
        raise InputError("block", f"expected a positive integer, got {block!r}")
    bad = [f for f in fields if f not in FIELDS]
    if bad or not fields:
        raise InputError("fields", f"choose among {', '.join(FIELDS)}, got {bad or fields}")
    return X, check_depths("depths", depths), int(block)


def file_name(out_dir: str, field: str, depth: int) -> str:
    return os.path.join(out_dir, f"{field}_L{depth}.npy")


def blockwise_gram(network: Network, X, depths, block: int = 1000, fields=("one_minus_ntk_normalized",),
                   out_dir=None, workers: int = 1, client=None) -> dict:
    """{depth: {field: n x n array}} assembled from symmetric blocks (memmaps under ``out_dir``)."""
    X, depths, block = _check(network, X, depths, block, fields)
    n = X.shape[0]
    if out_dir is not None:
        if not os.path.isdir(out_dir):
            raise InputError("out_dir", f"{out_dir!r} is not a directory")
        result = {d: {f: numpy.lib.format.open_memmap(file_name(out_dir, f, d), mode="w+", dtype=float, shape=(n, n))
                      for f in fields} for d in depths}
    else:
        result = {d: {f: numpy.empty((n, n)) for f in fields} for d in depths}
    ranges = block_ranges(n, block)
    pairs = [(I, J) for a, I in enumerate(ranges) for J in ranges[a:]]

    def store(I, J, values):
        for d in depths:
            for f in fields:
                result[d][f][I[0]:I[1], J[0]:J[1]] = values[d][f]
                if I != J:
                    result[d][f][J[0]:J[1], I[0]:I[1]] = values[d][f].T

    if client is None:
        if workers != 1:
            return _on_local_cluster(network, X, depths, block, fields, out_dir, workers)
        for I, J in pairs:
            store(I, J, gram_block(network, X, I, J, depths, fields))
    else:
        from dask.distributed import as_completed

        shared = client.scatter(X, broadcast=True)
        futures = {client.submit(gram_block, network, shared, I, J, depths, fields, pure=False): (I, J)
                   for I, J in pairs}
        for future in as_completed(futures):
            store(*futures[future], future.result())
            future.release()
    if out_dir is not None:
        for d in depths:
            for f in fields:
                result[d][f].flush()
    return result


def _on_local_cluster(network, X, depths, block, fields, out_dir, workers):
    try:
        import dask.distributed as dd
    except ImportError:
        raise InputError("workers", "needs Dask: pip install -e '.[distributed]' (or workers=1)") from None
    import logging

    with dd.LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR) as cluster, dd.Client(cluster) as client:
        return blockwise_gram(network, X, depths, block, fields, out_dir, 1, client)


def limit_from_files(out_dir: str, depth: int, E_x) -> dict:
    """Seed 000's determinant and weights at ``depth`` from the stored 1 - Theta-bar matrix.

    ``E_x``: (m x n) array 1 - Theta-bar(x_k, x_i) of m test points.  Returns the DetResult of
    log_det_kappa and the WeightsResult of weights_float64.
    """
    from asymptotics import linalg

    path = file_name(out_dir, "one_minus_ntk_normalized", depth)
    if not os.path.exists(path):
        raise InputError("out_dir", f"no {os.path.basename(path)} in {out_dir!r} (run blockwise_gram first)")
    E = numpy.load(path, mmap_mode="r")
    return {"det": linalg.log_det_kappa(numpy.asarray(E)), "weights": linalg.weights_float64(numpy.asarray(E), E_x)}
