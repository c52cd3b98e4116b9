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


def run_claims_parallel(claims, level: str, workers: int, scheduler=None):
    """Every claim's checker as its own task; (results in the serial run's order, wall seconds)."""
    import time

    start = time.perf_counter()
    ids = [c.id for c in claims]
    verdicts = [None] * len(ids)
    with open_client(workers, scheduler) as client:
        for i, verdict in map_unordered(check_one_claim, [(cid, level) for cid in ids], workers, scheduler, client):
            verdicts[i] = verdict
    return list(zip(claims, verdicts)), time.perf_counter() - start


def check_one_claim(task):
    """Worker side of :func:`run_claims_parallel`: run one registered claim's checker."""
    from proofs_checks import registry

    claim_id, level = task
    return registry.run_check(registry.get_claim(claim_id), level)
