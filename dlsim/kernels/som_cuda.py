"""The SOM on the GPU: dlsim.kernels.som's signatures, its fused epochs and its errors on the device.

Online learning is sequential (each sample moves the map the next one sees), so one block walks the
samples in order, its threads sharing the nodes: each thread folds its own nodes into a (best,
runner-up) pair, a tree of fixed shape merges the pairs (ties go to the lower index, as on the CPU),
then every thread pulls its nodes. The errors are parallel over samples: one thread per sample, then
one thread sums them in sample order. The scalar formulas (distance, neighbourhood, pull, decay) are
the CPU's own, compiled for the device. Stepping a sample (`train_sample`), the public steps and
the pictures stay on the CPU.
"""
import math

import numpy as np
from numba import float64, int64

from dlsim.kernels import gpu, som
# per-sample stepping, the public steps and the pictures stay on the CPU: a launch costs more than them
from dlsim.kernels.som import bmus, distances2, neighbourhoods, pull_all, train_sample, umatrix  # noqa: F401

cuda = gpu.cuda()
_distance2 = gpu.device(som.node_distance2)
_better = gpu.device(som.better)
_grid2 = gpu.device(som.grid_distance2)
_h = gpu.device(som.neighbourhood)
_pull = gpu.device(som.update_node)
_decay = gpu.device(som.decay)
NEIGHBOUR_D2 = som.NEIGHBOUR_D2
# threads of the training block, at most (its shared arrays have this size): 256 leaves each thread
# the registers an FP64 kernel may need (65,536 a block)
MOST = 256


@cuda.jit(device=True)
def _first(d_a, j_a, d_b, j_b):
    """Whether node j_a (at d_a) comes before j_b: nearer, or as near with the lower index; an
    empty slot (index −1) never comes first."""
    return j_a >= 0 and (j_b < 0 or d_a < d_b or (d_a == d_b and j_a < j_b))


@cuda.jit
def _epoch(W, pos, X, order, t0, T, lr0, sigma0, decay_kind, kind):
    """One epoch of online updates, in one block: samples in order, the nodes shared by the threads."""
    tid, nt = cuda.threadIdx.x, cuda.blockDim.x
    best_d = cuda.shared.array(MOST, float64)
    best_j = cuda.shared.array(MOST, int64)
    second_d = cuda.shared.array(MOST, float64)
    second_j = cuda.shared.array(MOST, int64)
    for i in range(order.shape[0]):
        x = X[order[i]]
        t = float(t0 + i)
        lr, sigma = _decay(lr0, t, T, decay_kind), _decay(sigma0, t, T, decay_kind)
        b, bd, s, sd = -1, math.inf, -1, math.inf
        for j in range(tid, W.shape[0], nt):   # in index order: the CPU's fold over these nodes
            b, bd, s, sd = _better(_distance2(x, W, j), j, b, bd, s, sd)
        best_j[tid], best_d[tid], second_j[tid], second_d[tid] = b, bd, s, sd
        cuda.syncthreads()
        stride = nt // 2
        while stride > 0:   # merge pairs: the two first of four, (best ≤ runner-up) within each
            if tid < stride:
                o = tid + stride
                b, bd, s, sd = best_j[tid], best_d[tid], second_j[tid], second_d[tid]
                ob, obd, os_, osd = best_j[o], best_d[o], second_j[o], second_d[o]
                if _first(bd, b, obd, ob):
                    if _first(obd, ob, sd, s):
                        s, sd = ob, obd
                else:
                    if _first(bd, b, osd, os_):
                        s, sd = b, bd
                    else:
                        s, sd = os_, osd
                    b, bd = ob, obd
                best_j[tid], best_d[tid], second_j[tid], second_d[tid] = b, bd, s, sd
            cuda.syncthreads()
            stride //= 2
        bmu = best_j[0]
        for j in range(tid, W.shape[0], nt):
            _pull(W, j, x, lr, _h(_grid2(pos, j, bmu), sigma, kind))
        cuda.syncthreads()   # the map is whole before the next sample's search (and best_j is reused)


@cuda.jit
def _per_sample_errors(X, W, pos, qe, far):
    """qe[s] = distance from sample s to its BMU; far[s] = 1 where BMU and runner-up are not neighbours."""
    s = cuda.grid(1)
    if s < X.shape[0]:
        b, bd, r, rd = -1, math.inf, -1, math.inf
        for j in range(W.shape[0]):
            b, bd, r, rd = _better(_distance2(X[s], W, j), j, b, bd, r, rd)
        qe[s] = math.sqrt(bd)
        far[s] = 1 if _grid2(pos, b, r) > NEIGHBOUR_D2 else 0


@cuda.jit
def _mean_errors(qe, far, out, e):
    """out[e] = (mean qe, share of far), summed by one thread in sample order (as the CPU does)."""
    if cuda.grid(1) == 0:
        total, count = 0.0, 0
        for s in range(qe.shape[0]):
            total += qe[s]
            count += far[s]
        n = max(qe.shape[0], 1)
        out[e, 0], out[e, 1] = total / n, count / n


def _errors_into(dX, dW, dpos, out, e):
    n = dX.shape[0]
    qe, far = cuda.device_array(n), cuda.device_array(n, np.int64)
    _per_sample_errors[gpu.blocks(n), gpu.THREADS](dX, dW, dpos, qe, far)
    _mean_errors[1, 1](qe, far, out, e)


def errors(X, W, pos):
    """(quantization error, topographic error) over the rows of X, computed on the GPU."""
    out = cuda.device_array((1, 2))
    _errors_into(cuda.to_device(X), cuda.to_device(W), cuda.to_device(pos), out, 0)
    qe, te = out.copy_to_host()[0]
    return float(qe), float(te)


def train_epochs(W, pos, X, orders, t0, T, lr0, sigma0, decay_kind, kind, qe_out, te_out):
    """dlsim.kernels.som.train_epochs on the GPU: the map, the data and the orders are copied to the
    device once for the chunk, the map back once at its end."""
    n, epochs = X.shape[0], orders.shape[0]
    dW, dpos, dX = cuda.to_device(W), cuda.to_device(pos), cuda.to_device(X)
    dorders, out = cuda.to_device(orders), cuda.device_array((max(epochs, 1), 2))
    threads = gpu.block_size(W.shape[0], MOST)
    for e in range(epochs):
        _epoch[1, threads](dW, dpos, dX, dorders[e], t0 + e * n, T, lr0, sigma0, decay_kind, kind)
        _errors_into(dX, dW, dpos, out, e)
    dW.copy_to_host(W)
    found = out.copy_to_host()
    qe_out[:epochs], te_out[:epochs] = found[:epochs, 0], found[:epochs, 1]
    return t0 + epochs * n
