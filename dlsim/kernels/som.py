"""Kohonen's self-organizing map: distances, best-matching unit, neighbourhood, update, decay, errors.

W is (N, D): one weight vector per node, nodes in row-major grid order. pos is (N, 2): each node's
place on the grid (the hexagonal layout shifts odd rows by ½ and packs rows √3/2 apart), so the
grid distance is the same formula for either topology.

The scalar helpers are inlined into every loop here and are also what the model calls op by op,
so a stepped sample, a compiled sample and a compiled epoch write the same bits: every distance is
summed coordinate by coordinate in index order, every update computes lr·h first.
"""
import math

import numpy as np

from dlsim.kernels.jit import inline, kernel

# neighbourhood functions
GAUSSIAN, BUBBLE, TRIANGLE, MEXICAN_HAT = 0, 1, 2, 3
NEIGHBOURHOODS = {"gaussian": GAUSSIAN, "bubble": BUBBLE, "triangle": TRIANGLE, "mexican_hat": MEXICAN_HAT}
# decay schedules of lr and σ over the horizon T (in samples); past T they stay at their end value
EXPONENTIAL, LINEAR, ASYMPTOTIC = 0, 1, 2
DECAYS = {"exponential": EXPONENTIAL, "linear": LINEAR, "asymptotic": ASYMPTOTIC}
# grid neighbours are 1 apart (4 on a rectangular grid, 6 on a hexagonal one); diagonals are √2
NEIGHBOUR_D2 = 1.5


@inline
def node_distance2(x, W, j):
    """‖x − w_j‖², summed over coordinates in order."""
    acc = 0.0
    for k in range(x.shape[0]):
        diff = x[k] - W[j, k]
        acc += diff * diff
    return acc


@inline
def better(d2, j, best, best_d2, second, second_d2):
    """Fold node j (at squared distance d2) into the running (best, runner-up); ties keep the lower index.
    An empty slot (−1) takes any node, even one whose distance overflowed to ∞ (weights of 1e154):
    the search names a node whatever the weights, never −1."""
    if best < 0 or d2 < best_d2:
        return j, d2, best, best_d2
    if second < 0 or d2 < second_d2:
        return best, best_d2, j, d2
    return best, best_d2, second, second_d2


@inline
def find_bmu(x, W):
    """(best node, its ‖x − w‖², runner-up, its ‖x − w‖²)."""
    best, best_d2, second, second_d2 = -1, math.inf, -1, math.inf
    for j in range(W.shape[0]):
        best, best_d2, second, second_d2 = better(node_distance2(x, W, j), j, best, best_d2, second, second_d2)
    return best, best_d2, second, second_d2


@inline
def grid_distance2(pos, j, b):
    """Squared distance on the grid between nodes j and b."""
    dr = pos[j, 0] - pos[b, 0]
    dc = pos[j, 1] - pos[b, 1]
    return dr * dr + dc * dc


@inline
def neighbourhood(g2, sigma, kind):
    """h for a node at squared grid distance g2 from the BMU, radius σ."""
    if kind == GAUSSIAN:
        return math.exp(-g2 / (2.0 * sigma * sigma))
    if kind == BUBBLE:
        return 1.0 if g2 <= sigma * sigma else 0.0
    if kind == TRIANGLE:
        return max(0.0, 1.0 - math.sqrt(g2) / sigma)
    ratio = g2 / (sigma * sigma)   # mexican hat: pulls the near nodes, pushes a ring further out
    return (1.0 - ratio) * math.exp(-0.5 * ratio)


@inline
def update_node(W, j, x, lr, h):
    """w_j ← w_j + lr·h·(x − w_j), coordinate by coordinate."""
    rate = lr * h
    for k in range(x.shape[0]):
        W[j, k] = W[j, k] + rate * (x[k] - W[j, k])


@inline
def decay(v0, t, T, kind):
    """v0 at t = 0, falling over the horizon T: exponential to e⁻² ≈ 14 %, linear to 10 %,
    asymptotic v0 / (1 + t/(T/2)) to a third; constant after T."""
    f = min(t, T) / T
    if kind == EXPONENTIAL:
        return v0 * math.exp(-2.0 * f)
    if kind == LINEAR:
        return v0 * (1.0 - 0.9 * f)
    return v0 / (1.0 + 2.0 * f)


@kernel
def train_sample(x, W, pos, lr, sigma, kind):
    """One online step: find the BMU of x, pull every node towards x by lr·h. Returns the BMU search."""
    best, best_d2, second, second_d2 = find_bmu(x, W)
    for j in range(W.shape[0]):
        update_node(W, j, x, lr, neighbourhood(grid_distance2(pos, j, best), sigma, kind))
    return best, best_d2, second, second_d2


@kernel
def pull_all(x, W, pos, b, lr, sigma, kind):
    """train_sample's update pass alone, in place: every node pulled towards x by lr·h around node b
    (the public `update` step, for a BMU and rates the caller chooses)."""
    for j in range(W.shape[0]):
        update_node(W, j, x, lr, neighbourhood(grid_distance2(pos, j, b), sigma, kind))


# --- what the pictures show (dlsim.models.som_inspect), with the training's own arithmetic -------

@kernel
def bmus(X, W):
    """(S,) the BMU of each row of X, found as the training's search finds it (ties: the lower node)."""
    out = np.empty(X.shape[0], np.int64)
    for s in range(X.shape[0]):
        out[s] = find_bmu(X[s], W)[0]
    return out


@kernel
def distances2(x, W):
    """(N,) ‖x − w_j‖² of every node, as the search sums them."""
    out = np.empty(W.shape[0])
    for j in range(W.shape[0]):
        out[j] = node_distance2(x, W, j)
    return out


@kernel
def neighbourhoods(pos, b, sigma, kind):
    """(N,) h of every node around node b, as the update pass computes it."""
    out = np.empty(pos.shape[0])
    for j in range(pos.shape[0]):
        out[j] = neighbourhood(grid_distance2(pos, j, b), sigma, kind)
    return out


@kernel
def umatrix(W, pairs):
    """(N,) the U-matrix: each node's mean distance to its grid neighbours, given as (P, 2) node
    pairs; each pair's distance is added to both its nodes, pair by pair."""
    total = np.zeros(W.shape[0])
    count = np.zeros(W.shape[0])
    for p in range(pairs.shape[0]):
        i, j = pairs[p, 0], pairs[p, 1]
        gap = math.sqrt(node_distance2(W[i], W, j))
        total[i] += gap
        count[i] += 1.0
        total[j] += gap
        count[j] += 1.0
    for j in range(W.shape[0]):
        total[j] /= max(count[j], 1.0)
    return total


@kernel
def errors(X, W, pos):
    """(quantization error, topographic error) over the rows of X: the mean distance from a sample
    to its BMU, and the share of samples whose BMU and runner-up are not grid neighbours."""
    qe, te = error_sums(X, W, pos, 0.0, 0)
    n = max(X.shape[0], 1)
    return qe / n, te / n


@kernel
def error_sums(X, W, pos, qe, te):
    """The sums errors() divides, over the rows of X, added to qe and te (the running totals of
    the rows before them): a set measured slice by slice (a stop looked at between two:
    dlsim.models.chunked) adds the same numbers in the same order, bit for bit."""
    for s in range(X.shape[0]):
        best, best_d2, second, _ = find_bmu(X[s], W)
        qe += math.sqrt(best_d2)
        if grid_distance2(pos, best, second) > NEIGHBOUR_D2:
            te += 1
    return qe, te


@kernel
def train_epochs(W, pos, X, orders, t0, T, lr0, sigma0, decay_kind, kind, qe_out, te_out):
    """len(orders) epochs of the online SOM in place, the sample count t starting at t0; the
    errors after epoch e go to qe_out[e], te_out[e]. Returns the sample count reached."""
    t = t0
    for e in range(orders.shape[0]):
        for i in range(orders.shape[1]):
            lr = decay(lr0, float(t), T, decay_kind)
            sigma = decay(sigma0, float(t), T, decay_kind)
            train_sample(X[orders[e, i]], W, pos, lr, sigma, kind)
            t += 1
        qe_out[e], te_out[e] = errors(X, W, pos)
    return t
