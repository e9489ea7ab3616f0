"""A picture that depends on the parameters alone, computed once per set of weights.

A traced run (--trace-inspect) or a redrawn frame asks for a network's pictures at every event, and
most events change no parameter: a confusion matrix over the test set, D's verdict on every fake, a
U-matrix or a decision-surface summary is computed again only when `theta` (or what else `key`
names, such as which kernels compute it) has changed since.
"""
import numpy as np


def kept(model, slot: str, key, compute):
    """compute(), or what it gave last time if the model's parameters and `key` are as they were
    then; held on the model under `slot` (derived state: never in a snapshot)."""
    held = model.__dict__.get(slot)
    if held is not None and held[0] == key and np.array_equal(held[1], model.theta):
        return held[2]
    value = compute()
    model.__dict__[slot] = (key, model.theta.copy(), value)
    return value


def keep(model, slot: str, key, value) -> None:
    """Hold `value` as what kept(model, slot, key, …) would compute from the parameters as they are
    now: where training has just computed it (an evaluation), a picture need not compute it again."""
    model.__dict__[slot] = (key, model.theta.copy(), value)
