"""The LSTM: gates f, i, o = σ(·) and a candidate g = tanh(·), each from W_x x_t + W_h h_{t−1} + b;
the cell c_t = f⊙c_{t−1} + i⊙g; h_t = o⊙tanh(c_t); ŷ_t = W_y h_t + b_y. What it shares with the RNN
lives in recurrent.py and recurrent_steps.py; here: four gates and a cell per unit and time step
forward, and per unit the four gates' δ and the cell's own path back (∂L/∂c_{t−1} = ∂L/∂c_t·f),
the path along which the gradient does not vanish while f stays near 1."""
import numpy as np

from dlsim.kernels import activations
from dlsim.kernels import lstm as kernel
from dlsim.kernels.lstm_reference import initial_theta
from dlsim.models import options as opt
from dlsim.models.lstm_formulas import FORMULAS, Op
from dlsim.models.recurrent import Recurrent
from dlsim.models.recurrent_inspect import INSPECTED
from dlsim.models.recurrent_options import shared_options
from dlsim.models.recurrent_steps import SequenceSteps
from dlsim.protocol.events import BACKWARD, FORWARD, Event


class LSTM(SequenceSteps, Recurrent):
    name = "lstm"
    summary = "a recurrent network with gates: the forget gate keeps a memory that plain RNNs lose"
    formulas = FORMULAS
    cell = kernel.CELL
    inspected = {**INSPECTED,
                 "c": "the top layer's cell c_t (T+1, units); row 0 is c₀",
                 "gate_f": "the forget gate f_t of the top layer (T, units): how much of c_{t−1} stays (near 1: kept)",
                 "gate_i": "the input gate i_t (T, units): how much of the candidate g_t is written",
                 "gate_g": "the candidate g_t (T, units), from −1 to 1",
                 "gate_o": "the output gate o_t (T, units): how much of tanh(c_t) is shown as h_t",
                 "tanh_c": "tanh(c_t) of the top layer (T, units): what the output gate lets out as h_t = o_t·tanh(c_t)"}
    options = shared_options("first_bit") + (
        opt.real("forget_bias", 1.0, "the forget gate's initial bias (1: remember at first; 0: forget half). "
                 "The gate rows are f, i, g, o with one bias each (PyTorch: i, f, g, o with two)",
                 low=-10.0, high=10.0),
        opt.backend(),
    )

    def __init__(self, config, data):
        super().__init__(config, data)
        # the gate and cell kernels stepping calls one at a time (compiled, or by Python on numpy)
        self.cell_ops, self.act_ops = self.kernels.scalar(kernel), self.kernels.scalar(activations)

    def initial_theta(self, rng):
        return initial_theta(self.cfg, rng, float(self.config["forget_bias"]))

    def _unrolled(self, kernels, x):
        h, c, a, logits = kernels.lstm.unrolled(self.theta, self.cfg, x)
        return {"h": h[0], "c": c[0], "a": a[0], "logits": logits[0]}

    def _cell_pictures(self, state):
        """c and the four gates of the top layer, from a record or a pass (a: (L, T, 4H), rows f, i, g, o)."""
        a, H = state["a"][-1], state["h"].shape[2]
        c = state["c"][-1]
        # a record keeps tanh(c_t) as stepping computed it; after a whole pass, the kernels' own tanh
        # (to the same bits as the cell's) of each c_t
        if "tc" in state:
            tc = state["tc"][-1].copy()
        else:
            flat = np.ascontiguousarray(c[1:]).ravel()
            tc = np.empty_like(flat)
            self.act_ops.tanh_into(flat, tc)   # vectorised, the same bits as the scalar tanh
            tc = tc.reshape(c[1:].shape)
        out = {"c": c.copy(), "tanh_c": tc}
        for q, name in enumerate(kernel.GATES):
            out[f"gate_{name}"] = a[:, q * H:(q + 1) * H].copy()
        return out

    def _extend_record(self, record, layers):
        L, T, H = record["h"].shape[0], record["x"].shape[0], record["h"].shape[2]
        record["a"] = np.zeros((L, T, 4 * H))     # gate values f, i, g, o (H each)
        record["c"] = np.zeros((L, T + 1, H))     # cells; c[l, 0] = c₀
        record["tc"] = np.zeros((L, T, H))        # tanh(c_t)
        record["dc"] = np.zeros((L, H))           # ∂L/∂c coming back from step t + 1 (backward)
        for l in range(L):
            record["c"][l, 0] = layers[l]["c0"]

    def _units(self, record, layer, l, t, x):
        """Per unit: its four gates, then its cell and output. A gate's event carries x and
        h_{t−1} (H numbers): made once for the time step, not for each of its 4·H gates (a sample
        of 128 units spent a third of its time converting them)."""
        h_prev, a = record["h"][l, t], record["a"][l, t]
        c_prev, c, tc, h = record["c"][l, t], record["c"][l, t + 1], record["tc"][l, t], record["h"][l, t + 1]
        H = h.shape[0]
        Wx, Wh, b = layer["Wx"], layer["Wh"], layer["b"]
        xs, hs = tuple(x.tolist()), tuple(h_prev.tolist())
        unit_z, gate_activate = self.rc.unit_z, self.cell_ops.gate_activate
        at = self._path(f"layer[{l}]", f"t[{t}]")
        for j in range(H):
            neuron = f"{at}.neuron[{j}]"
            for q, name in enumerate(kernel.GATES):
                r = q * H + j
                z = unit_z(Wx, Wh, b, x, h_prev, r)
                value = gate_activate(z, q)
                a[r] = value
                yield Event(Op.GATE, FORWARD, f"{neuron}.gate[{name}]", {
                    "t": t, "gate": name, "x": xs, "wx": tuple(Wx[r].tolist()),
                    "h": hs, "wh": tuple(Wh[r].tolist()),
                    "bias": float(b[r]), "z": float(z), "value": float(a[r])})
            f, i, g, o = float(a[j]), float(a[H + j]), float(a[2 * H + j]), float(a[3 * H + j])
            before = float(c_prev[j])
            c[j] = self.cell_ops.cell(f, before, i, g)
            tc[j] = self.act_ops.tanh(c[j])
            h[j] = o * tc[j]
            yield Event(Op.CELL, FORWARD, neuron, {
                "t": t, "f": f, "c_prev": before, "i": i, "g": g,
                "c": float(c[j]), "o": o, "tanh_c": float(tc[j]), "h": float(h[j])})

    def _zero_cell_carry(self, record):
        record["dc"][:] = 0.0

    def _add_cell_carry(self, record, glayer, l):
        glayer["c0"][:] += record["dc"][l]

    def _deltas(self, record, layer, l, t, dh, carry, back):
        H = dh.shape[0]
        a, c_prev, tc, dc = record["a"][l, t], record["c"][l, t], record["tc"][l, t], record["dc"][l]
        da = np.empty(4 * H)
        for j in range(H):
            dc_in = float(dc[j])
            self.cell_ops.gate_deltas(a, c_prev, tc, dh, dc, da, j)
            yield Event(Op.GATE_DELTAS, BACKWARD, self._path(f"layer[{l}]", f"t[{t}]", f"neuron[{j}]"), {
                "t": t, "carry": float(carry[j]), "back": float(back[j]), "dh": float(dh[j]), "dc_in": dc_in,
                "df": float(da[j]), "di": float(da[H + j]), "dg": float(da[2 * H + j]), "do": float(da[3 * H + j]),
                "dc_out": float(dc[j])})
        return da
