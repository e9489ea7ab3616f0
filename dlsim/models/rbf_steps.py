"""The RBF network's training as events (the stepped path), and one compiled call per batch: a
mixin of dlsim.models.rbf.RBF, which holds the parameters, the stages and the fused path.

A sample is, by the epoch's stage: its distance to every centre and its assignment (k-means); its
d² and φ for every unit and its row of the normal equations (the solve); or its forward pass, loss,
δ and a gradient per learned parameter (the delta rule). A batch ends with every centre's move, the
solve, or an optimizer step per learned parameter. Each op calls the scalar kernel that the batch
and epoch kernels of dlsim.kernels.rbf inline: every path writes the same bits.
"""
import numpy as np

from dlsim.kernels import optimizers
from dlsim.kernels import rbf as kernel
from dlsim.models.rbf_formulas import ASSIGN_PHASE, SOLVE_SHOWN, STAGES, Op
from dlsim.protocol.events import BACKWARD, EVALUATE, FORWARD, LOSS, UPDATE, Event, Level


class RBFSteps:
    def _path(self, j: int) -> str:
        return f"rbf.unit[{j}]"

    def _sample_events(self, s, batch):
        if self.stage == kernel.KMEANS:
            return self._assign_events(s, batch)
        return self._forward_events(s, batch)

    def _unit_events(self, x):
        """d² and φ of every unit for x (one op each); returns (d2, phi) after yielding."""
        w, _, C, sigma = self._parts()
        d2, phi = np.empty(self.K), np.empty(self.K)
        for j in range(self.K):
            d2[j] = self.ops.distance2(x, C, j)
            yield Event(Op.DISTANCE, FORWARD, self._path(j), {"x": tuple(x.tolist()), "c": tuple(C[j].tolist()),
                                                              "d2": d2[j]})
        for j in range(self.K):
            phi[j] = self.ops.gaussian(d2[j], sigma[j])
            yield Event(Op.GAUSSIAN, FORWARD, self._path(j), {"d2": d2[j], "sigma": sigma[j], "phi": phi[j]},
                        closes=Level.LAYER if j == self.K - 1 else Level.OP)
        return d2, phi

    def _parts(self):
        p = self.params
        return p["weights"], p["bias"], p["centres"], p["sigma"]

    def _assign_events(self, s, batch):
        x = self.X[s]
        if self.sample == 0:
            self.sums[:] = 0.0
            self.counts[:] = 0.0
        for j in range(self.K):
            d2 = self.ops.distance2(x, self.C, j)
            yield Event(Op.DISTANCE, ASSIGN_PHASE, self._path(j), {"x": tuple(x.tolist()),
                                                                   "c": tuple(self.C[j].tolist()), "d2": d2})
        best, best_d2 = self.ops.assign_sample(x, self.C, self.sums, self.counts)
        self.batch_loss += best_d2 * (1.0 / batch)
        yield Event(Op.ASSIGN, ASSIGN_PHASE, self._path(best), {
            "sample": int(s), "centre": int(best), "d2": best_d2, "count": int(self.counts[best]),
            "batch_loss": self.batch_loss}, closes=Level.SAMPLE)

    def _forward_events(self, s, batch):
        x, t = self.X[s], self.T[s]
        if self.sample == 0:
            self.grad[:] = 0.0
            self.A[:] = 0.0
            self.r[:] = 0.0
        d2, phi = yield from self._unit_events(x)
        if self.stage == kernel.SOLVE:
            self.ops.accumulate(phi, t, self.A, self.r)
            yield Event(Op.ROW, FORWARD, "rbf.normal_equations", {"sample": int(s), "phi": tuple(phi.tolist()),
                                                                  "target": t}, closes=Level.SAMPLE)
            return
        yield from self._delta_events(s, x, t, batch, d2, phi)

    def _delta_events(self, s, x, t, batch, d2, phi):
        K, D = self.K, self.D
        w, b, C, sigma = self._parts()
        yhat = self.ops.output_sum(phi, w, b[0])
        yield Event(Op.OUTPUT, FORWARD, "rbf.output", {"phi": tuple(phi.tolist()), "weights": tuple(w.tolist()),
                                                       "bias": b[0], "yhat": yhat}, closes=Level.LAYER)
        scale = 1.0 / batch
        share = self.ops.loss_share(yhat, t, scale)
        self.batch_loss += share
        yield Event(Op.LOSS, LOSS, "rbf.loss", {"yhat": yhat, "target": t, "loss": (yhat - t) ** 2, "share": share,
                                                "batch_loss": self.batch_loss, "sample": int(s)}, closes=Level.LAYER)
        delta = self.ops.output_delta(yhat, t, scale)
        yield Event(Op.DELTA, BACKWARD, "rbf.output", {"yhat": yhat, "target": t, "delta": delta})
        g = self._named(self.grad)
        for j in range(K):
            contribution = phi[j] * delta
            g["weights"][j] += contribution
            yield Event(Op.GRAD, BACKWARD, f"rbf.weights[{j}]", {"of": "w", "delta": delta, "phi": phi[j],
                                                                "contribution": contribution, "total": g["weights"][j]})
        g["bias"][0] += delta
        yield Event(Op.GRAD, BACKWARD, "rbf.bias[0]", {"of": "b", "contribution": delta, "total": g["bias"][0]},
                    closes=Level.LAYER if self.learned else Level.SAMPLE)
        if not self.learned:
            return
        for j in range(K):
            dphi = delta * w[j]
            for k in range(D):
                contribution = self.ops.centre_grad(dphi, phi[j], x, C, sigma[j], j, k)
                g["centres"][j, k] += contribution
                yield Event(Op.GRAD, BACKWARD, f"rbf.centres[{j},{k}]", {
                    "of": "c", "delta": delta, "w": w[j], "phi": phi[j], "diff": x[k] - C[j, k], "sigma": sigma[j],
                    "contribution": contribution, "total": g["centres"][j, k]})
            contribution = self.ops.sigma_grad(dphi, phi[j], d2[j], sigma[j])
            g["sigma"][j] += contribution
            yield Event(Op.GRAD, BACKWARD, f"rbf.sigma[{j}]", {
                "of": "sigma", "delta": delta, "w": w[j], "phi": phi[j], "d2": d2[j], "sigma": sigma[j],
                "contribution": contribution, "total": g["sigma"][j]},
                closes=Level.SAMPLE if j == K - 1 else Level.OP)

    def _update_events(self, n_rows):
        self.steps += 1
        stage = self.stage
        if stage == kernel.KMEANS:
            for j in range(self.K):
                old = tuple(self.C[j].tolist())
                self.ops.move(self.C, self.sums, self.counts, j)
                yield Event(Op.MOVE, UPDATE, self._path(j), {"centre": j, "count": int(self.counts[j]), "old": old,
                                                             "new": tuple(self.C[j].tolist())},
                            closes=Level.LAYER if j == self.K - 1 else Level.OP)
        elif stage == kernel.SOLVE:
            self.ops.solve(self.A, self.r, float(self.config["ridge"]), self.theta[:self.K + 1])
            rows = self.batch_rows()
            self.batch_loss = self.kernels.rbf.mean_loss(self.theta, self.K, self.D, self.X[rows], self.T[rows])
            values = {"ridge": float(self.config["ridge"]), "weights": tuple(self.theta[:self.K].tolist()),
                      "bias": float(self.theta[self.K]), "loss": self.batch_loss}
            if self.K + 1 <= SOLVE_SHOWN:
                values.update(A=tuple(tuple(a) for a in self.A.tolist()), r=tuple(self.r.tolist()))
            yield Event(Op.SOLVE, UPDATE, "rbf.output", values, closes=Level.LAYER)
        else:
            yield from self._optimizer_events()
        yield self.batch_done(n_rows)

    def _optimizer_events(self):
        kind, lr, mu, b1, b2, eps = self.optimizer_settings()
        k = 0
        names = ("weights", "bias", "centres", "sigma") if self.learned else ("weights", "bias")
        for name in names:
            value = self.params[name]
            for n, index in enumerate(np.ndindex(value.shape)):
                old = self.theta[k]
                self.optimizers.update_element(self.theta, self.grad, self.m, self.v, k, kind, lr, mu, b1, b2, eps,
                                               self.steps)
                k += 1
                yield Event(Op.UPDATE, UPDATE, f"rbf.{name}[{','.join(map(str, index))}]", {
                    "optimizer": optimizers.NAMES[kind], "old": old, "grad": self.grad[k - 1], "lr": lr,
                    "new": self.theta[k - 1]}, closes=Level.LAYER if name == names[-1] and n == value.size - 1 else Level.OP)

    def _compiled_batch(self, rows):
        self.steps += 1
        stage, K, D = self.stage, self.K, self.D
        X, T = np.ascontiguousarray(self.X[rows]), np.ascontiguousarray(self.T[rows])
        if stage == kernel.KMEANS:
            self.batch_loss = self.kernels.rbf.kmeans_batch(self.C, self.sums, self.counts, X)
        elif stage == kernel.SOLVE:
            self.batch_loss = self.kernels.rbf.solve_batch(self.theta, self.A, self.r, float(self.config["ridge"]),
                                                           K, D, X, T)
        else:
            self.batch_loss = self.kernels.rbf.delta_batch(self.theta, self.grad, self.m, self.v, self.steps, K, D,
                                                           self.learned, *self.optimizer_settings(), X, T)
        return self.batch_done(len(rows))

    def end_epoch(self):
        """Close the epoch; a k-means pass records its distortion apart, and the network's MSE after it
        as the epoch's loss (one loss curve across the stages)."""
        if self.stage != kernel.KMEANS:
            return super().end_epoch()
        distortion = self.epoch_loss / self.X.shape[0]
        self.epoch += 1
        self.batch_index, self.epoch_loss = 0, 0.0
        self._record_kmeans(distortion)
        return Event(Op.EPOCH, EVALUATE, self.name, self.history[-1], level=Level.EPOCH, closes=Level.EPOCH)

    def _record_kmeans(self, distortion: float) -> None:
        result = self.evaluate()
        self.record({"loss": result["train_loss"], "distortion": float(distortion), **result})

    def batch_values(self):
        return {"stage": STAGES[self.stage_of(self.epoch)], **super().batch_values()}
