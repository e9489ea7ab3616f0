"""`dlsim run NET --headless --export-weights FILE --export-curves FILE --plot`: what a headless run
writes and draws once it has trained.

Every path is checked before training starts (a wrong suffix, a missing folder, an existing file
without --overwrite: one line and exit 2 at once, not after minutes of training); the files are
written after the summary, each whole or not at all (dlsim.console.output_files).
"""
import os
import sys
from collections.abc import Callable

from dlsim.errors import UserError
from dlsim.console.export import CURVES, WEIGHTS, write_curves, write_weights
from dlsim.console.output_files import check_new


def planned(args) -> Callable | None:
    """The work to do after the run for these arguments (called with the Simulator), or None;
    UserError now for anything that cannot be done."""
    weights, curves, plot = args.export_weights, args.export_curves, args.plot
    if weights is None and curves is None:
        if args.overwrite and getattr(args, "save", None) is None:   # a flag is never ignored
            raise UserError("--overwrite needs --export-weights or --export-curves or --save (it lets them replace a file)")
        if not plot:
            refuse_clashes(args)   # --save and --trace still may not name one file, or the data
            return None
    if not args.headless:
        raise UserError("--export-weights, --export-curves and --plot need --headless "
                        "(in the app: the palette, Ctrl+P, has 'Export weights' and 'Export curves')")
    if weights is not None:
        check_new(weights, "--export-weights", WEIGHTS, args.overwrite)
    if curves is not None:
        check_new(curves, "--export-curves", CURVES, args.overwrite)
    refuse_clashes(args)

    def after(sim) -> None:
        if plot:
            from dlsim.console.plot import plot_history
            print(plot_history(sim.history, sim.model.metrics, title=f"{sim.name} on {sim.config.get('dataset')}",
                               unit=sim.model.epoch_word))
        if weights is not None:
            write_weights(sim.params, weights, args.overwrite, "--export-weights")
            print(f"weights: {len(sim.params)} parameters written to {weights}")
        if curves is not None:
            write_curves(sim.history, curves, args.overwrite, "--export-curves")
            print(f"curves: {len(sim.history)} rows written to {curves}")
        sys.stdout.flush()
    return after


def refuse_clashes(args) -> None:
    """UserError where two outputs name one file, or one names the data the run reads (--overwrite
    or not: a learner's own file is never replaced by what was learnt from it)."""
    written = [p for p in (args.export_weights, args.export_curves, args.trace, getattr(args, "save", None))
               if p is not None]
    for i, path in enumerate(written):
        if any(_same(path, other) for other in written[:i]):
            raise UserError(f"{path} is given twice (--export-weights, --export-curves, --trace, --save): "
                            "each needs its own file")
        if getattr(args, "data", None) and _same(path, args.data):
            raise UserError(f"{path} is the data this run reads (--data); write to another file")


def _same(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)
