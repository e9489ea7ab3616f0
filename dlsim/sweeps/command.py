"""`dlsim sweep`: a grid or a file of configurations, run on Dask, with a pass/fail verdict.

    dlsim sweep mlp --set lr=0.01,0.1,1 --set hidden=4,8,16.16 --seeds 0-9 --epochs 300
    dlsim sweep --from submissions.txt --expect 'test_acc>=0.9'
    dlsim sweep --lesson mlp-learning-rate --set lr=0.3,1,3
    dlsim sweep show sweep.jsonl --sort test_loss

Exit status: 0 when every run passed (no --expect and no lesson: when every run ran), 1 when one
failed or could not be finished, 2 for a mistake in the command (before any run starts), 130 on
Ctrl+C. Whatever finished is in the file; `--resume` runs the rest.
"""
import logging
import os
import sys

from dlsim.errors import UserError
from dlsim.protocol.numbers import count, counted
from dlsim.sim import stop
from dlsim.sweeps import cluster, plan
from dlsim.sweeps.checks import check
from dlsim.sweeps.plan import RunSpec
from dlsim.sweeps.results import ResultsFile, read, spec_key

DEFAULT_OUT = "sweep.jsonl"


def main(args) -> int:
    if args.net == "show":
        given = [f"--{flag.replace('_file', '')}" for flag in RUN_ONLY if getattr(args, flag, None) not in (None, False, [])]
        if given:   # a flag is never ignored
            raise UserError(f"{given[0]} goes with a sweep to run, not with 'dlsim sweep show FILE'")
        from dlsim.sweeps.show import main as show
        return show(args)
    _only_for_show(args)
    runs = plan_runs(args.net, args.set, args.seeds, args.epochs, args.expect, args.lesson, _lines(args))
    cluster.distributed()   # said before the results file is made: a rerun after installing starts clean
    cluster.check_workers(args.workers)
    out = args.out or DEFAULT_OUT
    results = ResultsFile(out, resume=args.resume, overwrite=args.overwrite)
    try:
        return _run(args, runs, results, out)
    finally:
        results.close()


def _run(args, runs: list[RunSpec], results, out: str) -> int:
    have = len(runs) - len(results.missing(runs))
    print(f"sweep: {counted(len(runs), 'run')}" + (f", {count(have)} already in {out}" if have else "")
          + f"; results go to {out} as they finish", file=sys.stderr, flush=True)
    with stop.handled(terminate=True):   # Ctrl+C and SIGTERM: the cluster closed, the file whole
        return _on_cluster(args, runs, results, out, have)


def _on_cluster(args, runs: list[RunSpec], results, out: str, have: int) -> int:
    from dlsim.sweeps.execute import execute
    from dlsim.sweeps.progress_line import ProgressLine
    _quiet_dask()
    client = local = None
    try:
        if have < len(runs):
            client, local = cluster.start(args.scheduler, args.workers)
            print(f"sweep: {counted(cluster.workers(client), 'worker')} " + ("on " + args.scheduler if args.scheduler
                  else "on this machine") + "; loading the compiled kernels on each", file=sys.stderr, flush=True)
            lost = execute(runs, results, client, ProgressLine(len(runs)))
        else:
            lost = []
    except KeyboardInterrupt:
        kept = len(read(out)) if os.path.exists(out) else 0   # the file, not a count a signal may have cut short
        print(f"dlsim: interrupted: {count(kept)} of {count(len(runs))} runs are in {out}; "
              "the same command with --resume runs the rest", file=sys.stderr, flush=True)
        return 130
    finally:
        stop.ignore()   # a second Ctrl+C must not cut the closing short
        cluster.stop(client, local)
    return _verdict(runs, results, lost, out)


def _quiet_dask() -> None:
    """A lost scheduler is said once at the end (the runs it took with it), not as the tracebacks
    Dask's loggers print (each of its modules sets its logger's level itself, on import), nor those
    of the Tornado loop it runs on (whose loggers Dask's configuration gives levels and handlers of
    their own): a Ctrl+C just as Dask starts a call runs its cancel callback before the call exists,
    and Tornado printed the NameError that raises (distributed 2026.8)."""
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in ("distributed", "tornado"):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def _verdict(runs: list[RunSpec], results, lost: list[RunSpec], out: str) -> int:
    keys = {spec.key for spec in runs}
    mine = [r for r in results.records if spec_key(r) in keys]
    failed = [r for r in mine if not r.get("passed")]
    print(f"sweep: {counted(len(mine), 'run')}, {count(len(mine) - len(failed))} passed, {count(len(failed))} failed; "
          f"results in {out} ('dlsim sweep show {out}')")
    for record in failed[:5]:
        print(f"  failed: {record['config']}: {record.get('reason')}")
    if len(failed) > 5:
        print(f"  … and {count(len(failed) - 5)} more (dlsim sweep show {out} --failed)")
    if lost:
        print(f"dlsim: {count(len(lost))} runs did not finish (their workers died, or the cluster went away); "
              "the same command with --resume runs them", file=sys.stderr)
    return 1 if failed or lost else 0


def plan_runs(net: str | None, sets: list[str], seeds: str | None, epochs: int | None, expect: list[str],
              lesson: str | None, lines: list[tuple[int, str, dict]] | None) -> list[RunSpec]:
    """Every run of the sweep, checked: a mistake is one line before any run starts."""
    if epochs is not None and epochs < 1:
        raise UserError(f"--epochs must be a whole number >= 1, got {epochs}")
    conditions = plan.expectations(expect)
    base, network, seed_text = {}, None, seeds
    if lesson is not None:
        from dlsim.lesson.library import load
        found = load(lesson)
        lesson, network, base = found.name, found.network, dict(found.options)
        seed_text = seeds if seeds is not None else str(found.seed)
    if lines is not None:
        if net is not None or sets or seeds is not None:
            raise UserError("--from FILE lists whole runs (seed included); a network, --set and --seeds go without it")
        configs = []
        for number, line_network, given in lines:
            if network is not None and line_network != network:
                raise UserError(f"line {number}: a {line_network} configuration, but lesson {lesson} is about {network}")
            configs.append((plan.canonical(line_network, given, base), number))
    else:
        if net is None and network is None:
            raise UserError("name a network (dlsim sweep mlp --set lr=0.01,0.1,1), or give --from FILE or --lesson NAME")
        if net is not None:
            from dlsim.console.session_cli import network_and_options
            net_network, given = network_and_options(net, {})
            if network is not None and net_network != network:
                raise UserError(f"lesson {lesson} is about {network}, not {net_network}")
            network, base = net_network, {**base, **given}
            if "seed" in given:
                raise UserError("give the seeds with --seeds, not in the configuration string")
        configs, _ = plan.grid(network, sets, plan.seeds(seed_text), base)
        configs = [(config, None) for config in configs]
    runs = [RunSpec(config, epochs, tuple(c.text for c in conditions), lesson, number) for config, number in configs]
    if len({spec.key for spec in runs}) < len(runs):
        twice = next(spec for i, spec in enumerate(runs) if spec.key in {s.key for s in runs[:i]})
        raise UserError(f"the run {twice.config} is listed twice" + (f" (line {twice.line})" if twice.line else ""))
    _check_first(runs, conditions)
    return runs


def _check_first(runs: list[RunSpec], conditions) -> None:
    """Build (not train) the first run of each network: its expectations' names, and a configuration
    refused at build (the time limit, memory), are said now rather than in every run's record."""
    from dlsim.sim.config_string import parse_config
    from dlsim.sim.simulator import Simulator
    seen = set()
    for spec in runs:
        network, options = parse_config(spec.config)
        if network in seen:
            continue
        seen.add(network)
        seed = options.pop("seed", 0)
        try:
            sim = Simulator(network, seed=seed, **options)
        except UserError as error:
            raise UserError(f"{spec.config}: {error}") from None
        check(sim, conditions)


def _lines(args) -> list | None:
    return plan.from_file(args.from_file) if args.from_file is not None else None


SHOW_ONLY = ("sort", "csv", "failed")
RUN_ONLY = ("set", "seeds", "epochs", "from_file", "expect", "lesson", "out", "resume", "scheduler", "workers")


def _only_for_show(args) -> None:
    for flag in SHOW_ONLY:
        if getattr(args, flag, None) not in (None, False):
            raise UserError(f"--{flag} goes with 'dlsim sweep show FILE'")
    if args.file is not None:
        raise UserError(f"unexpected '{args.file}': a sweep takes one network (or --from FILE); "
                        "to look at a results file: dlsim sweep show FILE")
