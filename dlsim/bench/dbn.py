"""`dlsim bench dbn`: the deep belief network's pre-training, layer by layer: one CD-1 epoch of each
layer on its own data (the images, then the frozen layer below's probabilities), the fused Numba
kernel against vectorised NumPy and, when installed, PyTorch eager (one thread), at the default stack
and at one four times as wide. Each layer is the RBM's, timed by the RBM's bench (dlsim.bench.rbm);
fine-tuning is the MLP's (see `dlsim bench mlp`).

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench dbn [--quick]

A layer's epoch costs N·(k + 1)·V·H, its V the layer below's width: the first layer, on the 64
pixels, is the costliest of a stack that narrows; the stack's epoch sum is what pre-training costs
per `pretrain` epoch.
"""
import dlsim
from dlsim.bench import timing
from dlsim.bench.rbm import _numpy_runner, _runner, _torch_runner

STACKS = ((64, 32, 16), (256, 128, 64))


def main(net: str = "dbn", quick: bool = False) -> None:
    print("dlsim bench: DBN pre-training, one epoch of CD-1 with SGD per layer; median ms per epoch")
    print(timing.header(40, "ms"))
    for layers in (STACKS[:1] if quick else STACKS):
        sim = dlsim.make("dbn", seed=0, layers=layers, pretrain=1, samples=1000, test=0, batch=32)
        for l, m in enumerate(sim.model.rbms):
            seconds = 0.2 if quick else 0.6
            fused = timing.median_us(_runner(m), seconds) / 1e3
            numpy = timing.median_us(_numpy_runner(m), seconds, 3) / 1e3
            torch_run = _torch_runner(m)
            torch_ms = timing.median_us(torch_run, seconds, 3) / 1e3 if torch_run else None
            label = f"layer {l + 1} of {'-'.join(map(str, layers))} V={m.V} H={m.H}"
            print(timing.row(label, fused, numpy, torch_ms, 40), flush=True)
            sim.train(epochs=1)   # this layer's epoch, then frozen: the next layer gets its data
