"""Rosenblatt's perceptron: weighted sum, threshold at zero, and the error-driven update."""
from dlsim.kernels.jit import kernel


@kernel
def weighted_sum(x, w, b):
    """z = w·x + b, summed in order."""
    acc = b
    for i in range(x.shape[0]):
        acc += w[i] * x[i]
    return acc


@kernel
def threshold(z):
    return 1.0 if z >= 0.0 else 0.0


@kernel
def train_epochs(w, b, X, y, lr, orders, errors_out):
    """Run len(orders) epochs of the perceptron rule in place; w (I,) is updated, b returned.

    errors_out[e] counts the misclassified samples of epoch e. Returns (epochs run, final b); stops
    after the first epoch with no error, since the rule then never changes anything again.
    """
    for e in range(orders.shape[0]):
        errors = 0
        for k in range(orders.shape[1]):
            s = orders[e, k]
            error = y[s] - threshold(weighted_sum(X[s], w, b))
            if error != 0.0:
                errors += 1
            for i in range(w.shape[0]):
                w[i] = w[i] + lr * error * X[s, i]
            b = b + lr * error
        errors_out[e] = errors
        if errors == 0:
            return e + 1, b
    return orders.shape[0], b
