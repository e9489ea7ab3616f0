"""The Elman RNN: h_t = f(W_x x_t + W_h h_{t−1} + b), ŷ_t = W_y h_t + b_y, trained by backpropagation
through time. What it shares with the LSTM (options, data, batches, update, fused path) lives in
recurrent.py and recurrent_steps.py; here is what makes it an RNN: one weighted sum and one
activation per unit and time step forward, and one δ = ∂L/∂h·f'(z) per unit backward."""
import numpy as np

from dlsim.kernels import recurrent as rc
from dlsim.kernels import rnn as kernel
from dlsim.kernels.rnn_reference import initial_theta
from dlsim.models import options as opt
from dlsim.models.recurrent import Recurrent
from dlsim.models.recurrent_options import shared_options
from dlsim.models.recurrent_steps import SequenceSteps
from dlsim.models.rnn_formulas import FORMULAS, Op
from dlsim.protocol.events import BACKWARD, FORWARD, Event


class RNN(SequenceSteps, Recurrent):
    name = "rnn"
    summary = "a network unrolled in time: hidden state, backpropagation through time, vanishing gradients"
    formulas = FORMULAS
    cell = kernel.CELL
    options = shared_options("sine") + (
        opt.choice("activation", "tanh", "f, the hidden units' activation", tuple(rc.ACTIVATIONS)),
        opt.backend(),
    )

    def activation_name(self):
        return self.config["activation"]

    def initial_theta(self, rng):
        return initial_theta(self.cfg, rng)

    def _unrolled(self, kernels, x):
        h, logits = kernels.rnn.unrolled(self.theta, self.cfg, x)
        return {"h": h[0], "logits": logits[0]}

    def _extend_record(self, record, layers):
        L, T, H = record["h"].shape[0], record["x"].shape[0], record["h"].shape[2]
        record["z"] = np.zeros((L, T, H))    # pre-activations

    def _units(self, record, layer, l, t, x):
        """Each unit's weighted sum, then its activation, at step t of layer l."""
        h_prev, z, h = record["h"][l, t], record["z"][l, t], record["h"][l, t + 1]
        act, H = int(self.cfg[rc.ACT]), h.shape[0]
        fn = self.config["activation"]
        for j in range(H):
            z[j] = self.rc.unit_z(layer["Wx"], layer["Wh"], layer["b"], x, h_prev, j)
            yield Event(Op.SUM, FORWARD, self._path(f"layer[{l}]", f"t[{t}]", f"neuron[{j}]"), {
                "t": t, "x": tuple(x.tolist()), "wx": tuple(layer["Wx"][j].tolist()), "h": tuple(h_prev.tolist()),
                "wh": tuple(layer["Wh"][j].tolist()), "bias": float(layer["b"][j]), "z": float(z[j])})
        for j in range(H):
            h[j] = self.rc.activate(z[j], act)
            yield Event(Op.ACTIVATION, FORWARD, self._path(f"layer[{l}]", f"t[{t}]", f"neuron[{j}]"), {
                "t": t, "fn": fn, "z": float(z[j]), "a": float(h[j])})

    def _deltas(self, record, layer, l, t, dh, carry, back):
        z, h = record["z"][l, t], record["h"][l, t + 1]
        act = int(self.cfg[rc.ACT])
        d = np.empty(dh.shape[0])
        for j in range(dh.shape[0]):
            fprime = self.rc.derivative(z[j], h[j], act)
            d[j] = dh[j] * fprime
            yield Event(Op.DELTA, BACKWARD, self._path(f"layer[{l}]", f"t[{t}]", f"neuron[{j}]"), {
                "t": t, "carry": float(carry[j]), "back": float(back[j]), "dh": float(dh[j]),
                "fprime": float(fprime), "delta": float(d[j])})
        return d
