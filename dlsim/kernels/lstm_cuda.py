"""The LSTM on the GPU: dlsim.kernels.lstm's signatures, its fused epochs and its forward pass
(`outputs`: evaluation) on the device. What it shares with the RNN's twin is in recurrent_cuda;
here is its cell: one thread per (sample, unit) computes the unit's four gate rows (each sum in
unit_z's order), its cell c = f·c_{t−1} + i·g and h = o·tanh(c); backward, the four gates' δ and
∂L/∂c_{t−1}, with the CPU's scalar kernels compiled for the device."""
import math

from dlsim.kernels import gpu, lstm
from dlsim.kernels import recurrent as rc
from dlsim.kernels import recurrent_cuda as shared
from dlsim.kernels.lstm import batch_gradients, train_batch, unrolled  # noqa: F401 (on the CPU: a batch
# per call, and the states a picture shows)

cuda = gpu.cuda()
_unit_z = gpu.device(rc.unit_z)
_gate = gpu.device(lstm.gate_activate, shared.OVERRIDES)
_cell = gpu.device(lstm.cell)
_unit_deltas = gpu.device(lstm.unit_deltas)


@cuda.jit
def _step(Wx, Wh, b, xT, hT_prev, cT_prev, a, c, tc, h):
    """Layer l at one step: unit j's gate values into a (4H, B), its c, tanh(c) and h (H, B)."""
    s, j = cuda.grid(2)
    H = h.shape[0]
    if s < h.shape[1] and j < H:
        for q in range(4):
            a[q * H + j, s] = _gate(_unit_z(Wx, Wh, b, xT[:, s], hT_prev[:, s], q * H + j), q)
        c[j, s] = _cell(a[j, s], cT_prev[j, s], a[H + j, s], a[2 * H + j, s])
        tc[j, s] = math.tanh(c[j, s])
        h[j, s] = a[3 * H + j, s] * tc[j, s]


@cuda.jit
def _deltas(a, c_prev, tc, dh, dc, da, squares):
    """The gates' δ into da (4H, B), dc ← ∂L/∂c_{t−1}; sample s's share of ‖∂L/∂h_t‖² into
    squares[s]."""
    s, j = cuda.grid(2)
    H = tc.shape[0]
    if s < dh.shape[1] and j < H:
        da[j, s], da[H + j, s], da[2 * H + j, s], da[3 * H + j, s], dc[j, s] = _unit_deltas(
            a[j, s], a[H + j, s], a[2 * H + j, s], a[3 * H + j, s], c_prev[j, s], tc[j, s], dh[j, s], dc[j, s])
        if j == 0:
            squares[s] = shared.square_sum(dh, s)


class LSTM(shared.Net):
    def blocks(self, B, T):
        return {"a": (self.L, T, self.R, B), "c": (self.L, T + 1, self.H, B), "tc": (self.L, T, self.H, B)}

    def step(self, w, l, t, x, grid):
        layer = self.layers[l]
        _step[grid](layer["Wx"], layer["Wh"], layer["b"], x, w["h"][l, t], w["c"][l, t], w["a"][l, t],
                    w["c"][l, t + 1], w["tc"][l, t], w["h"][l, t + 1])

    def deltas(self, w, l, t, grid):
        _deltas[grid](w["a"][l, t], w["c"][l, t], w["tc"][l, t], w["dh"], w["carry"][1, l], w["dz"][l, t],
                      w["squares"][l, t])


def train_epochs(theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss, epoch_norm, dh_norms):
    """dlsim.kernels.lstm.train_epochs on the GPU. Returns (epochs run, optimizer steps so far)."""
    return shared.train_epochs(LSTM, theta, grad, m, v, step, cfg, hyper, X, Y, orders, batch_size, epoch_loss,
                               epoch_norm, dh_norms)


def outputs(theta, cfg, X):
    """The logits (B, T, O) of every step for the sequences X (B, T, F), on the GPU."""
    return shared.outputs(LSTM, theta, cfg, X)
