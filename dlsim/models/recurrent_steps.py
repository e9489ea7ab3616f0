"""One sequence stepped op by op, forward through time then back (BPTT), for the RNN and the LSTM.

The template is shared: each time step runs the network's own units (`_units`: an RNN's weighted
sums and activations, an LSTM's gates and cells), then the output and the step's loss; backward,
from t = T−1 down to 0, the output's δ, then per layer ∂L/∂h_t (what comes back from t + 1 plus
what comes down from the output or the layer above), the network's own δs (`_deltas`), and the
step's contributions to ∂W_x, ∂W_h, ∂b. Every number is the scalar helper of
dlsim.kernels.recurrent (or lstm) that the batch kernels loop over, in their order, so a stepped
batch writes the bits of a compiled one.

`record` holds the sequence as it is computed (what inspect() shows): x (T, F), y, h (L, T+1, H),
the network's own arrays, logits and dy (T, O), dh_norm (L, T) for this sequence, and `t`, `phase`.
"""
import math

import numpy as np

from dlsim.kernels import recurrent as rc
from dlsim.kernels.recurrent_reference import unpack
from dlsim.models.recurrent_formulas import Op
from dlsim.protocol.events import BACKWARD, FORWARD, LOSS, Event, Level

LOSS_NAMES = {rc.MSE: "mse", rc.SOFTMAX_CE: "softmax_ce"}


class SequenceSteps:
    def _new_record(self, x, y, s) -> dict:
        L, H, T = int(self.cfg[rc.LAYERS]), int(self.cfg[rc.HIDDEN]), x.shape[0]
        O = int(self.cfg[rc.OUTPUTS])
        layers = unpack(self.theta, self.cfg)[0]
        h = np.zeros((L, T + 1, H))
        for l in range(L):
            h[l, 0] = layers[l]["h0"]
        record = {"s": int(s), "x": np.ascontiguousarray(x), "y": np.ascontiguousarray(y), "h": h,
                  "logits": np.zeros((T, O)), "dy": np.zeros((T, O)), "dh_norm": np.zeros((L, T)),
                  "loss": np.zeros(T), "t": 0, "phase": FORWARD}
        self._extend_record(record, layers)
        return record

    def _path(self, *parts) -> str:
        return ".".join((self.name,) + parts)

    def _has_loss(self, t, T) -> bool:
        return bool(self.cfg[rc.PER_STEP]) or t == T - 1

    # --- forward ------------------------------------------------------------------------------
    def _forward(self, record, batch):
        """Every time step: the units of each layer, then the output and its loss (its share of
        the loss of a batch of `batch` sequences)."""
        layers, Wy, by = unpack(self.theta, self.cfg)
        T, L = record["x"].shape[0], int(self.cfg[rc.LAYERS])
        per_step = bool(self.cfg[rc.PER_STEP])
        scale = 1.0 / (batch * (T if per_step else 1))
        kind = int(self.cfg[rc.LOSS])
        for t in range(T):
            record["t"] = t
            for l in range(L):
                x = record["x"][t] if l == 0 else record["h"][l - 1, t + 1]
                yield from self._units(record, layers[l], l, t, x)
            top = record["h"][L - 1, t + 1]
            logits = record["logits"][t]
            for k in range(logits.shape[0]):
                logits[k] = self.rc.output_z(Wy, by, top, k)
            scored = self._has_loss(t, T)
            values = {"t": t, "h": tuple(top.tolist()), "logits": tuple(logits.tolist()),
                      "softmax": kind != rc.MSE}
            if "c" in record:   # a cell's state: the step's whole picture is h_t, c_t and ŷ_t
                values["c"] = tuple(record["c"][L - 1, t + 1].tolist())
            yield Event(Op.OUTPUT, FORWARD, self._path("output", f"t[{t}]"), values,
                        closes=Level.OP if scored else Level.LAYER)
            if not scored:
                continue
            y = record["y"][t if per_step else 0]
            share = self.rc.step_loss(logits, y, kind, scale, record["dy"][t])
            whole = self.rc.step_loss(logits, y, kind, 1.0, np.empty_like(logits))
            record["loss"][t] = whole
            self.batch_loss += share
            yield Event(Op.LOSS, LOSS, self._path("loss", f"t[{t}]"), {
                "t": t, "fn": LOSS_NAMES[kind], "prediction": tuple(self._prediction(logits, kind)),
                "target": tuple(y.tolist()), "loss": whole, "share": share, "batch_loss": self.batch_loss,
                "sample": record["s"]}, closes=Level.LAYER)

    @staticmethod
    def _prediction(logits, kind):
        if kind == rc.MSE:
            return logits.tolist()
        e = np.exp(logits - logits.max())
        return (e / e.sum()).tolist()

    # --- backward -----------------------------------------------------------------------------
    def _backward(self, record):
        """BPTT for this sequence, t = T−1 down to 0, adding into the batch's gradient."""
        layers, Wy, _ = unpack(self.theta, self.cfg)
        glayers, gWy, gby = unpack(self.grad, self.cfg)
        T, L, H = record["x"].shape[0], int(self.cfg[rc.LAYERS]), int(self.cfg[rc.HIDDEN])
        record["phase"] = BACKWARD
        carry = np.zeros((L, H))                 # ∂L/∂h_t coming back from step t + 1
        self._zero_cell_carry(record)
        last_event = T == 0
        for t in range(T - 1, -1, -1):
            record["t"] = t
            cut = bool(self.rc.cut_before(t, T, self.cfg[rc.TRUNCATE]))
            if cut:
                carry[:] = 0.0
                self._zero_cell_carry(record)
            dy, top = record["dy"][t], record["h"][L - 1, t + 1]
            self.rc.accumulate_outer(gWy, dy, top)
            for k in range(dy.shape[0]):
                gby[k] += dy[k]
            if self._has_loss(t, T) or cut:
                yield Event(Op.OUTPUT_DELTA, BACKWARD, self._path("output", f"t[{t}]"),
                            {"t": t, "dy": tuple(dy.tolist()), "cut": cut})
            below = None
            for l in range(L - 1, -1, -1):
                back = (np.array([self.rc.back_sum(Wy, dy, j) for j in range(H)]) if l == L - 1 else below)
                dh = np.empty(H)
                for j in range(H):
                    dh[j] = carry[l, j] + back[j]
                acc = 0.0
                for j in range(H):
                    acc += dh[j] * dh[j]
                self.dh_sq[l, t] += acc
                record["dh_norm"][l, t] = math.sqrt(acc)
                d = yield from self._deltas(record, layers[l], l, t, dh, carry[l], back)
                x = record["x"][t] if l == 0 else record["h"][l - 1, t + 1]
                g = glayers[l]
                wx_before, wh_before = g["Wx"].copy(), g["Wh"].copy()
                self.rc.accumulate_outer(g["Wx"], d, x)
                self.rc.accumulate_outer(g["Wh"], d, record["h"][l, t])
                for r in range(d.shape[0]):
                    g["b"][r] += d[r]
                if l > 0:
                    below = np.array([self.rc.back_sum(layers[l]["Wx"], d, i) for i in range(H)])
                for k in range(H):
                    carry[l, k] = self.rc.back_sum(layers[l]["Wh"], d, k)
                last_event = t == 0 and l == 0 and self.config["h0"] != "learned"
                yield Event(Op.GRAD, BACKWARD, self._path(f"layer[{l}]", f"t[{t}]"), {
                    "t": t, "layer": l, "dh_norm": float(record["dh_norm"][l, t]),
                    "dwx": float(np.sqrt(((g["Wx"] - wx_before) ** 2).sum())),
                    "dwh": float(np.sqrt(((g["Wh"] - wh_before) ** 2).sum())),
                    "wh_total": float(np.sqrt((g["Wh"] ** 2).sum()))},
                    closes=Level.SAMPLE if last_event else (Level.LAYER if l == 0 else Level.OP))
        for l in range(L):
            glayers[l]["h0"][:] += carry[l]
            self._add_cell_carry(record, glayers[l], l)
        if not last_event:
            yield Event(Op.INITIAL, BACKWARD, self._path("layer[0]", "h0"),
                        {"carry": tuple(carry[0].tolist())}, closes=Level.SAMPLE)

    def _sequence_events(self, s, batch):
        record = self._new_record(self.X[s], self.Y[s], s)
        self.seq = record
        yield from self._forward(record, batch)
        yield from self._backward(record)

    # --- what each network adds ---------------------------------------------------------------
    def _extend_record(self, record, layers):
        pass

    def _zero_cell_carry(self, record):
        pass

    def _add_cell_carry(self, record, glayer, l):
        pass

    def _units(self, record, layer, l, t, x):
        raise NotImplementedError

    def _deltas(self, record, layer, l, t, dh, carry, back):
        """Yield the units' δ events; return δ of every row (G·H,). dh = carry (from t + 1) + back
        (from the output or the layer above)."""
        raise NotImplementedError
