"""The `dlsim` command: argument parsing, friendly errors, dispatch.

A user's mistake prints one line `dlsim: error: …` and exits 2; never a traceback. Ctrl+C prints
`dlsim: interrupted` (or where a run stopped) and exits 130, from the first import on.
"""
import os
import signal
import sys


def _stop_now(signum, frame):
    """Ctrl+C while the command starts (its modules imported) or does work with nothing to save:
    one line and 130, at once. Not a KeyboardInterrupt: raised inside an import, an extension
    module (NumPy) turns it into an ImportError of its own. A run with something to finish (a
    trace) handles the signal itself meanwhile (dlsim.sim.stop.handled)."""
    os.write(2, b"dlsim: interrupted\n")
    os._exit(130)


def _started_as_the_command() -> bool:
    """`dlsim …` or `python -m dlsim …`, not a program (a test) importing this module."""
    path = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return (os.path.basename(path) == "dlsim"
            or path == os.path.join(os.path.dirname(os.path.abspath(__file__)), "__main__.py"))


if _started_as_the_command():
    signal.signal(signal.SIGINT, _stop_now)

import argparse  # noqa: E402  (after the handler: importing it is most of a start's first 30 ms)
import threading  # noqa: E402

from dlsim.version import __version__
from dlsim.errors import UserError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, not argparse's usage block
        raise UserError(f"{message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dlsim", description="A terminal-first deep-learning simulator. "
                     "With no command, opens the interactive app.")
    parser.add_argument("--version", action="version", version=f"dlsim {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    parser.commands = sub.choices     # name -> its parser, for errors that belong to a command

    run = sub.add_parser("run", help="open a network in the app, or train it headless")
    run.add_argument("model", help="network: see 'dlsim list'; or a configuration string, e.g. "
                     "mlp:dataset=spiral,hidden=16.16,lr=0.1,seed=3")
    run.add_argument("--headless", action="store_true", help="no screen: train, print a summary")
    run.add_argument("--dataset", help="training data (see 'dlsim list')")
    run.add_argument("--data", metavar="FILE", help="your own data instead of --dataset: a CSV, .npy, .npz, .txt or a folder of PNGs (see the README)")
    run.add_argument("--seed", type=int, help="random seed (default 0)")
    run.add_argument("--backend", help="kernels: cpu (Numba, default), numpy (no compilation) or cuda (NVIDIA GPU: pip install 'dlsim[cuda]')")
    length = run.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=int, help="epochs to train (headless)")
    length.add_argument("--steps", type=int, help="parameter updates to train (headless)")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="an option, e.g. --set lr=0.1 --set hidden=16,16 (repeatable)")
    run.add_argument("--force", action="store_true",
                     help="start even a configuration whose one epoch is estimated past the time "
                     "limit (10 min, or DLSIM_TIME_BUDGET seconds)")
    run.add_argument("--trace", metavar="FILE", help="write the event stream as JSON Lines")
    run.add_argument("--trace-level", metavar="LEVEL",
                     help="finest events in the trace: op (every event), batch (default: "
                     "each update with all parameters and gradients, and each epoch), epoch")
    run.add_argument("--trace-inspect", action="store_true",
                     help="each traced event also carries what the app's pictures show then (see "
                     "'dlsim list': the names each network inspects)")
    run.add_argument("--export-weights", metavar="FILE", help="after a headless run, write the "
                     "parameters to FILE.npz (NumPy) or FILE.csv (a row per number)")
    run.add_argument("--export-curves", metavar="FILE", help="after a headless run, write the "
                     "metrics of every epoch to FILE.csv")
    run.add_argument("--plot", action="store_true", help="after a headless run, draw the curves as text")
    run.add_argument("--overwrite", action="store_true", help="replace a file that exists (--save, --export-…)")
    run.add_argument("--save", metavar="FILE", help="save the session where the run ends (Ctrl+C too): dlsim open FILE")
    opened = sub.add_parser("open", help="open a saved session (.dlsim) in the app, or train on headless")
    opened.add_argument("file", help="a session saved by --save, the app's S, or sim.save()")
    opened.add_argument("--headless", action="store_true", help="no screen: train on, print a summary")
    more = opened.add_mutually_exclusive_group()
    more.add_argument("--epochs", type=int, help="epochs to train on (headless)")
    more.add_argument("--steps", type=int, help="parameter updates to train on (headless)")
    opened.add_argument("--save", metavar="FILE", help="save the session where the run ends")
    opened.add_argument("--overwrite", action="store_true", help="let --save replace an existing file")

    sub.add_parser("list", help="models and datasets, with their options and defaults")
    bench = sub.add_parser("bench", help="time each network's compiled training against NumPy (and PyTorch)")
    bench.add_argument("net", nargs="?", help="one network (default: every network with a bench)")
    bench.add_argument("--quick", action="store_true", help="fewer repeats and sizes (a smoke run)")
    bench.add_argument("--backend", default="cpu",
                       help="cpu (default), or cuda: the GPU path against the CPU's fused path")
    bench.add_argument("--cpu-time", action="store_true",
                       help="time by the least CPU time of the calls, not their median wall clock "
                            "(steadier on a shared machine)")

    lesson = sub.add_parser("lesson", help="play a lesson: 'dlsim lesson list', 'dlsim lesson NAME'")
    lesson.add_argument("name", help="a lesson name, 'list', or 'check'")
    lesson.add_argument("path", nargs="?", help="with 'check': the lesson file to validate")
    lesson.add_argument("--headless", action="store_true", help="no screen: play every step")
    lesson.add_argument("--trace", metavar="FILE", help="write the event stream as JSON Lines")
    sub.add_parser("plot", help="draw the curves of a trace or a saved session as text: 'dlsim plot TRACE.jsonl|FILE.dlsim'").add_argument(
        "file", help="a trace written by 'dlsim run … --headless --trace FILE', or a saved session (.dlsim)")

    serve = sub.add_parser("serve", help="the app in a browser, one process per tab: pip install 'dlsim[web]'",
                           description="Serve the app to browsers, one dlsim process per tab. A tab's address "
                           "may open a network with its options (/?run=mlp&dataset=spiral&lr=0.1) or a "
                           "lesson (/?lesson=perceptron-and).")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: "
                       "this machine only; another one lets anyone who can reach it open sessions)")
    serve.add_argument("--max-sessions", type=int, metavar="N", help="tabs at once; one more is told to "
                       "wait (default: 4 per CPU core)")
    sweep = sub.add_parser("sweep", help="many headless runs at once on Dask: a grid of options and seeds, "
                           "or a file of configurations; 'dlsim sweep show FILE' reads the results "
                           "(pip install 'dlsim[sweep]')")
    sweep.add_argument("net", nargs="?", help="a network or a configuration string (its options fixed for "
                       "every run); or 'show'")
    sweep.add_argument("file", nargs="?", help="with show: the results file")
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2",
                       help="an option's values, separated by commas (layer sizes joined by dots: "
                       "hidden=4,8,16.16); every combination runs (repeatable)")
    sweep.add_argument("--seeds", help="seeds to run each setting with: 0-9, or 0,3,5 (default 0)")
    sweep.add_argument("--epochs", type=int, help="epochs each run trains (default: the network's)")
    sweep.add_argument("--from", dest="from_file", metavar="FILE",
                       help="one configuration string per line (e.g. students' submissions), instead of a grid")
    sweep.add_argument("--expect", action="append", default=[], metavar="CONDITION",
                       help="what each run must meet to pass, e.g. 'test_acc>=0.9' (repeatable)")
    sweep.add_argument("--lesson", metavar="NAME", help="play this lesson headless with each run's options; "
                       "its @expects decide pass or fail")
    sweep.add_argument("--out", metavar="FILE", help="the results, one JSON line a run (default sweep.jsonl)")
    sweep.add_argument("--resume", action="store_true", help="finish the sweep in --out: run only what it lacks")
    sweep.add_argument("--overwrite", action="store_true", help="replace --out (or show's --csv) if it exists")
    sweep.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler (tcp://host:8786); "
                       "default: a local cluster, one worker per core")
    sweep.add_argument("--workers", type=int, help="the local cluster's workers (default: one per core)")
    sweep.add_argument("--sort", metavar="METRIC", help="with show: the metric to sort by (default: a test metric)")
    sweep.add_argument("--csv", metavar="FILE", help="with show: also write one row per run to FILE.csv")
    sweep.add_argument("--failed", action="store_true", help="with show: only the runs that failed")
    return parser


def dispatch(args) -> int:
    if args.command is None:
        from dlsim.tui.launch import launch
        return launch()
    if args.command == "list":
        from dlsim.console.catalog import print_catalog
        return print_catalog()
    if args.command == "bench":
        # every contender on one thread, as the compiled kernels and PyTorch (timing.torch) run: set
        # before NumPy is first imported, when its BLAS reads them
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")
        from dlsim.bench import main as bench
        return bench(args.net, quick=args.quick, backend=args.backend, cpu_time=args.cpu_time)
    if args.command == "plot":
        from dlsim.console.plot_file import main as plot
        return plot(args.file)
    if args.command == "serve":
        from dlsim.web.serve import serve
        return serve(args.host, args.port, args.max_sessions)
    if args.command == "sweep":
        from dlsim.sweeps.command import main as sweep
        return sweep(args)
    if args.command == "lesson":
        from dlsim.console.lessons import main as lesson
        return lesson(args, open_in_app=_open_lesson)
    if args.command == "open":
        from dlsim.console.session_cli import open_session
        return open_session(args, open_in_app=_open_session)
    from dlsim.models.options import parse_assignments
    from dlsim.console.session_cli import network_and_options, save_at_end
    options = parse_assignments(args.set)
    for flag in ("dataset", "seed", "backend"):   # --dataset D, --seed S, --backend B: shorthands for --set
        given = getattr(args, flag)
        if flag in options and given is not None and str(given) != options[flag]:
            raise UserError(f"--{flag} {given} and --set {flag}={options[flag]} disagree; give it once")
        if given is not None and flag not in options:
            options[flag] = given
    args.model, options = network_and_options(args.model, options)
    seed = options.pop("seed", 0)
    path = options.pop("data", None)   # a configuration string's data=PATH
    if path is not None and args.data is not None and path != args.data:
        raise UserError(f"--data {args.data} and the configuration string's data={path} disagree; give one")
    path = args.data if args.data is not None else path
    if path is not None:   # read once, here: a bad file is one line before the app or the run starts
        from dlsim.console.own_data import read_data
        options["data"] = read_data(args.model, path, options)
    if args.force:   # reaches the Simulator beside the options: it lifts the time limit (sim.time_budget)
        options["force"] = True
    check_trace_flags(args.trace, args.trace_level)
    if args.trace_inspect and args.trace is None:
        raise UserError("--trace-inspect needs --trace FILE (it says what each traced event carries)")
    from dlsim.console.run_exports import planned
    after = planned(args)   # paths checked now, files written after the run
    if not args.headless:
        if args.trace is not None or args.epochs is not None or args.steps is not None or args.save is not None:
            raise UserError("--trace, --epochs, --steps and --save need --headless (in the app, S saves)")
        from dlsim.tui.launch import launch
        return launch(model=args.model, seed=seed, options=options)
    from dlsim.console.run import run_headless
    return run_headless(args.model, seed=seed, options=options, epochs=args.epochs,
                        steps=args.steps, trace=args.trace, trace_level=args.trace_level or "batch",
                        trace_inspect=args.trace_inspect, after=after,
                        save=save_at_end(args.save, args.overwrite))


def _open_session(sim) -> int:
    from dlsim.tui.session_launch import launch_session
    return launch_session(sim)


def _open_lesson(lesson: str) -> int:
    from dlsim.tui.launch import launch
    return launch(lesson=lesson)


def check_trace_flags(trace: str | None, level: str | None) -> None:
    """--trace and --trace-level are checked whatever else is given: a flag is never ignored."""
    if trace is not None and not trace.strip():
        raise UserError("--trace needs a file name")
    if level is not None:
        from dlsim.console.run import TRACE_LEVELS
        if level not in TRACE_LEVELS:
            raise UserError(f"--trace-level '{level}' is not allowed; choose from: {', '.join(TRACE_LEVELS)}")
        if trace is None:
            raise UserError("--trace-level needs --trace FILE (it says how much the trace holds)")


def parse(argv: list[str] | None):
    """Parse the command line; an unknown flag is reported by the command it was given to, so
    that the hint names that command's help (`dlsim run --help`)."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        command = parser.commands.get(args.command) if args.command else None
        hint = ""
        if "=" in extra[0] and not extra[0].startswith("-"):   # `--set a=1 b=2`: one pair per --set
            hint = f"; each --set takes one key=value: --set {extra[0]}"
        (command or parser).error(f"unrecognized arguments: {' '.join(extra)}{hint}")
    return args


def main(argv: list[str] | None = None) -> int:
    main_thread = threading.current_thread() is threading.main_thread()
    before = signal.getsignal(signal.SIGINT) if main_thread else None
    try:
        if main_thread:   # installed even where the shell that started it ignored SIGINT
            signal.signal(signal.SIGINT, _stop_now)
        return dispatch(parse(argv))
    except UserError as error:
        print(f"dlsim: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dlsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `dlsim … | head` closed the pipe: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if main_thread and _started_as_the_command():   # the answer is given: shutting down is quick
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        elif main_thread and before is not None:   # as it was (a program calling main goes on)
            signal.signal(signal.SIGINT, before)


if __name__ == "__main__":
    sys.exit(main())
