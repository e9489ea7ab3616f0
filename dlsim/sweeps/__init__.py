"""Many headless runs at once: a grid of options and seeds, or one configuration string per line of
a file (students' submissions), run on Dask's distributed scheduler — a LocalCluster on a laptop,
or an existing cluster by its address — and written to a JSON Lines file as they finish.

    records = dlsim.sweep("mlp", {"lr": [0.01, 0.1, 1]}, seeds=range(3), epochs=300)

plan.py works out and checks the runs, one_run.py is what a worker executes, execute.py hands the
runs to Dask and streams their results to results.py's file, command.py is `dlsim sweep` and
show.py is `dlsim sweep show`.
"""


def sweep(net: str | None = None, grid: dict | None = None, seeds=(0,), epochs: int | None = None,
          expect=(), lesson: str | None = None, configs=None, client=None, out: str | None = None,
          resume: bool = False) -> list[dict]:
    """Run every combination of `grid` ({option: [values]}) for each of `seeds` — or each
    configuration string of `configs` — `epochs` epochs each (the network's default if None), and
    return their records in the grid's order. `expect`: conditions every run must meet
    ('test_acc>=0.9'); `lesson`: play that lesson with each run's options instead. `client`: a Dask
    client you already have (else a LocalCluster is started and closed). `out`: also write the
    results to this JSON Lines file (with `resume`, finishing a sweep it holds)."""
    import os
    import tempfile

    from dlsim.sweeps import cluster
    from dlsim.sweeps.command import plan_runs
    from dlsim.sweeps.execute import execute
    from dlsim.sweeps.results import ResultsFile
    sets = [f"{name}={','.join(_word(v) for v in values)}" for name, values in (grid or {}).items()]
    lines = None
    if configs is not None:
        from dlsim.sim.config_string import parse_config
        lines = [(number, *parse_config(text)) for number, text in enumerate(configs, 1)]
    runs = plan_runs(net, sets, None if configs is not None else ",".join(str(int(s)) for s in seeds),
                     epochs, list(expect), lesson, lines)
    scratch = None
    if out is None:
        scratch = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False)
        scratch.close()
        out, resume = scratch.name, True
    results = ResultsFile(out, resume=resume)
    own = client is None
    cluster_ = None
    try:
        if own:
            client, cluster_ = cluster.start(None, None)
        lost = execute(runs, results, client)
    finally:
        results.close()
        if own:
            cluster.stop(client, cluster_)
        if scratch is not None:
            os.unlink(scratch.name)
    if lost:
        from dlsim.errors import UserError
        raise UserError(f"{len(lost)} runs did not finish (their workers died or the cluster went away)")
    from dlsim.sweeps.results import spec_key
    by_key = {spec_key(record): record for record in results.records}
    return [by_key[spec.key] for spec in runs]


def _word(value) -> str:
    """A grid value as --set writes it: layer sizes joined by dots (16.16), a float by its repr."""
    if isinstance(value, (tuple, list)):
        return ".".join(str(v) for v in value) if value else "0"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return repr(value) if isinstance(value, float) else str(value)
