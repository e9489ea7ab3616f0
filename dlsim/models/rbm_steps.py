"""The RBM's training op by op (a mixin of dlsim.models.rbm.RBM): for one sample, the positive phase
(p(h|v₀) per hidden unit, each h₀ drawn with its uniform number, the data's statistics v₀·p(h₀)ᵀ),
the reconstruction error, the negative phase (the chain v₁, h₁, …, v_k drawn unit by unit, the
model's statistics v_k·p(h_k)ᵀ); at the batch's end each parameter's update. Each number comes from
the scalar kernel that dlsim.kernels.rbm's batch and epoch kernels inline, in the same order, with
the same uniform numbers: a stepped batch writes the bits a compiled one does."""
import numpy as np

from dlsim.kernels import optimizers
from dlsim.kernels.rbm import SALT, draws
from dlsim.models.rbm_formulas import NEGATIVE, POSITIVE, Op
from dlsim.protocol.events import LOSS, UPDATE, Event, Level


class RBMSteps:
    def _draws(self, s):
        """This sample's uniform numbers (keyed by epoch and row: any path draws the same)."""
        n = self.X.shape[0]
        u = np.empty(draws(self.V, self.H, self.k, self.persistent))
        self.kernels.rbm.uniforms(self.config["seed"], self.epoch * n + s, SALT, u)
        return u

    def _probabilities(self, unit, given, phase, where):
        """p(unit = 1 | given) for every unit of the layer, one op each."""
        V, H, theta = self.V, self.H, self.theta
        size = H if unit == "h" else V
        p = np.empty(size)
        W = self.params["W"]
        for q in range(size):
            if unit == "h":
                z = self.ops.hidden_input(given, theta, V, H, q)
                weights, bias = W[:, q], self.params["b"][q]
            else:
                z = self.ops.visible_input(given, theta, V, H, q)
                weights, bias = W[q], self.params["a"][q]
            p[q] = self.ops.sigmoid(z)
            yield Event(Op.P_H if unit == "h" else Op.P_V, phase, f"{where}.{unit}[{q}]",
                        {"unit": unit, "inputs": tuple(given.tolist()), "weights": tuple(weights.tolist()),
                         "bias": float(bias), "z": z, "p": p[q]},
                        closes=Level.LAYER if q == size - 1 else Level.OP)
        return p

    def _states(self, unit, p, u, n, phase, where):
        """Each unit drawn: on where its uniform number falls below its probability."""
        state = np.empty(len(p))
        for q in range(len(p)):
            state[q] = self.ops.bernoulli(p[q], u[n + q])
            yield Event(Op.SAMPLE_H if unit == "h" else Op.SAMPLE_V, phase, f"{where}.{unit}[{q}]",
                        {"unit": unit, "p": p[q], "u": u[n + q], "state": state[q]},
                        closes=Level.LAYER if q == len(p) - 1 else Level.OP)
        return state, n + len(p)

    def _statistics(self, op, v, ph, acc, last_closes):
        """acc += v·phᵀ, v, ph (the W, a and b blocks), one op per parameter."""
        V, H = self.V, self.H
        phase = POSITIVE if op == Op.POSITIVE else NEGATIVE
        for i in range(V):
            for j in range(H):
                q = i * H + j
                acc[q] += v[i] * ph[j]
                yield Event(op, phase, f"rbm.W[{i},{j}]", {"of": "W", "v": v[i], "p": ph[j],
                                                           "contribution": v[i] * ph[j], "total": acc[q]})
        for i in range(V):
            acc[V * H + i] += v[i]
            yield Event(op, phase, f"rbm.a[{i}]", {"of": "a", "contribution": v[i], "total": acc[V * H + i]})
        for j in range(H):
            acc[V * H + V + j] += ph[j]
            yield Event(op, phase, f"rbm.b[{j}]", {"of": "b", "contribution": ph[j], "total": acc[V * H + V + j]},
                        closes=last_closes if j == H - 1 else Level.OP)

    def _sample_events(self, s, batch):
        """CD-k (or persistent CD) on training row s, one op at a time."""
        if self.sample == 0:
            self.pos[:] = 0.0
            self.neg[:] = 0.0
            self.counted = 0
        V, H, k = self.V, self.H, self.k
        x, u = self.X[s], self._draws(s)
        ph = yield from self._probabilities("h", x, POSITIVE, "rbm.step[0]")
        h, n = yield from self._states("h", ph, u, 0, POSITIVE, "rbm.step[0]")
        yield from self._statistics(Op.POSITIVE, x, ph, self.pos, Level.LAYER)
        pv = np.empty(V)
        for i in range(V):
            pv[i] = self.ops.sigmoid(self.ops.visible_input(h, self.theta, V, H, i))
        error = self._error(x, pv)
        self.batch_loss += error * (1.0 / batch)
        yield Event(Op.RECONSTRUCT, LOSS, "rbm.reconstruction", {
            "sample": int(s), "v0": tuple(x.tolist()), "p": tuple(pv.tolist()), "error": error,
            "batch_loss": self.batch_loss}, closes=Level.LAYER)
        place = self.sample
        if self.persistent:
            chain = self.chains[place].copy()
            ph = yield from self._probabilities("h", chain, NEGATIVE, "rbm.fantasy")
            h, n = yield from self._states("h", ph, u, n, NEGATIVE, "rbm.fantasy")
        for t in range(1, k + 1):
            where = f"rbm.step[{t}]"
            pv = yield from self._probabilities("v", h, NEGATIVE, where)
            v, n = yield from self._states("v", pv, u, n, NEGATIVE, where)
            ph = yield from self._probabilities("h", v, NEGATIVE, where)
            if t < k:
                h, n = yield from self._states("h", ph, u, n, NEGATIVE, where)
        if self.persistent:
            self.ends[place] = v   # the chain's next start, once the update takes it
        self.counted += 1   # before the sample's last event: the state there is whole
        yield from self._statistics(Op.NEGATIVE, v, ph, self.neg, Level.SAMPLE)

    @staticmethod
    def _error(x, pv):
        """Σ_i (x_i − p_i)² / V, summed in order as the kernel does."""
        err = 0.0
        for i in range(len(x)):
            err += (x[i] - pv[i]) * (x[i] - pv[i])
        return err / len(x)

    def _update_events(self, n_rows):
        """Each parameter's step: grad = (negative − positive)/batch, then the optimizer."""
        self.steps += 1
        kind, lr, mu, b1, b2, eps = self.optimizer_settings()
        scale = 1.0 / n_rows
        q = 0
        for name, value in self.params.items():
            for n, index in enumerate(np.ndindex(value.shape)):
                old = self.theta[q]
                self.grad[q] = self.ops.cd_gradient(self.pos, self.neg, q, scale)
                self.optimizers.update_element(self.theta, self.grad, self.m, self.v, q, kind, lr, mu, b1, b2, eps,
                                               self.steps)
                yield Event(Op.UPDATE, UPDATE, f"rbm.{name}[{','.join(map(str, index))}]", {
                    "optimizer": optimizers.NAMES[kind], "positive": self.pos[q], "negative": self.neg[q],
                    "batch": n_rows, "grad": self.grad[q], "lr": lr, "old": old, "new": self.theta[q]},
                    closes=Level.LAYER if n == value.size - 1 else Level.OP)
                q += 1
        if self.persistent:
            self.chains[:n_rows] = self.ends[:n_rows]
        yield self.batch_done(n_rows)

    def _compiled_batch(self, rows):
        self.steps += 1
        self.batch_loss = self.kernels.rbm.train_batch(
            self.theta, self.grad, self.m, self.v, self.pos, self.neg, self.steps, self.V, self.H, self.k,
            self.persistent, *self.optimizer_settings(), self.X, np.ascontiguousarray(rows, np.int64), self.chains,
            self.ends, self.config["seed"], self.epoch * self.X.shape[0])
        self.counted = len(rows)
        return self.batch_done(len(rows))

    def batch_values(self):
        """The batch's event: k and every parameter (no gradient of a loss: CD follows none)."""
        return {"k": self.k, "params": {name: value.copy() for name, value in self.params.items()}}

    def accumulated_gradients(self):
        return None   # CD's step is the data's statistics minus the model's, not a loss's gradient
