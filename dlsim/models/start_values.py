"""Where a network's curves start: its charted metrics before the first update.

The curves' legend shows them until the first epoch ends, so a learner sees the loss the training
starts from, as the lessons quote it ("Before any training the loss is 0.947").
"""
import numpy as np

from dlsim.kernels import readiness


def before_training(model) -> dict[str, float]:
    """Measured by model.evaluate() on the weights while no update has been made (an edit or a live
    option before training moves the start) and kept after it; {} once an epoch has ended, where the
    start was never seen, and while the app gets the compiled kernels ready (evaluate() would
    compile them on the thread drawing the frame)."""
    if model.history or not readiness.ready(model.name):
        return {}
    held = model.__dict__.get("_before_training")   # derived state: never in a snapshot
    if model.steps == 0:
        # a live option changes what is measured too (a diffusion model's sampler, its distance)
        weights, options = model.flat_params(), repr(model.config)
        if held is None or held[1] != options or not np.array_equal(held[0], weights):
            measured = model.evaluate()
            held = (weights.copy(), options, {m.key: float(measured[m.key]) for m in model.metrics
                                              if m.chart and m.live and measured.get(m.key) is not None})
            model.__dict__["_before_training"] = held
    return held[2] if held else {}
