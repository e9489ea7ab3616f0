"""The targets the RNN's and the LSTM's gradients take from the API (Simulator.loss_and_gradients,
model.gradients): at every step (N, T, outputs) for a task scored there, or after the last step
((N, outputs) or (N, 1, outputs)); class labels where the task has one class after its last step.
Whatever does not pair with the sequences given is refused in one line: the wrong length or width,
or the training set's labels (which stand for its own targets) given with other sequences,
or labels that are not the task's classes (NaN, −1, a class past the last: Model.check_labels).
"""
import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import recurrent as rc


class SequenceTargets:
    """Mixed into the Recurrent model."""

    def gradients(self, X, Y):
        """(loss, {name: ∂L/∂param}) for the sequences X (N, T, F) and their targets Y (check_targets'
        shapes); nothing changes. The training targets (targets() of the training labels) pair with
        the training sequences only."""
        X = self.check_inputs(X)
        if Y is self.Y:
            if X.shape != self.X.shape or not np.array_equal(X, self.X):
                raise UserError(f"the labels stand for the training sequences' targets, and these are other "
                                f"sequences: give their targets, shape {self._target_shape()}")
        else:
            Y = self.check_targets(Y)
            if len(Y) != len(X):
                raise UserError(f"{len(X)} sequences but {len(Y)} targets")
        grad = np.zeros_like(self.theta)
        loss = self.net.batch_gradients(self.theta, grad, self.cfg, X, Y, np.zeros((self.cfg[rc.LAYERS], X.shape[1])))
        return float(loss), self._named(grad)

    def _target_shape(self) -> str:
        T, O = self.X.shape[1], self.Y.shape[2]
        return f"(N, {T}, {O}) (a target at every step)" if self.task.per_step else f"(N, {O}) (after the last step)"

    def targets(self, y) -> np.ndarray:
        """Targets for class labels y (N,): one class after the last step, where the task has one
        (first_bit, counting). Elsewhere labels say nothing of the targets; the training set's own
        stand for its sequences' targets (what the API's loss_and_gradients() with no arguments
        passes), and gradients() refuses them with any other sequences."""
        if not self.task.per_step and self.task.loss == "softmax_ce":
            # checked: a NaN label would fail to index, and −1 would silently be the last class
            return np.eye(self.Y.shape[2])[self.check_labels(y)][:, None, :]
        y = np.asarray(y)
        if len(y) == len(self.Y) and np.array_equal(y, self.data.y):
            return self.Y
        raise UserError(f"{self.name} on {self.task.name} has targets of shape {self._target_shape()}, not class "
                        f"labels: give them instead")

    def check_targets(self, Y) -> np.ndarray:
        """Y as the kernels take it, (N, T, O) or (N, 1, O), from targets at every step (N, T, O) for
        a task scored at every step, or after the last step ((N, O) or (N, 1, O)); softmax-CE targets
        are one distribution per step. Else a UserError in one line."""
        Y = np.asarray(Y, np.float64)
        T, O = self.Y.shape[1], self.Y.shape[2]
        if not self.task.per_step and Y.ndim == 2:
            Y = Y[:, None, :]
        if Y.ndim != 3 or Y.shape[1:] != (T, O):
            raise UserError(f"targets for {self.name} on {self.task.name} have shape {self._target_shape()}, "
                            f"got shape {Y.shape}")
        if not np.all(np.isfinite(Y)):
            raise UserError("targets must be finite numbers")
        if self.task.loss == "softmax_ce" and (np.any((Y < 0.0) | (Y > 1.0))
                                               or not np.allclose(Y.sum(axis=2), 1.0, rtol=0, atol=1e-9)):
            raise UserError("targets for loss=softmax_ce are one distribution per step: numbers from 0 to 1 "
                            "summing to 1 (one-hot rows)")
        return np.ascontiguousarray(Y)
