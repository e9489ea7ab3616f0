"""The perceptron's fused epochs, many to a compiled call, each scored as the stepwise path scores it:
the compiled kernel against its NumPy reference, and the history a run records against the one an
epoch-at-a-time loop with the model's own evaluate() records."""
import numpy as np
import pytest

from dlsim.kernels import perceptron, perceptron_reference
from dlsim.sim.simulator import Simulator


@pytest.mark.parametrize("separable", [True, False])
def test_scored_epochs_match_the_reference(separable):
    rng = np.random.default_rng(3)
    X, X_test = rng.normal(size=(20, 2)), rng.normal(size=(7, 2))
    rule = (lambda A: A[:, 0] + 0.5 * A[:, 1] > 0.1) if separable else (lambda A: A[:, 0] * A[:, 1] > 0)
    y, y_test = rule(X).astype(float), rule(X_test).astype(float)
    orders = np.stack([rng.permutation(20) for _ in range(30)]).astype(np.int64)
    out = {}
    for name, module in (("compiled", perceptron), ("reference", perceptron_reference)):
        w, errors, right = np.array([0.3, -0.2]), np.zeros(30, np.int64), np.zeros((30, 2), np.int64)
        ran, b = module.train_epochs_scored(w, 0.2, X, y, 0.1, orders, errors, X_test, y_test, right)
        out[name] = ran, b, w, errors, right
    (ran, b, w, errors, right), (ran_r, b_r, w_r, errors_r, right_r) = out["compiled"], out["reference"]
    assert (ran, b) == (ran_r, b_r) and np.array_equal(w, w_r)
    assert np.array_equal(errors, errors_r) and np.array_equal(right, right_r)
    assert np.all(right[:ran, 0] <= 20) and np.all(right[:ran, 1] <= 7)
    if separable:   # stops at its first clean epoch, every training row then right
        assert ran < 30 and errors[ran - 1] == 0 and right[ran - 1, 0] == 20


def epoch_at_a_time(sim, epochs):
    """What train_fused recorded before: one compiled epoch, then the model's own evaluate()."""
    m = sim.model
    for _ in range(epochs):
        errors = np.zeros(1, np.int64)
        _, b = perceptron.train_epochs(m.theta[:-1], float(m.theta[-1]), m.X, m.y, float(m.config["lr"]),
                                       m.orders(m.epoch, 1), errors)
        m.theta[-1] = b
        m.epoch += 1
        m.record({**m.evaluate(), "errors": int(errors[0])})
        if errors[0] == 0:
            break


@pytest.mark.parametrize("dataset", ["xor", "blobs", "and"])
def test_a_fused_run_records_what_an_epoch_at_a_time_with_evaluate_records(dataset):
    fused, stepped = (Simulator("perceptron", seed=2, dataset=dataset) for _ in range(2))
    fused.model.train_fused(60)
    epoch_at_a_time(stepped, 60)
    assert fused.model.history == stepped.model.history   # accuracies, errors, epochs: the same numbers
    assert np.array_equal(fused.model.theta, stepped.model.theta)
