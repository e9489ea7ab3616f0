"""The perceptron on the GPU: dlsim.kernels.perceptron's signature, its fused epochs on the device.

The rule is sequential (each sample's update changes the next sample's sum) and a sample has a few
inputs, so one device thread runs the whole chunk with the CPU's own scalar kernels compiled for
the device: nothing to share out among threads. It is here so that `--backend cuda` trains every
network; on these sizes the CPU is faster (the README's CUDA section says so).
"""
from dlsim.kernels import gpu, perceptron, perceptron_reference

cuda = gpu.cuda()
_weighted_sum = gpu.device(perceptron.weighted_sum)
_threshold = gpu.device(perceptron.threshold)


@cuda.jit
def _epochs(w, b, X, y, lr, orders, errors_out, result):
    """The CPU's train_epochs, in one thread; result = (epochs run, final b)."""
    if cuda.grid(1) != 0:
        return
    result[0], result[1] = orders.shape[0], b
    for e in range(orders.shape[0]):
        errors = 0
        for k in range(orders.shape[1]):
            s = orders[e, k]
            error = y[s] - _threshold(_weighted_sum(X[s], w, b))
            if error != 0.0:
                errors += 1
            for i in range(w.shape[0]):
                w[i] = w[i] + lr * error * X[s, i]
            b = b + lr * error
        errors_out[e] = errors
        if errors == 0:
            result[0], result[1] = e + 1, b
            return
    result[1] = b


def train_epochs(w, b, X, y, lr, orders, errors_out):
    """Run len(orders) epochs of the perceptron rule in place on the device; returns (epochs run, b)."""
    dw, derrors, result = cuda.to_device(w), cuda.to_device(errors_out), cuda.device_array(2)
    _epochs[1, 1](dw, float(b), cuda.to_device(X), cuda.to_device(y), float(lr), cuda.to_device(orders),
                  derrors, result)
    dw.copy_to_host(w)
    derrors.copy_to_host(errors_out)
    ran, b = result.copy_to_host()
    return int(ran), float(b)



# an epoch a device call, each epoch's rows right counted by the CPU's kernel (a few rows)
train_epochs_scored = perceptron_reference.scored_by(train_epochs, perceptron.count_right)
