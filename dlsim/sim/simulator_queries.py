"""What a Simulator answers about inputs it is given, changing nothing: the loss and gradients on
(X, y), and the class, the ties and the probabilities of each row. Every array a user hands over
is checked first (dlsim.sim.arguments, the model's check_inputs/check_targets): a compiled kernel
trusts its arrays' shapes.
"""
import numpy as np

from dlsim.errors import UserError
from dlsim.sim import arguments
from dlsim.sim.arguments import clip


class Queries:
    """Mixed into Simulator (it has `model` and `data`)."""

    def gradients(self, X=None, y=None) -> dict[str, np.ndarray]:
        """∂L/∂param by name for one forward and backward pass on (X, y) (default: the training set)."""
        return self.loss_and_gradients(X, y)[1]

    def loss_and_gradients(self, X=None, y=None) -> tuple[float, dict[str, np.ndarray]]:
        """(loss, ∂L/∂param by name) on inputs X (N, features) with labels y: class numbers (N,), or
        targets in the loss's own range, one per input: rows (N, outputs), or whatever shape the
        network scores (a sequence network's targets at every step, (N, T, outputs): the model's
        check_targets says, and refuses targets that do not pair with X). Default: the training set.
        Nothing changes."""
        if not self.model.has_gradients():
            raise UserError(f"{self.name} has no gradients: it learns by {self.model.learning_rule}")
        if X is None and y is None:
            X, y = self.data.X, self.data.y
        elif X is None or y is None:
            raise UserError("give both the inputs X and their labels y, or neither (the training set)")
        X = self._inputs(X)
        y = arguments.numbers(y, "labels")
        if y.ndim == 0:
            raise UserError(f"labels must be class numbers (shape (N,)) or rows of targets (shape (N, "
                            f"outputs)), one per input row; got shape {y.shape}")
        if y.shape[0] != X.shape[0]:
            raise UserError(f"{X.shape[0]} inputs but {y.shape[0]} labels")
        if X.shape[0] == 0:
            raise UserError("a loss needs at least one sample; the inputs have no rows")
        if y.ndim >= 2:   # targets: the network says which shapes it scores
            return self.model.gradients(X, self.model.check_targets(y))
        classes = self.data.classes
        wrong = np.unique(y[~np.isin(y, np.arange(classes))])
        if wrong.size:
            raise UserError(f"labels must be class numbers 0..{classes - 1}, got "
                            + clip(", ".join(f"{v:g}" for v in wrong[:10])))
        return self.model.gradients(X, self.model.targets(y.astype(np.int64)))

    def predict(self, X) -> np.ndarray:
        """The class of each row of X, or NO_CLASS (−1) where the outputs tie (see ties)."""
        return self.model.predict(self._inputs(X))

    def ties(self, X) -> np.ndarray:
        """True for each row of X where the network's outputs tie exactly: no class wins there."""
        return self.model.ties(self._inputs(X))

    def probabilities(self, X) -> np.ndarray:
        """(N, classes): each row of X's probability of each class, as the network computes it."""
        return self.model.probabilities(self._inputs(X))

    def _inputs(self, X) -> np.ndarray:
        """X as the (N, features) float array the kernels take, or a UserError saying what is wrong."""
        return self.model.check_inputs(arguments.numbers(X, "inputs"))
