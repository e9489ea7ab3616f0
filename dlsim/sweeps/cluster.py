"""Where a sweep's runs execute: Dask's distributed scheduler, never one of our own.

A `LocalCluster` by default (one worker process per core, one thread each: the kernels are
single-threaded, and a thread per core keeps the GIL out of the way), or an existing scheduler
by its address (one started with `dask scheduler`/`dask worker`, or by dask-jobqueue on SLURM).
Dask is the `sweep` extra; without it one line says how to install it.
"""
import logging
import os

from dlsim.errors import UserError

INSTALL = "dlsim sweep needs Dask's distributed scheduler: pip install 'dlsim[sweep]'"
CONNECT_S = 10
PER_CORE = 4     # local workers a core at most
TRIM_BYTES = 1 << 20   # glibc's trim threshold in a local worker (see start)


def distributed():
    """The `distributed` module, or the one line saying how to install it."""
    try:
        import distributed as dd
    except ImportError:
        raise UserError(INSTALL) from None
    return dd


def check_workers(workers: int | None) -> None:
    """--workers: at least 1, and at most PER_CORE a core (each is a process; more than the machine
    runs at once only costs memory)."""
    most = PER_CORE * (os.cpu_count() or 1)
    if workers is not None and not 1 <= workers <= most:
        raise UserError(f"--workers must be a whole number from 1 to {most} on this machine "
                        f"({PER_CORE} a core), got {workers}")


def start(scheduler: str | None, workers: int | None):
    """(client, cluster or None): connected to `scheduler`, or a LocalCluster of `workers` processes
    (default: one per core) that the caller closes."""
    dd = distributed()
    check_workers(workers)
    if scheduler is not None:
        if workers is not None:
            raise UserError("--workers sizes the local cluster; an existing one (--scheduler) has its own workers")
        try:
            client = dd.Client(scheduler, timeout=CONNECT_S)
        except (OSError, TimeoutError, ValueError) as error:
            raise UserError(f"--scheduler {scheduler}: cannot reach it ({error})") from None
        return client, None
    import dask
    # Dask's nanny starts each worker with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc hand
    # memory back after every few NumPy arrays: a 300-epoch MLP run took 77 ms instead of 58 (any
    # fixed threshold also ends glibc's own adaptive one; 1 MiB measured as fast as none). And the
    # worker samples its task thread's stack every 10 ms for a profile nobody looks at here.
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": TRIM_BYTES,
                          "distributed.worker.profile.enabled": False}):
        cluster = dd.LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                  processes=True, dashboard_address=None, silence_logs=logging.ERROR)
    return dd.Client(cluster), cluster


def stop(client, cluster) -> None:
    """Close what `start` opened (an existing cluster is left running: only our connection closes)."""
    for closing in (client, cluster):
        if closing is not None:
            try:
                closing.close()
            except Exception:   # already gone (a lost scheduler): nothing left to close
                pass


def workers(client) -> int:
    return len(client.scheduler_info().get("workers", {}))
