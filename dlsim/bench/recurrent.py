"""`dlsim bench rnn` and `dlsim bench lstm`: one training step (forward, BPTT, Adam update, batch of 16 noisy sine waves) of the RNN and
the LSTM: the fused Numba kernel against the vectorised NumPy reference (dlsim.kernels.*_reference)
and, when it is importable, PyTorch eager (nn.RNN / nn.LSTM + nn.Linear, 1 thread); at the default
config, then scaling with the sequence length T and the hidden size H.

    dlsim bench rnn|lstm [--quick]

Every figure is the best ms per optimizer step over a few timed epochs of 4 batches. Run it on a
quiet machine: it is a timing, not a test.
"""

import numpy as np

from dlsim.bench import timing
from dlsim.kernels import lstm, lstm_reference, recurrent, rnn, rnn_reference
from dlsim.protocol import sequences

DEFAULT = {"hidden": 16, "length": 20}
BATCH, BATCHES = 16, 4
NETS = {"rnn": (rnn, rnn_reference), "lstm": (lstm, lstm_reference)}
LENGTHS = (10, 20, 50, 100, 200)
HIDDEN = (8, 16, 32, 64, 128)


def _median_ms_per_step(epoch, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = timing.clock()
        epoch()
        times.append((timing.clock() - start) * 1e3 / BATCHES)
    return min(times)   # the least disturbed run: the machine may be shared


def _torch_epoch(name: str, hidden: int, task):
    """One epoch's closure in PyTorch eager, or None when torch is not installed."""
    torch = timing.torch()
    if torch is None:
        return None
    torch.manual_seed(0)
    layer = (torch.nn.LSTM if name == "lstm" else torch.nn.RNN)(1, hidden, batch_first=True).double()
    head = torch.nn.Linear(hidden, 1).double()
    params = list(layer.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=0.01)
    X, Y = torch.from_numpy(task.X), torch.from_numpy(task.Y)

    def epoch():
        for b in range(BATCHES):
            xb, yb = X[b * BATCH:(b + 1) * BATCH], Y[b * BATCH:(b + 1) * BATCH]
            opt.zero_grad()
            loss = ((head(layer(xb)[0]) - yb) ** 2).mean()
            loss.backward()
            opt.step()
    return epoch


def bench(name: str, hidden: int, length: int, repeats: int = 5) -> tuple[float, float, float | None]:
    """(compiled, numpy, torch or None) ms per training step."""
    net, ref = NETS[name]
    task = sequences.sine(samples=BATCH * BATCHES, length=length, seed=0)
    cfg = recurrent.config(1, hidden, 1, **net.CELL, optimizer="adam")
    theta0 = ref.initial_theta(cfg, np.random.default_rng(0))
    order = np.arange(BATCH * BATCHES)[None, :]
    hyper = recurrent.hyper(lr=0.01)

    def run(train):
        theta = theta0.copy()
        bufs = [np.zeros_like(theta) for _ in range(3)]
        return lambda: train(theta, *bufs, 0, cfg, hyper, task.X, task.Y, order, BATCH, np.zeros(1),
                             np.zeros(1), np.zeros((1, length)))

    compiled = run(net.train_epochs)
    compiled()   # compile, or load from the cache, before timing
    fused = _median_ms_per_step(compiled, repeats)
    numpy = _median_ms_per_step(run(ref.train_epochs), max(repeats // 2, 2))
    torch_epoch = _torch_epoch(name, hidden, task)
    if torch_epoch is not None:
        torch_epoch()
    torch = _median_ms_per_step(torch_epoch, repeats) if torch_epoch else None
    return fused, numpy, torch


def _row(label: str, figures) -> str:
    fused, numpy, torch = figures
    torch_text = f"{torch:>10.3f}   {torch / fused:>6.1f}×" if torch is not None else f"{'-':>10}   {'-':>7}"
    return f"{label:<12} {fused:>10.3f} {numpy:>10.3f}   {numpy / fused:>6.1f}×   {torch_text}"


def main(net: str, quick: bool = False) -> None:
    header = f"{'':<12} {'fused ms':>10} {'numpy ms':>10}   {'vs numpy':>7}   {'torch ms':>10}   {'vs torch':>7}"
    print(f"{net.upper()}: ms per training step, batch {BATCH}, Adam, MSE at every step")
    print(header)
    print(_row("default", bench(net, **DEFAULT)) + f"   (H={DEFAULT['hidden']}, T={DEFAULT['length']})", flush=True)
    if quick:
        return
    for length in LENGTHS:
        print(_row(f"T={length}", bench(net, DEFAULT["hidden"], length, repeats=3)), flush=True)
    for hidden in HIDDEN:
        print(_row(f"H={hidden}", bench(net, hidden, DEFAULT["length"], repeats=3)), flush=True)
