"""Progress for long commands when stderr is not a terminal (logs, CI, pipes).

A terminal gets the commands' own progress bars; elsewhere a bar is noise, so a line
``ntk-verify <command>: running, 30 s`` goes to stderr every ``every`` seconds until the
command returns.  ``NTK_VERIFY_PROGRESS=0`` turns it off.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time

HEARTBEAT_SECONDS = 30.0


def _enabled(stream) -> bool:
    if os.environ.get("NTK_VERIFY_PROGRESS") == "0":
        return False
    isatty = getattr(stream, "isatty", None)
    return not (isatty and isatty())


@contextlib.contextmanager
def heartbeat(label: str, every: float = HEARTBEAT_SECONDS, stream=None):
    """Print '<label>: running, N s' on ``stream`` (stderr) every ``every`` seconds while the
    block runs, unless the stream is a terminal or NTK_VERIFY_PROGRESS=0."""
    stream = stream or sys.stderr
    if not _enabled(stream):
        yield
        return
    stop = threading.Event()
    start = time.perf_counter()

    def beat():
        while not stop.wait(every):
            try:
                print(f"{label}: running, {time.perf_counter() - start:.0f} s", file=stream, flush=True)
            except (OSError, ValueError):  # stream closed (pipe gone): stop quietly
                return

    thread = threading.Thread(target=beat, name="ntk-verify-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=1.0)


def periodic(label: str, every: float = HEARTBEAT_SECONDS, stream=None):
    """A ``progress(done, total)`` callback printing '<label>: done/total' at most every
    ``every`` seconds (for engines that report their progress)."""
    stream = stream or sys.stderr
    last = [time.perf_counter()]

    def report(done, total):
        now = time.perf_counter()
        if now - last[0] >= every:
            last[0] = now
            print(f"{label}: {done:,}/{total:,}", file=stream, flush=True)

    return report
