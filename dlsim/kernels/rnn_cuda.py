"""The Elman RNN on the GPU: dlsim.kernels.rnn's signatures, its fused epochs and its forward pass
(`outputs`: evaluation) on the device. What it shares with the LSTM's twin is in recurrent_cuda;
here is its cell: a unit's step h = f(W_x x + W_h h_{t−1} + b) and its δ = ∂L/∂h · f'(z), one thread
per (sample, unit), with the CPU's scalar kernels compiled for the device."""
from dlsim.kernels import gpu
from dlsim.kernels import recurrent as rc
from dlsim.kernels import recurrent_cuda as shared
from dlsim.kernels.rnn import batch_gradients, train_batch, unrolled  # noqa: F401 (on the CPU: a batch
# per call, and the states a picture shows)

cuda = gpu.cuda()
_unit_z = gpu.device(rc.unit_z)
_activate = gpu.device(rc.activate, shared.OVERRIDES)
_derivative = gpu.device(rc.derivative)


@cuda.jit
def _step(Wx, Wh, b, xT, hT_prev, act, z, h):
    """Layer l at one step: z (H, B), h = f(z), each sum in unit_z's order."""
    s, j = cuda.grid(2)
    if s < h.shape[1] and j < h.shape[0]:
        z[j, s] = _unit_z(Wx, Wh, b, xT[:, s], hT_prev[:, s], j)
        h[j, s] = _activate(z[j, s], act)


@cuda.jit
def _deltas(z, h, dh, act, dz, squares):
    """δ = ∂L/∂h · f'(z) (H, B); sample s's share of ‖∂L/∂h_t‖² into squares[s]."""
    s, j = cuda.grid(2)
    if s < dh.shape[1] and j < dh.shape[0]:
        dz[j, s] = dh[j, s] * _derivative(z[j, s], h[j, s], act)
        if j == 0:
            squares[s] = shared.square_sum(dh, s)


class RNN(shared.Net):
    def blocks(self, B, T):
        return {"z": (self.L, T, self.H, B)}

    def step(self, w, l, t, x, grid):
        layer = self.layers[l]
        _step[grid](layer["Wx"], layer["Wh"], layer["b"], x, w["h"][l, t], int(self.cfg[rc.ACT]), w["z"][l, t],
                    w["h"][l, t + 1])

    def deltas(self, w, l, t, grid):
        _deltas[grid](w["z"][l, t], w["h"][l, t + 1], w["dh"], int(self.cfg[rc.ACT]), w["dz"][l, t],
                      w["squares"][l, t])


def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm, dh_norms):
    """dlsim.kernels.rnn.train_epochs on the GPU. Returns (epochs run, optimizer steps so far)."""
    return shared.train_epochs(RNN, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss,
                               epoch_norm, dh_norms)


def outputs(theta, cfg, X):
    """The logits (B, T, O) of every step for the sequences X (B, T, F), on the GPU."""
    return shared.outputs(RNN, theta, cfg, X)
