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


@kernel
def count_right(w, b, X, y):
    """How many rows of X the neuron classifies as y says (z = w·x + b summed as weighted_sum does,
    z ≥ 0 fires): an accuracy's numerator, with the bits the model's own predictions have."""
    right = 0
    for s in range(X.shape[0]):
        if threshold(weighted_sum(X[s], w, b)) == y[s]:
            right += 1
    return right


@kernel
def train_epochs_scored(w, b, X, y, lr, orders, errors_out, X_test, y_test, right_out):
    """train_epochs, and after each epoch e the rows right on the training and the test set into
    right_out[e] (2,): many epochs in one call, each still scored as the stepwise path scores it
    (a run of tiny epochs was otherwise all Python, holding the interpreter against the app's screen).
    Returns (epochs run, final b); stops after the first epoch with no error, as train_epochs."""
    for e in range(orders.shape[0]):
        ran, b = train_epochs(w, b, X, y, lr, orders[e:e + 1], errors_out[e:e + 1])
        right_out[e, 0] = count_right(w, b, X, y)
        right_out[e, 1] = count_right(w, b, X_test, y_test)
        if errors_out[e] == 0:
            return e + 1, b
    return orders.shape[0], b
