"""Where a batch's jobs run: a local pool of processes, or past one machine a Dask distributed cluster."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Callable, Iterator

from briefing.errors import InputError, NetworkError


def run_jobs(
    function: Callable, jobs: list, workers: int, cluster: str | None, ship: Callable = lambda job: job
) -> Iterator:
    """``function`` of each job (and the cores it may use), each as it finishes, from ``workers`` local
    processes or the Dask cluster at ``cluster``; ``ship`` makes a job ready to leave this machine."""
    if cluster:
        yield from _on_cluster(function, jobs, cluster, ship)
        return
    from concurrent.futures import as_completed as completed

    pool = Workers(workers)
    futures = [pool.submit(function, job, pool.cores) for job in jobs]
    try:
        for future in completed(futures):
            yield future.result()
    except BaseException:  # Ctrl-C, SIGTERM: the articles under way stop now, those done are kept
        pool.close(kill=True)
        raise
    pool.close()


class Workers:
    """Where jobs run, handed over one at a time: ``workers`` local processes, or the Dask cluster at
    ``cluster``. ``slots`` says how many jobs it runs at once, ``cores`` how many cores each may use."""

    def __init__(self, workers: int, cluster: str | None = None, start: str | None = None):
        """``start``: how local processes start ("spawn" for a process whose other threads may hold locks
        when it forks, as a server's do; by default the platform's)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self._client = _connect(cluster) if cluster else None
        self._pool = (
            None
            if cluster
            else ProcessPoolExecutor(
                max_workers=workers,
                initializer=_worker_start,
                initargs=(start == "spawn",),
                mp_context=multiprocessing.get_context(start) if start else None,
            )
        )
        if self._client is not None:
            found = self._client.scheduler_info().get("workers", {}).values()
            self.slots, self.cores = max(1, sum(int(w.get("nthreads", 1)) for w in found)), 1
        else:
            self.slots, self.cores = workers, max(1, (os.cpu_count() or 1) // workers)

    def start(self) -> list:
        """Start every local process now, each importing what a job needs, rather than with the first
        jobs; the futures that end once they are up."""
        if self._pool is None:
            return []
        return [self._pool.submit(int) for _ in range(self.slots)]

    def submit(self, function: Callable, *args, key: str = ""):
        """A future of ``function(*args)``: concurrent.futures' locally, Dask's on the cluster (``key`` names
        the task there); both have ``result()`` and ``add_done_callback()``."""
        if self._client is not None:
            return self._client.submit(function, *args, key=key or None, retries=1, pure=False)
        assert self._pool is not None
        return self._pool.submit(function, *args)

    def close(self, kill: bool = False) -> None:
        """Wait for the jobs under way, or with ``kill`` stop them now (their work is lost)."""
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close(timeout=5)
            return
        assert self._pool is not None
        if not kill:
            self._pool.shutdown()
            return
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()


def _worker_start(fresh: bool = False) -> None:
    """In each pool worker: die with the batch that started it (a SIGKILL leaves no worker behind), and let
    SIGTERM and Ctrl-C end it as they would any process (the batch itself handles them for the run). A
    ``fresh`` (spawned) process imports what every job needs now, before its first job."""
    import signal

    if fresh:
        import briefing.narration  # noqa: F401
        import briefing.publishing.publish  # noqa: F401

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the whole group: the batch decides
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: workers end when their queue closes


CONNECT_SECONDS = 15
"""How long a Dask scheduler has to answer before the batch gives up on it."""


IN_FLIGHT = 4
"""Jobs sent to the cluster per worker at once: the rest wait on the client's disk, not in its memory."""


def _on_cluster(function: Callable, jobs: list, cluster: str, ship: Callable) -> Iterator:
    """The jobs on the Dask cluster at ``cluster``, a few per worker at a time. A scheduler that does not
    answer, or goes away during the run, is one line (what finished before is kept by the caller)."""
    from distributed import as_completed

    client = _connect(cluster)
    try:
        waiting = iter(jobs)
        window = IN_FLIGHT * max(1, len(client.scheduler_info().get("workers", {})))

        def submit(job):
            return client.submit(
                function, ship(job), key=f"briefing-{job.key[:16]}-{job.name}", retries=1, pure=False
            )

        running = as_completed([submit(job) for job in itertools.islice(waiting, window)])
        for future in running:
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 - the scheduler or its connection gone: cancelled, closed...
                raise NetworkError(
                    f"{cluster}: the Dask cluster went away during the run ({type(exc).__name__})"
                ) from None
            for job in itertools.islice(waiting, 1):
                running.add(submit(job))
            yield outcome
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)


def _connect(cluster: str):
    """A Dask client of ``cluster``, connected within :data:`CONNECT_SECONDS` (a port that accepts and never
    speaks held Client(timeout=...) forever), or one line saying why not."""
    import threading

    from distributed import Client

    found: list = []

    def connect() -> None:
        try:
            found.append(Client(cluster, timeout=f"{CONNECT_SECONDS}s"))
        except Exception as exc:  # noqa: BLE001 - what Dask raises for a bad address or a closed port varies
            found.append(exc)

    threading.Thread(target=connect, daemon=True).start()
    deadline = time.monotonic() + CONNECT_SECONDS + 2
    while not found and time.monotonic() < deadline:
        time.sleep(0.05)
    if not found:
        raise NetworkError(f"{cluster}: no Dask scheduler answered within {CONNECT_SECONDS} s")
    if isinstance(found[0], ValueError):
        raise InputError(f"{cluster}: is not a Dask scheduler address such as tcp://host:8786 ({found[0]})")
    if isinstance(found[0], Exception):
        raise NetworkError(f"{cluster}: cannot reach a Dask scheduler there ({type(found[0]).__name__})")
    return found[0]
