"""`dlsim run MODEL --headless`: train without a screen, print a summary, optionally write a trace."""
import math
import sys
import time
from contextlib import contextmanager

from dlsim.errors import UserError
from dlsim.kernels import cache, jit
from dlsim.sim.events import Level
from dlsim.sim.formulas import num
from dlsim.sim.simulator import Simulator, level_of
from dlsim.trace import TraceWriter

DEFAULT_EPOCHS = {"perceptron": 100, "mlp": 200}
TRACE_LEVELS = ("op", "batch", "epoch")


@contextmanager
def feedback(message: str):
    """Say `message` on stderr, once, if Numba starts compiling in the block (seconds, on a cold
    cache); loading compiled kernels from the cache takes a fraction of that and is not announced."""
    said = False
    def say():
        nonlocal said
        if not said:
            said = True
            print(message, file=sys.stderr, flush=True)
    jit.compiles.watchers.append(say)
    try:
        yield
    finally:
        jit.compiles.watchers.remove(say)


def compiling_message() -> str:
    kept = "first run only; later runs load them from the cache" if cache.directory() else cache.problem
    return f"dlsim: compiling the Numba kernels… ({kept})"


def _count(value: int | None, what: str) -> None:
    if value is not None and value < 1:
        raise UserError(f"--{what} must be a whole number >= 1, got {value}")


def run_headless(model: str, seed: int, options: dict, epochs: int | None, steps: int | None,
                 trace: str | None, trace_level: str = "batch") -> int:
    _count(epochs, "epochs")
    _count(steps, "steps")
    if trace_level not in TRACE_LEVELS:
        raise UserError(f"--trace-level '{trace_level}' is not allowed; choose from: {', '.join(TRACE_LEVELS)}")
    sim = Simulator(model, seed=seed, **options)
    if epochs is None and steps is None:
        epochs = DEFAULT_EPOCHS.get(model, 100)
    writer = TraceWriter(trace) if trace else None
    detail = level_of(trace_level) if writer else Level.EPOCH
    compiling_before = jit.compiles.seconds
    with feedback(compiling_message()):
        sim.model.warm_up(detail)
    started = time.perf_counter()
    if writer:
        writer.header(model, sim.config)
        sim.on_event = lambda event: event.level >= detail and writer.write(event, sim)
        summary = sim.train(epochs=epochs, steps=steps, detail=detail)
        writer.summary(summary)
        writer.close()
    else:
        summary = _train_with_progress(sim, epochs, steps)
    wall = time.perf_counter() - started
    print(report(summary, wall, epochs))
    compiled = jit.compiles.seconds - compiling_before
    if compiled:   # only when something was compiled, not merely loaded from the cache
        print(f"  (first run: {compiled:.1f} s went to compiling the kernels, now cached)" if cache.directory()
              else f"  ({compiled:.1f} s went to compiling the kernels, which could not be cached)")
    if writer:
        print(f"trace: {writer.count} events written to {trace}")
    return 0


def _train_with_progress(sim: Simulator, epochs: int | None, steps: int | None) -> dict:
    """Train on the fused path in slices, saying how far it got every few seconds on a long run."""
    if epochs is None:
        return sim.train(steps=steps)
    started = last_said = time.perf_counter()
    done, size = 0, 1
    while done < epochs:
        ran_from = sim.epoch
        t0 = time.perf_counter()
        summary = sim.train(epochs=min(size, epochs - done))
        done += max(sim.epoch - ran_from, 1)
        if sim.model.converged() or not math.isfinite(sim.history[-1].get("loss", 0.0)):
            break   # nothing left to learn, or nothing left to learn from (NaN)
        size = max(1, min(size * 2, int(size * 0.5 / max(time.perf_counter() - t0, 1e-6))))
        if time.perf_counter() - last_said > 3.0 and done < epochs:
            last_said = time.perf_counter()
            rate = done / (last_said - started)
            print(f"dlsim: epoch {done:,} of {epochs:,} ({rate:,.0f} epochs/s; Ctrl+C stops)",
                  file=sys.stderr, flush=True)
    return summary


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def report(s: dict, wall: float, epochs: int | None) -> str:
    took = f"{wall:.2f} s" if wall >= 1 else f"{wall * 1000:.1f} ms"
    lines = [f"{s['model']} on {s['dataset']}: {plural(s['epochs'], 'epoch')}, {plural(s['steps'], 'step')} in {took}"]
    figures = [f"{label} {num(s[key], 4)}" for key, label in
               (("train_loss", "train loss"), ("test_loss", "test loss"), ("train_acc", "train accuracy"),
                ("test_acc", "test accuracy")) if s.get(key) is not None]
    if figures:
        lines.append("  " + ", ".join(figures))
    if s["diverged"]:
        lines.append(f"  diverged: {s['divergence']} (try a smaller learning rate)")
    elif s["model"] == "perceptron":
        if s["converged"]:
            lines.append(f"  converged after {s['epochs']} epochs: an epoch with no error")
        else:
            lines.append(f"  did not converge after {s['epochs']} epochs (still {s.get('errors', '?')} errors "
                         "per epoch): no straight line separates these classes")
    return "\n".join(lines)
