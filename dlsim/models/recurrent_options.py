"""The options the RNN and the LSTM share (each adds its own: the RNN's activation, the LSTM's
forget-gate bias)."""
from dlsim.kernels import optimizers
from dlsim.models import options as opt
from dlsim.models import recurrent_data


def shared_options(default_dataset: str) -> tuple:
    return (
        opt.choice("dataset", default_dataset, "the task: sine (next value), first_bit (remember it), "
                   "adding, parity, counting, characters (next character)", recurrent_data.TASKS),
        opt.integer("seed", 0, "seeds the data, the initial weights and the shuffling"),
        opt.integer("steps", 20, "sequence length T (first_bit: 5–50 noise steps after the bit)",
                    low=1, high=1000),
        opt.integer("hidden", 8, "units per layer", low=1, high=256),
        opt.integer("layers", 1, "stacked recurrent layers", low=1, high=2),
        opt.choice("output", "task", "a target at every step or after the last one (task: its own)",
                   ("task", "every", "last")),
        opt.choice("loss", "task", "mse or softmax_ce (task: its own)", ("task", "mse", "softmax_ce")),
        opt.choice("h0", "zero", "the initial state: zero, or learned like a weight", ("zero", "learned")),
        opt.integer("truncate", 0, "truncated BPTT: gradients flow back at most k steps (0: the whole "
                    "sequence)", low=0, high=1000),
        opt.real("clip", 1.0, "clip the gradient's global norm to this (0: never)", high=1e6, live=True),
        opt.choice("optimizer", "adam", "how gradients move the weights", tuple(optimizers.CODES)),
        opt.real("lr", 0.01, "learning rate", low=0.0, low_open=True, high=1e6, live=True),
        opt.real("momentum", 0.9, "momentum coefficient (optimizer=momentum)", high=0.999999, live=True),
        opt.real("beta1", 0.9, "Adam's first-moment decay", high=0.999999, live=True),
        opt.real("beta2", 0.999, "Adam's second-moment decay", high=0.999999, live=True),
        opt.integer("batch", 16, "sequences per update (0: all of them)", low=0, high=10**6),
        opt.integer("samples", 256, "training sequences", low=2, high=100_000),
        opt.integer("test", 64, "test sequences", low=0, high=100_000),
        opt.real("noise", 0.05, "noise added to the sine waves", high=5.0),
    )
