"""`dlsim bench transformer`: one epoch of the transformer on the reverse task, the fused Numba kernel
against its vectorised NumPy reference and (if installed) PyTorch eager, as d_model, the context and
the heads grow.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 dlsim bench transformer [--quick]

Each contender trains the same epoch from the same weights: 512 sequences in batches of 16, one
pre-norm block, causal attention, a ReLU MLP, cross-entropy on the answer's positions, Adam. The
figure is the median ms per epoch. The compiled kernels go one sequence and one row at a time (the
stepped path's sums, to the bit); NumPy and PyTorch take each batch as whole matrices.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import transformer as kernel
from dlsim.kernels import transformer_reference as ref

# (d_model, heads, digits reversed: the context is twice that)
CONFIGS = ((16, 2, 4), (32, 2, 4), (64, 4, 4), (32, 2, 8), (64, 4, 8))


def _runner(module, m):
    """One epoch per call, from m's weights, on `module`'s train_epochs."""
    orders = m.order(0)[None, :].astype(np.int64)

    def run():
        theta = m.theta.copy()
        zeros = [np.zeros_like(theta) for _ in range(3)]
        module.train_epochs(theta, *zeros, 0, m.cfg, m.hyper(), m.X, m.Y, orders, m.batch_size, np.zeros(1), 0)
    return run


def _torch_runner(m):
    torch = timing.torch()
    if torch is None:
        return None
    order = m.order(0)
    H = int(m.cfg[kernel.HEADS])
    T = m.task.context
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)

    def norm(x, g, b):
        return torch.nn.functional.layer_norm(x, (x.shape[-1],), g, b, eps=kernel.NORM_EPS)

    def run():
        p = [torch.tensor(a.copy(), requires_grad=True) for a in ref.unpack(m.theta.copy(), m.cfg)]
        E, P, g1, b1n, Wq, bq, Wk, bk, Wv, bv, Wo, bo, g2, b2n, W1, b1, W2, b2, gf, bf, Wout, bout = p
        opt = torch.optim.Adam(p, lr=float(m.config["lr"]), eps=1e-8)
        X, Y = torch.tensor(m.X[order]), torch.tensor(m.Y[order])
        for start in range(0, len(X), m.batch_size):
            xb, yb = X[start:start + m.batch_size], Y[start:start + m.batch_size]
            B = len(xb)
            x = E[xb] + P
            h = norm(x, g1[0], b1n[0])
            q, k, v = ((h @ W[0] + b[0]).view(B, T, H, -1).transpose(1, 2) for W, b in ((Wq, bq), (Wk, bk), (Wv, bv)))
            s = (q @ k.transpose(-1, -2)) / q.shape[-1] ** 0.5
            a = torch.softmax(s.masked_fill(mask, float("-inf")), -1)
            x = x + (a @ v).transpose(1, 2).reshape(B, T, -1) @ Wo[0] + bo[0]
            x = x + torch.relu(norm(x, g2[0], b2n[0]) @ W1[0] + b1[0]) @ W2[0] + b2[0]
            logits = norm(x, gf, bf) @ Wout + bout
            scored = (yb >= 0)
            ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), yb.clamp(min=0).reshape(-1),
                                                   reduction="none").view(B, T)
            loss = ((ce * scored).sum(1) / scored.sum(1)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return run


def main(net: str = "transformer", quick: bool = False) -> None:
    print("dlsim bench: transformer, one epoch of 512 reversals, batches of 16, 1 pre-norm block, Adam; "
          "median ms/epoch")
    print(timing.header(30, "ms"))
    for d_model, heads, digits in (CONFIGS[:2] if quick else CONFIGS):
        m = dlsim.make("transformer", seed=0, d_model=d_model, heads=heads, length=digits, mlp=2 * d_model).model
        seconds = 0.2 if quick else 0.6
        fused = timing.median_us(_runner(kernel, m), seconds, 3) / 1e3
        numpy = timing.median_us(_runner(ref, m), seconds, 3) / 1e3
        torch_run = _torch_runner(m)
        torch_ms = timing.median_us(torch_run, seconds, 3) / 1e3 if torch_run else None
        label = f"d {d_model}, {heads} heads, T {m.task.context}"
        print(timing.row(label, fused, numpy, torch_ms, 30), flush=True)
