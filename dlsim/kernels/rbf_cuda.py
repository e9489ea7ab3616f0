"""The RBF network on the GPU: dlsim.kernels.rbf's signatures, its fused epochs on the device.

Each stage is parallel where its work is independent, and every sum is one thread's loop in the
CPU's order (no atomics: the same bits run to run):
- a k-means pass: one thread per sample finds its nearest centre; one thread per centre sums its
  samples in sample order and moves; one thread sums the distortion;
- the solve: one thread per sample computes its row of φ; one thread per entry of the normal
  equations sums it over the samples; one thread solves them (K + 1 unknowns) and one sums the loss;
- the delta rule, per batch: one thread per sample computes its forward pass and its share of every
  gradient; one thread per parameter sums the shares in sample order and takes the optimizer's step.
The scalar formulas (distance, Gaussian, output, δ, the gradients, the optimizer step) are the CPU's
own, compiled for the device. Stepping, a compiled batch and the pictures stay on the CPU.
"""
import numpy as np

from dlsim.kernels import gpu, rbf
from dlsim.kernels.optimizers import update_element
# the compiled batches, stepping and the pictures run on the CPU: a launch costs more than them
from dlsim.kernels.rbf import KMEANS, SOLVE, delta_batch, forward, gradients, kmeans_batch, mean_loss, solve_batch

__all__ = ["train_epochs", "delta_batch", "forward", "gradients", "kmeans_batch", "mean_loss", "solve_batch"]

cuda = gpu.cuda()
_distance2 = gpu.device(rbf.distance2)
_gaussian = gpu.device(rbf.gaussian)
_loss_share = gpu.device(rbf.loss_share)
_delta = gpu.device(rbf.output_delta)
_centre_grad = gpu.device(rbf.centre_grad)
_sigma_grad = gpu.device(rbf.sigma_grad)
_nearest = gpu.device(rbf.nearest)
_move = gpu.device(rbf.move_centre)
_update = gpu.device(update_element)


@cuda.jit
def _assign(X, order, C, best, best_d2):
    i = cuda.grid(1)
    if i < order.shape[0]:
        best[i], best_d2[i] = _nearest(X[order[i]], C)


@cuda.jit
def _gather_and_move(X, order, best, C, sums, counts):
    """Centre j's samples summed in sample order (as the CPU's pass adds them), then c_j moved."""
    j = cuda.grid(1)
    if j < C.shape[0]:
        counts[j] = 0.0
        for k in range(C.shape[1]):
            sums[j, k] = 0.0
        for i in range(order.shape[0]):
            if best[i] == j:
                counts[j] += 1.0
                for k in range(C.shape[1]):
                    sums[j, k] += X[order[i], k]
        _move(C, sums, counts, j)


@cuda.jit
def _mean_in_order(values, scale, out, e):
    """out[e] = Σ values[i]·scale, one thread, in order."""
    if cuda.grid(1) == 0:
        total = 0.0
        for i in range(values.shape[0]):
            total += values[i] * scale
        out[e] = total


@cuda.jit
def _rows(C, sigma, X, order, start, Phi, D2):
    """φ and d² (rows of Phi, D2) of the samples order[start:start + rows]."""
    i = cuda.grid(1)
    if i < Phi.shape[0]:
        x = X[order[start + i]]
        for j in range(C.shape[0]):
            D2[i, j] = _distance2(x, C, j)
            Phi[i, j] = _gaussian(D2[i, j], sigma[j])


@cuda.jit
def _normal_equations(Phi, T, order, A, r):
    """A[a, b] = Σ φ̃_a φ̃_b and r[a] = Σ φ̃_a t over the samples in order, φ̃ = (φ, 1): a thread an entry."""
    e = cuda.grid(1)
    n = A.shape[0]
    K = n - 1
    if e < n * n:
        a, b = e // n, e % n
        acc = 0.0
        for i in range(Phi.shape[0]):
            pa = Phi[i, a] if a < K else 1.0
            pb = Phi[i, b] if b < K else 1.0
            acc += pa * pb
        A[a, b] = acc
        if b == 0:
            acc = 0.0
            for i in range(Phi.shape[0]):
                pa = Phi[i, a] if a < K else 1.0
                acc += pa * T[order[i]]
            r[a] = acc


_eliminate = gpu.device(rbf.eliminate)


@cuda.jit
def _solve(A, r, ridge, M, y, out):
    """rbf.solve in one thread, on the workspaces M and y."""
    if cuda.grid(1) != 0:
        return
    n = r.shape[0]
    for i in range(n):
        y[i] = r[i]
        for j in range(n):
            M[i, j] = A[i, j]
        M[i, i] += ridge
    _eliminate(M, y, out)


@cuda.jit
def _sample_shares(theta, C, sigma, learned, X, T, order, start, scale, Phi, D2, G, shares):
    """Each sample's share of the loss and of every gradient (G (rows, P), theta's layout)."""
    i = cuda.grid(1)
    if i < Phi.shape[0]:
        K, D = C.shape[0], C.shape[1]
        s = order[start + i]
        x, t = X[s], T[s]
        w = theta[:K]
        yhat = theta[K]
        for j in range(K):
            yhat += w[j] * Phi[i, j]
        delta = _delta(yhat, t, scale)
        shares[i] = _loss_share(yhat, t, scale)
        for j in range(K):
            G[i, j] = Phi[i, j] * delta
        G[i, K] = delta
        if learned:
            for j in range(K):
                dphi = delta * w[j]
                for k in range(D):
                    G[i, K + 1 + j * D + k] = _centre_grad(dphi, Phi[i, j], x, C, sigma[j], j, k)
                G[i, K + 1 + K * D + j] = _sigma_grad(dphi, Phi[i, j], D2[i, j], sigma[j])


@cuda.jit
def _sum_and_step(theta, grad, m, v, G, trainable, kind, lr, mu, beta1, beta2, eps, t):
    """grad[p] = Σ_i G[i, p] in sample order, then the optimizer's step on the trainable p."""
    p = cuda.grid(1)
    if p < theta.shape[0]:
        acc = 0.0
        for i in range(G.shape[0]):
            acc += G[i, p]
        grad[p] = acc if p < trainable else 0.0
        if p < trainable:
            _update(theta, grad, m, v, p, kind, lr, mu, beta1, beta2, eps, t)


def train_epochs(theta, grad, m, v, steps, K, D, learned, stages, batch, kind, lr, mu, beta1, beta2, eps,
                 ridge, X, T, orders, sums, counts, A, r, losses):
    """dlsim.kernels.rbf.train_epochs on the GPU: the parameters, data and orders are copied to the
    device once, back once at the end; each batch's loss comes back to be summed as the CPU does."""
    n, P = X.shape[0], theta.shape[0]
    threads = gpu.THREADS
    d = {name: cuda.to_device(a) for name, a in (("theta", theta), ("grad", grad), ("m", m), ("v", v),
                                                ("X", X), ("T", T), ("orders", orders), ("sums", sums),
                                                ("counts", counts), ("A", A), ("r", r))}
    dC = d["theta"][K + 1:K + 1 + K * D].reshape((K, D))   # views into the device's theta
    dsigma = d["theta"][K + 1 + K * D:]
    best, best_d2 = cuda.device_array(n, np.int64), cuda.device_array(n)
    M, y, out = cuda.device_array((K + 1, K + 1)), cuda.device_array(K + 1), cuda.device_array(1)
    trainable = P if learned else K + 1
    for e in range(orders.shape[0]):
        order = d["orders"][e]
        if stages[e] == KMEANS:
            steps += 1
            _assign[gpu.blocks(n), threads](d["X"], order, dC, best, best_d2)
            _mean_in_order[1, 1](best_d2, 1.0 / n, out, 0)
            _gather_and_move[gpu.blocks(K), threads](d["X"], order, best, dC, d["sums"], d["counts"])
            losses[e] = out.copy_to_host()[0]
        elif stages[e] == SOLVE:
            steps += 1
            Phi, D2 = cuda.device_array((n, K)), cuda.device_array((n, K))
            _rows[gpu.blocks(n), threads](dC, dsigma, d["X"], order, 0, Phi, D2)
            _normal_equations[gpu.blocks((K + 1) ** 2), threads](Phi, d["T"], order, d["A"], d["r"])
            _solve[1, 1](d["A"], d["r"], ridge, M, y, d["theta"][:K + 1])
            losses[e] = _batch_loss(d, dC, dsigma, order, n, Phi, D2, out, threads)
        else:
            total = 0.0
            for start in range(0, n, batch):
                rows = min(batch, n - start)
                steps += 1
                Phi, D2 = cuda.device_array((rows, K)), cuda.device_array((rows, K))
                G, shares = cuda.device_array((rows, P)), cuda.device_array(rows)
                _rows[gpu.blocks(rows), threads](dC, dsigma, d["X"], order, start, Phi, D2)
                _sample_shares[gpu.blocks(rows), threads](d["theta"], dC, dsigma, learned, d["X"], d["T"], order, start,
                                                         1.0 / rows, Phi, D2, G, shares)
                _mean_in_order[1, 1](shares, 1.0, out, 0)
                _sum_and_step[gpu.blocks(P), threads](d["theta"], d["grad"], d["m"], d["v"], G, trainable, kind, lr,
                                                      mu, beta1, beta2, eps, steps)
                total += out.copy_to_host()[0] * rows
            losses[e] = total / n
        if not np.isfinite(losses[e]):
            _back(d, theta, grad, m, v, sums, counts, A, r)
            return e + 1, steps
    _back(d, theta, grad, m, v, sums, counts, A, r)
    return orders.shape[0], steps


def _batch_loss(d, dC, dsigma, order, rows, Phi, D2, out, threads):
    """The mean squared error of the rows in `order` with the parameters now (the solve's loss)."""
    _rows[gpu.blocks(rows), threads](dC, dsigma, d["X"], order, 0, Phi, D2)
    G, shares = cuda.device_array((rows, d["theta"].shape[0])), cuda.device_array(rows)
    _sample_shares[gpu.blocks(rows), threads](d["theta"], dC, dsigma, False, d["X"], d["T"], order, 0,
                                             1.0 / rows, Phi, D2, G, shares)
    _mean_in_order[1, 1](shares, 1.0, out, 0)
    return out.copy_to_host()[0]


def _back(d, theta, grad, m, v, sums, counts, A, r):
    for name, host in (("theta", theta), ("grad", grad), ("m", m), ("v", v), ("sums", sums), ("counts", counts),
                       ("A", A), ("r", r)):
        d[name].copy_to_host(host)
