"""The GAN on the GPU: dlsim.kernels.gan's signatures, with whole iterations and the evaluation
(G over the latent points, D over any points) on the device.

Both networks are MLPs in the MLP's layout, so this twin is built from the MLP twin's device
kernels (dense sums, activations, weight gradients, δ flowing back, the optimizer step), one thread
per number, sums in a fixed order, no atomics: the same bits every run. `train_iterations` copies
both networks' parameters and optimizer state, the real points, the drawn rows and the latent
points to the device once for the chunk and the state back at its end; two numbers (the
iteration's D and G losses) come back per iteration, to stop on a non-finite one as the CPU does.
A D or G step per call (`d_step`, `g_step`) and the gradients the API asks for stay on the CPU,
where stepping is.
"""
import math

import numpy as np

from dlsim.kernels import activations, gan, gpu, mlp_cuda
from dlsim.kernels.gan import G_LOSSES, NON_SATURATING, SATURATING  # noqa: F401 (the CPU module's names)
from dlsim.kernels.gan import d_gradients, d_step, g_gradients, g_step  # noqa: F401 (on the CPU: see above)
from dlsim.kernels.losses import BCE

cuda = gpu.cuda()
LINEAR, SIGMOID = activations.LINEAR, activations.SIGMOID
_g_term = gpu.device(gan.g_term)
_g_delta = gpu.device(gan.g_delta)
_derivative = mlp_cuda._derivative
_blocks, _grid, _layers = gpu.blocks, mlp_cuda._grid, mlp_cuda._layers


@cuda.jit
def _rows_into(X, rows, aT):
    """Real points X[rows] into the first len(rows) columns of D's input block aT (2, ·)."""
    s = cuda.grid(1)
    if s < rows.shape[0]:
        for f in range(X.shape[1]):
            aT[f, s] = X[rows[s], f]


@cuda.jit
def _latent_into(Zb, aT):
    """Latent points Zb (B, zd) into G's input block aT (zd, B)."""
    s = cuda.grid(1)
    if s < Zb.shape[0]:
        for f in range(Zb.shape[1]):
            aT[f, s] = Zb[s, f]


@cuda.jit
def _fakes_into(fakesT, aT, first):
    """G's points (2, B) into D's input block from column `first` on."""
    s = cuda.grid(1)
    if s < fakesT.shape[1]:
        for f in range(fakesT.shape[0]):
            aT[f, first + s] = fakesT[f, s]


@cuda.jit
def _g_output(zT, aT, kind, dT, shares):
    """G's loss at D's output: δ (1, B) and each fake point's share of the loss."""
    s = cuda.grid(1)
    if s < aT.shape[1]:
        scale = 1.0 / aT.shape[1]
        dT[0, s] = _g_delta(aT[0, s], kind, scale)
        shares[s] = scale * _g_term(zT[0, s], kind)


@cuda.jit
def _times_slope(srcT, zT, aT, kind, dT):
    """dT = srcT · f'(zT): ∂L/∂x̂ at G's output into G's output δ."""
    s, j = cuda.grid(2)
    if s < dT.shape[1] and j < dT.shape[0]:
        dT[j, s] = srcT[j, s] * _derivative(zT[j, s], aT[j, s], kind)


class _Net:
    """One network's device state: its flat buffers (theta, grad, m, v), their layers as views, its
    sizes and activation codes, and its (units, batch) blocks per batch width."""

    def __init__(self, buffers, sizes, acts):
        self.state = [cuda.to_device(np.ascontiguousarray(b)) for b in buffers]
        self.sizes, self.acts = sizes, acts
        self.layers = _layers(self.state[0], sizes)
        self.grads = _layers(self.state[1], sizes) if len(self.state) > 1 else None
        self._spaces = {}

    def space(self, batch):
        if batch not in self._spaces:
            self._spaces[batch] = mlp_cuda._buffers(self.sizes, batch)
        return self._spaces[batch]

    def forward(self, batch):
        z, a, _ = self.space(batch)
        mlp_cuda._forward(self.layers, self.acts, z, a)
        return z, a

    def backward(self, batch, accumulate, into=None):
        """δ from the output block d[-1] back to the inputs: weight gradients if `accumulate`, and
        the layer-0 δ (∂L/∂inputs, no activation) into `into` if given."""
        z, a, d = self.space(batch)
        for l in range(len(self.layers) - 1, -1, -1):
            W = self.layers[l][0]
            if accumulate:
                dW, db = self.grads[l]
                blocks, threads = _grid(W.shape[1], W.shape[0] + 1)
                mlp_cuda._weight_grads[blocks, threads](a[l], d[l + 1], dW, db)
            if l > 0 or into is not None:
                below, kind = (d[l], int(self.acts[l - 1])) if l > 0 else (into, LINEAR)   # linear: × 1.0
                blocks, threads = _grid(batch, W.shape[0])
                mlp_cuda._below[blocks, threads](W, d[l + 1], z[l], a[l], kind, below)

    def update(self, hyper, t):
        kind, lr, mu, beta1, beta2, eps = int(hyper[0]), *map(float, hyper[1:6])
        theta, grad, m, v = self.state
        mlp_cuda._update[_blocks(theta.shape[0]), gpu.THREADS](
            theta, grad, m, v, kind, lr, mu, beta1, beta2, eps, 1.0 - beta1 ** t, 1.0 - beta2 ** t)

    def back_to(self, buffers):
        for host, device in zip(buffers, self.state):
            device.copy_to_host(host)


def _generate_into(G, Zb, batch):
    """G's forward pass on latent points Zb (B, zd) (a device array); its points are a[-1] (2, B)."""
    _, a, _ = G.space(batch)
    _latent_into[_blocks(batch), gpu.THREADS](Zb, a[0])
    G.forward(batch)
    return a[-1]


def _d_step(D, G, dX, rows, Zb, Yd, shares, total, hyper_d, t_d):
    B = rows.shape[0]
    _, a, d = D.space(2 * B)
    _rows_into[_blocks(B), gpu.THREADS](dX, rows, a[0])
    _fakes_into[_blocks(B), gpu.THREADS](_generate_into(G, Zb, B), a[0], B)
    z, a = D.forward(2 * B)
    mlp_cuda._output[_blocks(2 * B), gpu.THREADS](z[-1], a[-1], Yd, BCE, SIGMOID, d[-1], shares)
    mlp_cuda._add_loss[1, 1](shares, 1.0, total)   # total[0] += the step's loss
    D.backward(2 * B, True)
    D.update(hyper_d, t_d)


def _g_step(G, D, Zb, g_kind, shares, total, hyper_g, t_g):
    B = Zb.shape[0]
    _, da, dd = D.space(B)
    _fakes_into[_blocks(B), gpu.THREADS](_generate_into(G, Zb, B), da[0], 0)
    dz, da = D.forward(B)
    _g_output[_blocks(B), gpu.THREADS](dz[-1], da[-1], g_kind, dd[-1], shares)
    mlp_cuda._add_loss[1, 1](shares, 1.0, total)   # total[1] = the step's loss
    D.backward(B, False, dd[0])                      # D frozen: δ flows through it into x̂
    gz, ga, gd = G.space(B)
    blocks, threads = _grid(B, gd[-1].shape[0])
    _times_slope[blocks, threads](dd[0], gz[-1], ga[-1], int(G.acts[-1]), gd[-1])
    G.backward(B, True)
    G.update(hyper_g, t_g)


def train_iterations(theta_d, grad_d, m_d, v_d, theta_g, grad_g, m_g, v_g, t_d, t_g, sizes_d, acts_d,
                     sizes_g, acts_g, hyper_d, hyper_g, g_kind, X, rows, Z, d_steps, g_steps, d_losses, g_losses):
    """dlsim.kernels.gan.train_iterations on the GPU. Returns (iterations run, D steps, G steps)."""
    B, k, E = Z.shape[2], rows.shape[1], rows.shape[0]
    D, G = _Net((theta_d, grad_d, m_d, v_d), sizes_d, acts_d), _Net((theta_g, grad_g, m_g, v_g), sizes_g, acts_g)
    dX, drows, dZ = cuda.to_device(np.ascontiguousarray(X)), cuda.to_device(rows), cuda.to_device(Z)
    Yd = cuda.to_device(np.concatenate([np.ones((B, 1)), np.zeros((B, 1))]))   # B real, then B fakes
    d_shares, g_shares = cuda.device_array(2 * B), cuda.device_array(B)
    totals = cuda.to_device(np.zeros((max(E, 1), 4)))   # per iteration: D's (sum, last), G's (·, loss)
    ran = E
    for e in range(E):
        for j in range(d_steps):
            t_d += 1
            _d_step(D, G, dX, drows[e, j], dZ[e, j], Yd, d_shares, totals[e, 0:2], hyper_d, t_d)
        if g_steps > 0:
            t_g += 1
            _g_step(G, D, dZ[e, k], g_kind, g_shares, totals[e, 2:4], hyper_g, t_g)
        found = totals[e].copy_to_host()
        d_losses[e] = found[0] / d_steps if d_steps > 0 else math.nan
        g_losses[e] = found[3] if g_steps > 0 else math.nan
        if (d_steps > 0 and not math.isfinite(d_losses[e])) or (g_steps > 0 and not math.isfinite(g_losses[e])):
            ran = e + 1
            break
    D.back_to((theta_d, grad_d, m_d, v_d))
    G.back_to((theta_g, grad_g, m_g, v_g))
    return ran, t_d, t_g


def generate(theta_g, sizes_g, acts_g, Z, out):
    """out (N, 2) = G(Z) for Z (N, zd), on the GPU."""
    G = _Net((theta_g,), sizes_g, acts_g)
    out[:, :] = _generate_into(G, cuda.to_device(np.ascontiguousarray(Z)), Z.shape[0]).copy_to_host().T


def discriminate(theta_d, sizes_d, acts_d, X, logits, probs):
    """D's logit and P(real) (N,) for points X (N, 2), on the GPU."""
    D, n = _Net((theta_d,), sizes_d, acts_d), X.shape[0]
    _, a, _ = D.space(n)
    a[0] = cuda.to_device(np.ascontiguousarray(X.T))
    z, a = D.forward(n)
    logits[:], probs[:] = z[-1].copy_to_host()[0], a[-1].copy_to_host()[0]
