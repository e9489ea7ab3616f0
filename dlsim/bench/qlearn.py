"""`dlsim bench qlearn`: one epoch of tabular Q-learning (and SARSA), the fused Numba loop (environment
steps, seeded draws and updates compiled together) against the plain Python/NumPy reference of the
same loop (dlsim.kernels.qlearn_reference: NumPy's own generator for each step's draws), on the
gridworld and the cliff. A table of 20 or 48 rows has nothing for PyTorch to vectorise: each step
depends on the one before, so there is no PyTorch column.

    dlsim bench qlearn [--quick]

The figure is the median µs per epoch of 1,000 environment steps. Run it on a quiet machine: it is a
timing, not a test.
"""
import numpy as np

import dlsim
from dlsim.bench.timing import median_us
from dlsim.kernels import qlearn as kernel
from dlsim.kernels import qlearn_reference as ref

STEPS = 1000


def bench(dataset: str, rule: str, seconds: float) -> tuple[float, float]:
    m = dlsim.make("qlearn", seed=0, dataset=dataset, rule=rule, steps_per_epoch=STEPS).model
    seed, code, params = int(m.config["seed"]), m.env.code, m.env_params()
    start = (m.Q, m.env_state, m.counters, m.sums)

    def epoch(module):
        Q, state, counters, sums = (a.copy() for a in start)   # every timed epoch from the same start
        module.train_epochs(Q, code, m.layout, params, seed, kernel.RULES[rule], 0.5, 0.9, 0.1, STEPS, state,
                            counters, sums, np.zeros((1, kernel.METRICS)))
    return median_us(lambda: epoch(kernel), seconds), median_us(lambda: epoch(ref), seconds, least=3)


def main(net: str = "qlearn", quick: bool = False) -> None:
    print(f"tabular Q-learning, one epoch of {STEPS:,} environment steps; median µs per epoch")
    print(f"{'config':<20} {'dlsim µs':>10}   {'numpy µs':>10}   {'vs numpy':>8}")
    for dataset in ("gridworld", "cliff"):
        for rule in (("q",) if quick else ("q", "sarsa")):
            fused, numpy = bench(dataset, rule, 0.2 if quick else 1.0)
            print(f"{dataset + ' ' + rule:<20} {fused:>10.1f}   {numpy:>10.1f}   {numpy / fused:>7.0f}×", flush=True)
