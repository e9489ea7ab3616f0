"""The perceptron's rule in plain NumPy (the `numpy` backend's, with dlsim.kernels.perceptron's signature)."""


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
