"""What a run-mode frame's curves cost, without the app: `python tools/measure_curves.py [--against REV]`.

Replays frames of a growing history through the curves panel (`Curves.rows`) and prints the CPU time
of this thread per frame (time.thread_time: hardly depends on what else runs on the machine), for
histories like a GAN's (four series, a few thousand entries, a few new a frame), an MLP's (hundreds
of entries, one a frame) and a perceptron's on XOR (20,000 entries, thinned, 5,000 new a frame).
`--against REV …` measures the curves of git revisions too (their curves.py and curve_series.py), in
the same process and in turns, so the figures come from the same machine and load (e.g. a18bde7^,
the curves before the bucketed summary, and a18bde7 with it).
"""
import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from dlsim.models.base import Model
from dlsim.tui.widgets.curves import Chart, Curves

ROOT = Path(__file__).resolve().parent.parent
CHARTS = {
    "gan": (Chart("loss", (("d_loss", "D"), ("g_loss", "G"))),
            Chart("D accuracy · distance", (("d_acc", "D acc"), ("distance", "distance")), (0.0, 1.0))),
    "mlp": (Chart("loss", (("train_loss", "train"), ("test_loss", "test"))),
            Chart("accuracy", (("train_acc", "train"), ("test_acc", "test")), (0.0, 1.0))),
    "perceptron": (Chart("accuracy", (("train_acc", "train"), ("test_acc", "test")), (0.0, 1.0)),
                   Chart("errors per epoch", (("errors", "train"),), whole=True)),
}
# (entries before the first frame, new entries a frame)
CASES = {"gan": (2_000, 4), "mlp": (400, 1), "perceptron": (20_000, 5_000)}


class Recorder:
    HISTORY_LIMIT = Model.HISTORY_LIMIT
    record = Model.record

    def __init__(self, keys, seed=0):
        self.history, self.epoch, self.keys = [], 0, keys
        self.rng = np.random.default_rng(seed)

    def run(self, n: int) -> None:
        values = np.abs(1 / (1 + np.arange(self.epoch, self.epoch + n)[:, None] / 500)
                        + 0.05 * self.rng.normal(size=(n, len(self.keys))))
        for row in values.tolist():
            self.epoch += 1
            self.record(dict(zip(self.keys, row)))


def frames(case: str, count: int):
    keys = [key for chart in CHARTS[case] for key, _ in chart.series]
    before, per_frame = CASES[case]
    model = Recorder(keys)
    model.run(before)
    yield list(model.history)
    for _ in range(count):
        model.run(per_frame)
        yield list(model.history)   # a frame holds a shallow copy


def per_frame_ms(curves_class, case: str, count: int, width: int, height: int) -> float:
    """CPU ms a frame, the first frame (reading the whole history) left out."""
    replay = list(frames(case, count))
    curves = curves_class(None, CHARTS[case])
    curves.rows(SimpleNamespace(history=replay[0], unit=("epoch",)), None, width, height)
    start = time.thread_time()
    for history in replay[1:]:
        curves.rows(SimpleNamespace(history=history, unit=("epoch",)), None, width, height)
    return (time.thread_time() - start) / count * 1e3


def curves_at(rev: str):
    """The Curves class of a git revision: its curves.py, with its curve_series.py where it has one."""
    def module(path: str, name: str):
        shown = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True)
        if shown.returncode:
            return None
        spec = importlib.util.spec_from_loader(name, loader=None)
        loaded = importlib.util.module_from_spec(spec)
        exec(compile(shown.stdout, f"{rev}:{path}", "exec"), loaded.__dict__)
        return loaded
    own = "dlsim.tui.widgets.curve_series"
    now = sys.modules.get(own)
    series = module("dlsim/tui/widgets/curve_series.py", f"curve_series_at_{rev}")
    try:   # its curves.py imports the revision's curve_series, not this checkout's
        if series is not None:
            sys.modules[own] = series
        return module("dlsim/tui/widgets/curves.py", f"curves_at_{rev}").Curves
    finally:
        sys.modules[own] = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", nargs="*", default=[], help="git revisions whose curves are measured too")
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--size", default="58x17", help="the curves panel's size (at 120×40: 58×17)")
    parser.add_argument("--repeat", type=int, default=3, help="the best of this many replays")
    args = parser.parse_args()
    width, height = map(int, args.size.split("x"))
    versions = [("now", Curves)] + [(rev, curves_at(rev)) for rev in args.against]
    for case in CASES:
        best = {name: float("inf") for name, _ in versions}
        for _ in range(args.repeat):   # taken in turns: a busy moment of the machine skews both alike
            for name, curves_class in versions:
                best[name] = min(best[name], per_frame_ms(curves_class, case, args.frames, width, height))
        for name, ms in best.items():
            print(f"{case:11s} {name:10s} {ms:6.2f} ms a frame")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
