"""`dlsim bench gan`: one GAN iteration (one D step, then one G step) on the fused compiled path
against the NumPy reference and (if installed) PyTorch eager with one thread, in one run.

The default GAN: D 2-16-16-1 and G 2-16-16-2, tanh, Adam for both, the non-saturating G loss, the
ring of 8; at the default batch of 64 and at 256 and 1024. Every contender runs the same iterations
from the same weights on the same drawn batches; the figure is the median µs per iteration.
"""
import numpy as np

import dlsim
from dlsim.bench import timing
from dlsim.kernels import gan as kernel
from dlsim.kernels import gan_reference as ref
from dlsim.kernels.gan import NON_SATURATING

ITERATIONS = 20   # per timed call: the fused path's per-call overhead is shared, as in a run


def _problem(batch: int):
    m = dlsim.make("gan", seed=0, batch=batch).model
    batches = [m.draws(e) for e in range(ITERATIONS)]
    rows, Z = np.stack([b[0] for b in batches]), np.stack([b[1] for b in batches])
    return m, rows, Z


def _runner(module, m, rows, Z):
    state = [a.copy() for net in ("D", "G") for a in m.buffers(net)]
    args = (m.sizes["D"], m.acts["D"], m.sizes["G"], m.acts["G"], m.hyper("D"), m.hyper("G"), NON_SATURATING,
            m.X, rows, Z, 1, 1, np.empty(len(rows)), np.empty(len(rows)))

    def run():
        module.train_iterations(*state, 0, 0, *args)
    return run


def torch_runner(m, rows, Z):
    torch = timing.torch()
    if torch is None:
        return None
    params = {net: [torch.tensor(a.copy(), requires_grad=True) for pair in ref.unpack(m.part(m.theta, net).copy(),
                                                                                      list(m.sizes[net]))
                    for a in pair] for net in ("D", "G")}
    opt = {net: torch.optim.Adam(params[net], lr=float(m.hyper(net)[1]), betas=(0.5, 0.999)) for net in params}
    X, Zt = torch.tensor(m.X), torch.tensor(Z)
    rows_t = torch.tensor(rows)

    def mlp(ps, a, last):
        for l in range(0, len(ps) - 2, 2):
            a = torch.tanh(a @ ps[l] + ps[l + 1])
        return last(a @ ps[-2] + ps[-1])

    def run():
        for e in range(len(rows)):
            fake = mlp(params["G"], Zt[e, 0], lambda z: z).detach()
            logits = mlp(params["D"], torch.cat([X[rows_t[e, 0]], fake]), lambda z: z)
            target = torch.cat([torch.ones(len(fake), 1), torch.zeros(len(fake), 1)]).double()
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, target)
            opt["D"].zero_grad()
            loss.backward()
            opt["D"].step()
            logits = mlp(params["D"], mlp(params["G"], Zt[e, 1], lambda z: z), lambda z: z)
            g_loss = torch.nn.functional.softplus(-logits).mean()   # −log D(x̂)
            opt["G"].zero_grad()
            g_loss.backward()
            opt["G"].step()
    return run


def main(net: str = "gan", quick: bool = False) -> None:
    print(f"GAN iteration (1 D step + 1 G step), D 2-16-16-1, G 2-16-16-2, tanh, Adam, ring of 8; "
          f"median µs per iteration ({ITERATIONS} per call)")
    print(timing.header())
    for batch in ((64,) if quick else (64, 256, 1024)):
        m, rows, Z = _problem(batch)
        fused = _runner(kernel, m, rows, Z)
        fused()   # compile or load from the cache before timing
        seconds = 0.2 if quick else 1.0
        per = lambda run: timing.median_us(run, seconds) / ITERATIONS
        torch_run = torch_runner(m, rows, Z)
        print(timing.row(f"batch {batch}", per(fused), per(_runner(ref, m, rows, Z)),
                         per(torch_run) if torch_run else None), flush=True)
