"""The perceptron's rule in plain NumPy (the `numpy` backend's, with dlsim.kernels.perceptron's signature)."""
import numpy as np


def train_epochs(w, b, X, y, lr, orders, errors_out):
    for e in range(orders.shape[0]):
        errors = 0
        for s in orders[e]:
            error = y[s] - (1.0 if X[s] @ w + b >= 0 else 0.0)
            errors += error != 0
            w += lr * error * X[s]
            b += lr * error
        errors_out[e] = errors
        if errors == 0:
            return e + 1, b
    return orders.shape[0], b


def count_right(w, b, X, y):
    """The rows of X classified as y says, z = b + w_0·x_0 + … summed in that order (the kernel's)."""
    z = np.full(len(X), float(b))
    for i in range(X.shape[1]):
        z += w[i] * X[:, i]
    return int(np.count_nonzero((z >= 0.0) == (y == 1.0)))


def scored_by(train_epochs, count_right):
    """train_epochs_scored made of a backend's own train_epochs and count_right, an epoch a call."""
    def train_epochs_scored(w, b, X, y, lr, orders, errors_out, X_test, y_test, right_out):
        for e in range(orders.shape[0]):
            _, b = train_epochs(w, b, X, y, lr, orders[e:e + 1], errors_out[e:e + 1])
            right_out[e] = count_right(w, b, X, y), count_right(w, b, X_test, y_test)
            if errors_out[e] == 0:
                return e + 1, b
        return orders.shape[0], b
    return train_epochs_scored


train_epochs_scored = scored_by(train_epochs, count_right)
