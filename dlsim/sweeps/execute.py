"""Run a sweep's missing runs on a Dask client, writing each result to the file as it arrives.

Dask does the scheduling: a run whose worker dies is given to another worker (by the scheduler,
not by us), so a killed worker loses no result; a result is written the moment it arrives, so
nothing finished is lost if the sweep itself stops; a run the file already holds is never
submitted, so nothing finished is run twice. A run the cluster could not finish (its worker died
too often, the scheduler went away) is left out of the file: `--resume` runs it again.
"""
import time
import uuid

from dlsim.sweeps import one_run
from dlsim.sweeps.cluster import distributed, workers
from dlsim.sweeps.plan import RunSpec
from dlsim.sweeps.progress_line import ProgressLine
from dlsim.sweeps.results import ResultsFile


def warm(config: str) -> None:
    """On a worker: load (or, on a cold cache, compile) the kernels a run of `config` needs, once
    per worker process, before its runs start (Numba keeps them for the process's life)."""
    from dlsim.sim.config_string import parse_config
    from dlsim.sim.simulator import Simulator
    network, options = parse_config(config)
    seed = options.pop("seed", 0)
    try:
        Simulator(network, seed=seed, **options).train(epochs=1)
    except Exception:   # the run itself will say what is wrong with it, in its record
        pass


def execute(runs: list[RunSpec], results: ResultsFile, client, progress: ProgressLine | None = None) -> list[RunSpec]:
    """Run what `results` lacks of `runs`; returns the runs the cluster could not finish."""
    dd = distributed()
    todo = results.missing(runs)
    if not todo:
        return []
    firsts: dict[str, str] = {}
    for spec in todo:   # one configuration per network: the kernels are the network's
        firsts.setdefault(spec.config.partition(":")[0], spec.config)
    client.run(_warm_all, list(firsts.values()))   # on every worker, at once
    tag = uuid.uuid4().hex[:8]
    futures = {client.submit(one_run.run, spec, key=f"dlsim-run-{tag}-{i}", pure=False): spec
               for i, spec in enumerate(todo)}
    unfinished = []
    failed = 0
    started = time.perf_counter()
    try:
        for future in dd.as_completed(futures):
            spec = futures.pop(future)
            try:
                record = future.result()
            except Exception:   # KilledWorker, cancelled by a lost scheduler: not a result
                unfinished.append(spec)
                continue
            results.append(record)
            failed += not record["passed"]
            if progress:
                progress.show(done=len(results.records), failed=failed, left=len(futures),
                              running=min(workers(client) or 1, len(futures)),
                              seconds=time.perf_counter() - started, finished_now=len(todo) - len(futures) - len(unfinished))
    finally:
        for future in futures:   # interrupted: nothing left running on the cluster for us
            future.cancel()
        if progress:
            progress.end()
    return unfinished


def _warm_all(configs: list[str]) -> None:
    for config in configs:
        warm(config)
