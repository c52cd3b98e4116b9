"""Where independent tasks run: in this process, on a LocalCluster, or on a running Dask cluster.

* ``workers=1`` and no scheduler: a plain loop in this process; Dask is not imported at all.
* ``workers=N`` (default: the machine's cores): a ``dask.distributed.LocalCluster`` of N worker
  processes with one thread each (the tasks are pure Python + mpmath and hold the GIL).
* ``scheduler="tcp://host:8786"``: a running cluster; its workers need this package installed.

Results come back as they finish (``map_unordered``).  A task that raises is returned as the
exception's row by the task functions themselves (they never raise for numerical failures); a
worker that dies mid-task is replaced by the nanny and the scheduler reruns its task elsewhere
(Dask's ``allowed-failures``), so a killed worker costs at most its own task.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re

from asymptotics.validation import InputError

_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+(:\d+)?/?$|^[\w.\-]+:\d+$")


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def check_workers(value, name: str = "--workers") -> int:
    try:
        n = int(str(value))
    except ValueError:
        raise InputError(name, f"expected a positive whole number, got {value!r}") from None
    if n < 1 or n > 4096:
        raise InputError(name, f"must be between 1 and 4096, got {value!r}")
    return n


def check_scheduler(address, name: str = "--scheduler") -> str:
    text = str(address).strip()
    if not _ADDRESS.match(text):
        raise InputError(name, f"expected an address like tcp://host:8786, got {address!r}")
    return text


def _dask(name: str):
    try:
        import dask.distributed as dd
    except ImportError:
        raise InputError(name, "needs Dask: pip install -e '.[distributed]' (or use --workers 1)") from None
    return dd


@contextlib.contextmanager
def open_client(workers: int, scheduler=None, connect_timeout: float = 5.0):
    """A connected ``dask.distributed.Client`` (closed, with its LocalCluster, on exit)."""
    if scheduler is not None:
        dd = _dask("--scheduler")
        address = check_scheduler(scheduler)
        try:
            client = dd.Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError, ValueError) as err:
            raise InputError("--scheduler", f"cannot reach a Dask scheduler at {address!r} within "
                                            f"{connect_timeout:g} s ({type(err).__name__})") from None
        try:
            yield client
        finally:
            client.close()
        return
    dd = _dask("--workers")
    cluster = dd.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              dashboard_address=None, silence_logs=logging.ERROR)
    client = dd.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def map_unordered(func, items, workers: int = 1, scheduler=None, client=None, retries: int = 0):
    """Yield ``(index, func(items[index]))`` as the tasks finish.

    ``client``: an open client (from :func:`open_client`); required unless workers == 1 and no scheduler.
    """
    items = list(items)
    if client is None:
        if scheduler is not None or workers != 1:
            raise ValueError("map_unordered: pass the client from open_client for parallel runs")
        for i, item in enumerate(items):
            yield i, func(item)
        return
    from dask.distributed import as_completed

    futures = client.map(func, items, pure=False, retries=retries)
    where = {f.key: i for i, f in enumerate(futures)}
    for future in as_completed(futures):
        yield where[future.key], future.result()


def claim_chunks(ids: list, workers: int, per_worker: int = 3) -> list:
    """Contiguous chunks of the serial order, about ``per_worker`` per worker.

    Neighbouring claims of a document share cached results (an EOC point, a Gauss-Hermite map);
    one task per claim would recompute them in every worker (measured: 90 s of checker time
    instead of 32 s for 56 claims), so a task is a run of neighbours, not a single claim.
    """
    n = max(1, min(len(ids), per_worker * workers))
    size, extra = divmod(len(ids), n)
    out, start = [], 0
    for k in range(n):
        stop = start + size + (1 if k < extra else 0)
        if stop > start:
            out.append(ids[start:stop])
        start = stop
    return out


def run_claims_parallel(claims, level: str, workers: int, scheduler=None):
    """The claims' checkers as parallel tasks; (results in the serial run's order, wall seconds)."""
    import time

    start = time.perf_counter()
    chunks = claim_chunks(list(claims), workers if scheduler is None else max(workers, 4))
    verdicts = [None] * len(chunks)
    with open_client(workers, scheduler) as client:
        for i, chunk_verdicts in map_unordered(check_claims, [(chunk, level) for chunk in chunks], workers, scheduler,
                                               client):
            verdicts[i] = chunk_verdicts
    flat = [v for chunk in verdicts for v in chunk]
    return list(zip(claims, flat)), time.perf_counter() - start


def check_claims(task):
    """Worker side of :func:`run_claims_parallel`: run a chunk of claims' checkers in order.

    The Claim objects travel with the task (cloudpickle: a document module's checker by reference,
    a user claim's closure by value), so claims loaded from a user's file run on workers that never
    read that file."""
    from proofs_checks import registry

    claims, level = task
    return [registry.run_check(c, level) for c in claims]
