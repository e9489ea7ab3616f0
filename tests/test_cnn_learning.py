"""The fused CNN training learns what the lessons promise: bars by orientation, digits to ≥ 90 %."""
import numpy as np
import pytest

from dlsim.kernels import cnn
from dlsim.kernels.activations import RELU
from dlsim.kernels.optimizers import ADAM
from dlsim.protocol import images


def _train_and_test(data, channels, side, classes, epochs, seed=0):
    X_train, y_train, X_test, y_test = images.split(*data, test=0.2, seed=seed)
    conv, sizes = cnn.network((channels, side, side), [dict(kernels=4, size=3, stride=1, padding=cnn.VALID,
                                                            act=RELU, pool=cnn.MAX)], classes)
    rng = np.random.default_rng(seed)
    po = cnn.param_offsets(conv, sizes)
    theta = np.zeros(po[-1])                          # He-style scales, zero biases
    theta[po[0]:po[1]] = rng.normal(0.0, np.sqrt(2.0 / (channels * 9)), po[1] - po[0])
    theta[po[2]:po[3]] = rng.normal(0.0, np.sqrt(1.0 / sizes[0]), po[3] - po[2])
    orders = np.stack([rng.permutation(len(X_train)) for _ in range(epochs)])
    losses = np.empty(epochs)
    buffers = [np.zeros_like(theta) for _ in range(3)]
    cnn.train_epochs(theta, *buffers, 0, 0, conv, sizes, RELU, ADAM, 0.01, 0.9, 0.9, 0.999, 1e-8,
                     X_train, np.eye(classes)[y_train], orders, 32, losses)
    P = np.empty((len(X_test), classes))
    cnn.predict(theta, conv, sizes, RELU, X_test, P)
    return losses, (P.argmax(axis=1) == y_test).mean()


def test_the_default_cnn_reads_handwritten_digits():
    losses, accuracy = _train_and_test(images.digits(), 1, 8, 10, epochs=10)
    assert losses[-1] < losses[0] / 5 and accuracy >= 0.9


@pytest.mark.parametrize("make,channels,classes", [(images.bars, 1, 2), (images.colour_shapes, 3, 3)])
def test_the_default_cnn_tells_the_generated_shapes_apart(make, channels, classes):
    losses, accuracy = _train_and_test(make(samples=300, size=10, seed=1), channels, 10, classes, epochs=30)
    assert accuracy >= 0.85       # chance is 0.5 or 0.33
