"""Where a batch's jobs run: a local pool of processes, or past one machine a Dask distributed cluster."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def run_jobs(function: Callable, jobs: list, workers: int, cluster: str | None) -> Iterator:
    """``function`` of each job (and the cores it may use), each as it finishes, from ``workers`` local
    processes or the Dask cluster at ``cluster``."""
    if cluster:
        from distributed import Client, as_completed

        with Client(cluster, timeout="10s") as client:
            futures = client.map(function, jobs, key=[f"briefing-{job.key[:16]}-{job.name}" for job in jobs],
                                 retries=1, pure=False)  # fmt: skip
            for future in as_completed(futures):
                yield future.result()
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed as completed

    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_start)
    cores = max(1, (os.cpu_count() or 1) // workers)  # the cores the workers leave each article
    futures = [pool.submit(function, job, cores) for job in jobs]
    try:
        for future in completed(futures):
            yield future.result()
    except BaseException:  # Ctrl-C, SIGTERM: the articles under way stop now, those done are kept
        workers_alive = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers_alive:
            process.kill()
        raise
    pool.shutdown()


def _worker_start() -> None:
    """In each pool worker: die with the batch that started it (a SIGKILL leaves no worker behind), and let
    SIGTERM and Ctrl-C end it as they would any process (the batch itself handles them for the run)."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the whole group: the batch decides
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: workers end when their queue closes
