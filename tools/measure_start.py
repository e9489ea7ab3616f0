"""Measure start-up as a learner meets it: `python tools/measure_start.py`.

Starts the real `dlsim run mlp` in a pseudo-terminal (the one tools/measure_app.py uses), several times
with a warm kernel cache and several times with an empty one, and reports the median time from
starting the command to
- the first frame: the first complete repaint that shows the simulation (its status line),
- the first op step: → is pressed as that frame shows, and the frame that shows its step ends (op by
  op stepping is compiled first, so on an empty cache this comes long before the rest), and
- ready: the status line says "paused", i.e. the kernels are loaded (or compiled) and a key acts at once.

Each run has a cache directory of its own (DLSIM_CACHE_DIR), so the user's cache is never touched:
one untimed run fills the warm one first; every cold run starts from an empty one.
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

from measure_app import Terminal   # beside this file

SHOWN = rb"loading compiled kernels|compiling kernels|paused"   # the status line's state, any
READY = rb"paused"
STEPPED = rb"sample 1/\d+ #0"   # the status line once the first op of the first sample is done
RIGHT = "\x1b[C"


def _frame_showing(term: Terminal, pattern: bytes, timeout: float) -> float | None:
    """When the first complete frame containing `pattern` ended (perf_counter time), or None."""
    end = time.perf_counter() + timeout
    seen = 0
    while time.perf_counter() < end:
        with term.lock:
            found = re.search(pattern, bytes(term.text)) is not None
            frames = len(term.frames)
        if found:
            while time.perf_counter() < end:   # the frame that brought it: the next to end
                with term.lock:
                    if len(term.frames) > seen:
                        return term.frames[seen]
                time.sleep(0.0005)
            return None
        seen = frames
        time.sleep(0.001)
    return None


def start_once(cache_dir: str, size: tuple[int, int], dataset: str, timeout: float) -> tuple[float, float, float]:
    """(seconds to the first frame, to the first op step, to ready) of one start of the app."""
    os.environ["DLSIM_CACHE_DIR"] = cache_dir
    command = [sys.executable, "-m", "dlsim", "run", "mlp", "--dataset", dataset]
    started = time.perf_counter()
    term = Terminal(command, *size)
    try:
        first = _frame_showing(term, SHOWN, timeout)
        term.send(RIGHT)
        stepped = _frame_showing(term, STEPPED, timeout)
        ready = _frame_showing(term, READY, timeout)
    finally:
        term.close()
    if first is None or stepped is None or ready is None:
        raise SystemExit(f"the app did not come up within {timeout:.0f} s")
    return first - started, stepped - started, ready - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/measure_start.py",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="starts of each kind (median reported)")
    parser.add_argument("--size", default="120x40", help="terminal size, WIDTHxHEIGHT")
    parser.add_argument("--dataset", default="spiral")
    parser.add_argument("--warm-only", action="store_true", help="skip the (slow) cold starts")
    args = parser.parse_args(argv)
    size = tuple(map(int, args.size.split("x")))
    results: dict[str, list[tuple[float, float, float]]] = {"warm": [], "cold": []}
    with tempfile.TemporaryDirectory(prefix="dlsim-measure-") as scratch:
        warm_dir = os.path.join(scratch, "warm")
        start_once(warm_dir, size, args.dataset, timeout=600)   # fills the warm cache
        for _ in range(args.runs):
            results["warm"].append(start_once(warm_dir, size, args.dataset, timeout=60))
        for n in range(0 if args.warm_only else args.runs):
            results["cold"].append(start_once(os.path.join(scratch, f"cold{n}"), size, args.dataset,
                                              timeout=600))
    print(f"dlsim run mlp started in a {size[0]}×{size[1]} pseudo-terminal, {os.cpu_count()} CPUs, "
          f"median of {args.runs}:")
    for kind, runs in results.items():
        if runs:
            first, stepped, ready = (statistics.median(values) for values in zip(*runs))
            print(f"  {kind} cache: first frame {first:.2f} s, first op step {stepped:.2f} s, kernels ready "
                  f"(status 'paused') {ready:.2f} s   (first frames {', '.join(f'{f:.2f}' for f, *_ in runs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
