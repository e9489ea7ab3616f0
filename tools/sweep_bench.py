"""How fast `dlsim sweep` runs: runs per second one after another in one process, then on Dask
LocalClusters of 1, 2 and all cores, and Dask's overhead per run. A benchmark, not a test: its
figures depend on the machine and on what else runs on it (the load average is printed).

    python tools/sweep_bench.py [--runs 24] [--epochs 300]

Every sweep here runs the same runs (the MLP on XOR, learning rates × seeds). A cluster's start
(processes, imports) is timed on its own: a sweep pays it once, not per run.
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's dlsim

from dlsim.sweeps import cluster, one_run  # noqa: E402
from dlsim.sweeps.command import plan_runs  # noqa: E402
from dlsim.sweeps.execute import execute, warm  # noqa: E402
from dlsim.sweeps.results import ResultsFile  # noqa: E402


def runs(count: int, epochs: int):
    rates = ["0.03", "0.1", "0.3", "1", "3", "10"]
    seeds = max(1, -(-count // len(rates)))
    return plan_runs("mlp:dataset=xor", [f"lr={','.join(rates)}"], f"0-{seeds - 1}", epochs, [], None, None)[:count]


def serial(specs) -> float:
    one_run.run(specs[0])   # the kernels loaded, as a worker's warm-up does
    start = time.perf_counter()
    for spec in specs:
        one_run.run(spec)
    return time.perf_counter() - start


def on_cluster(specs, workers: int) -> tuple[float, float, float]:
    """(seconds to start the cluster, to load the kernels on its workers, to run the sweep on it)."""
    start = time.perf_counter()
    client, local = cluster.start(None, workers)
    client.wait_for_workers(workers)
    started = time.perf_counter() - start
    start = time.perf_counter()
    client.run(warm, specs[0].config)
    warmed = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        results = ResultsFile(os.path.join(folder, "s.jsonl"))
        start = time.perf_counter()
        execute(specs, results, client)
        ran = time.perf_counter() - start
        results.close()
    cluster.stop(client, local)
    return started, warmed, ran


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"{args.runs} runs of the MLP on XOR, {args.epochs} epochs each; {cores} cores, "
          f"load average {os.getloadavg()[0]:.2f}")
    for epochs in (args.epochs, 1):
        specs = runs(args.runs, epochs)
        alone = serial(specs)
        print(f"\nepochs={epochs}: one after another in one process: {len(specs) / alone:.1f} runs/s "
              f"({alone / len(specs) * 1000:.0f} ms a run)")
        for workers in sorted({1, 2, cores}):
            started, warmed, ran = on_cluster(specs, workers)
            print(f"  LocalCluster, {workers} worker{'s' * (workers > 1)}: {len(specs) / ran:.1f} runs/s, "
                  f"{alone / ran:.2f}× one after another (once a sweep: the cluster's start {started:.1f} s, "
                  f"the kernels loaded on its workers {warmed:.1f} s)")
            if workers == 1:
                print(f"    Dask's overhead per run (1 worker against one process): {(ran - alone) / len(specs) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
