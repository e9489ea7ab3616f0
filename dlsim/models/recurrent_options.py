"""The options the RNN and the LSTM share (each adds its own: the RNN's activation, the LSTM's
forget-gate bias), and the stacked layers' sizes they give.

`length` is the sequence length T (it was called `steps`, which also meant the updates made and the
CLI's --steps; the old name still works). `hidden` is what it is for the MLP: the size of each
hidden layer, one number a layer ("8", or "8,8" for two stacked layers of 8; a single number is
still accepted). The stacked layers share one parameter layout, so they have the same size.
"""
from dataclasses import replace

from dlsim.errors import UserError
from dlsim.models import options as opt
from dlsim.models import recurrent_data

MOST_LAYERS, MOST_UNITS = 2, 256


def _hidden():
    """opt.sizes (one whole number is one layer, the former type of this option), held to what the
    kernels build: one or two layers of the same size."""
    sizes = opt.sizes("hidden", (8,), "units of each stacked recurrent layer, one number a layer (8, or 8,8 "
                      "for two layers)", high=MOST_UNITS)

    def parse(raw):
        value = sizes.parse(raw)
        if not 1 <= len(value) <= MOST_LAYERS or len(set(value)) != 1:
            raise ValueError
        return value
    return replace(sizes, parse=parse, allowed=f"one or two layer sizes from 1 to {MOST_UNITS}, the same "
                                                f"for both (e.g. 8 or 8,8)")


def shared_options(default_dataset: str) -> tuple:
    return (
        opt.choice("dataset", default_dataset, "the task: sine (next value), first_bit (remember it), "
                   "adding, parity, counting, characters (next character)", recurrent_data.TASKS),
        opt.integer("seed", 0, "seeds the data, the initial weights and the shuffling"),
        opt.renamed(opt.integer("length", 20, "sequence length T (first_bit: 5–50 noise steps after the bit)",
                                low=1, high=1000), "steps"),
        _hidden(),
        opt.integer("layers", 0, "the former way to stack layers: N layers of hidden's one size (0: as many "
                    "as hidden lists, the way to say it now)", low=0, high=MOST_LAYERS),
        opt.choice("output", "task", "a target at every step or after the last one (task: its own)",
                   ("task", "every", "last")),
        opt.choice("loss", "task", "mse (the mean of (ŷ − y)² over the outputs) or softmax_ce "
                   "(task: its own)", ("task", "mse", "softmax_ce")),
        opt.choice("h0", "zero", "the initial state: zero, or learned like a weight", ("zero", "learned")),
        opt.integer("truncate", 0, "truncated BPTT: the sequence is cut into chunks of k steps (t 0…k−1, "
                    "k…2k−1, …) and gradients flow back only within a chunk: not a sliding window of k "
                    "(0: the whole sequence)", low=0, high=1000),
        opt.real("clip", 1.0, "clip the gradient's global norm to this (0: never)", high=1e6, live=True),
        *opt.optimizer_options("adam", 0.01),
        opt.integer("batch", 16, "sequences per update (0: all of them)", low=0, high=10**6),
        opt.integer("samples", 256, "training sequences", low=2, high=100_000),
        opt.integer("test", 64, "test sequences", low=0, high=100_000),
        opt.real("noise", 0.05, "noise added to the sine waves", high=5.0),
    )


def layer_sizes(config: dict) -> tuple[int, ...]:
    """The units of each stacked layer: `hidden`, or its one size repeated `layers` times (the
    former spelling, layers=2 hidden=8, of hidden=8,8)."""
    hidden, layers = tuple(config["hidden"]), config["layers"]
    if not layers or layers == len(hidden):
        return hidden
    if len(hidden) == 1:
        return hidden * layers
    raise UserError(f"options 'hidden' ({','.join(map(str, hidden))}) and 'layers' ({layers}) disagree: "
                    f"hidden alone says how many layers (e.g. hidden={hidden[0]},{hidden[0]})")
