"""Checks shared by the RNN and LSTM kernel tests: each takes the network's kernel module, its NumPy
reference and its cell's shape (the kernel module's CELL: gate rows per unit, states per layer), so
both networks are held to the very same promises."""
import numpy as np

from dlsim.kernels import recurrent as rc
from dlsim.kernels import recurrent_reference as common

# Every option the issue names, alone and combined; tiny sizes keep the finite differences fast.
OPTIONS = {
    "tanh, MSE at every step": {},
    "ReLU": {"activation": "relu"},
    "softmax-CE at every step": {"loss": "softmax_ce"},
    "MSE at the last step": {"per_step": False},
    "softmax-CE at the last step": {"loss": "softmax_ce", "per_step": False},
    "two layers": {"layers": 2},
    "learned h0": {"learn_h0": True},
    "truncated to 2 steps": {"truncate": 2},
    "truncated to 3, last step, two layers, learned h0": {"truncate": 3, "per_step": False, "layers": 2,
                                                         "learn_h0": True, "loss": "softmax_ce"},
}
F, H, O, B, T = 2, 3, 2, 3, 6


def case(cell, seed=0, scale=0.6, **options):
    """(cfg, theta, X, Y): random parameters (initial states too, so a learned h₀ matters)."""
    cfg = rc.config(F, H, O, **cell, **options)
    rng = np.random.default_rng(seed)
    theta = rng.normal(0.0, scale, common.n_params(cfg))
    X = rng.normal(size=(B, T, F))
    steps = T if cfg[rc.PER_STEP] else 1
    if cfg[rc.LOSS] == rc.SOFTMAX_CE:
        Y = np.eye(O)[rng.integers(0, O, (B, steps))]
    else:
        Y = rng.normal(size=(B, steps, O))
    return cfg, theta, X, Y


def stepped_loss(cfg, logits, Y):
    """(loss, dy) from sample-major logits (B, T, O), one step's loss at a time, as a stepped pass."""
    B, T, _ = logits.shape
    per_step = bool(cfg[rc.PER_STEP])
    scale = 1.0 / (B * (T if per_step else 1))
    dy = np.zeros_like(logits)
    loss = 0.0
    for s in range(B):
        for t in range(T):
            if per_step or t == T - 1:
                loss += rc.step_loss(logits[s, t], Y[s, t if per_step else 0], cfg[rc.LOSS], scale, dy[s, t])
    return loss, dy


def kernel_gradients(net, cfg, theta, X, Y):
    """(loss, grad, dh_norms) from the compiled kernel."""
    grad = np.zeros_like(theta)
    norms = np.zeros((cfg[rc.LAYERS], X.shape[1]))
    loss = net.gradients(theta, grad, cfg, X, Y, *net.workspace(cfg, X.shape[0], X.shape[1]), norms)
    return loss, grad, norms


def finite_differences(ref, cfg, theta, X, Y, eps=1e-6):
    """Central differences of the reference loss for every parameter. Under truncation the state
    carried across each cut is held at its unperturbed value: truncated BPTT is the exact gradient
    of that loss, not of the full one."""
    fixed = ref.states(theta, cfg, X)
    fd = np.zeros_like(theta)
    for k in range(theta.shape[0]):
        e = np.zeros_like(theta)
        e[k] = eps
        fd[k] = (ref.loss(theta + e, cfg, X, Y, fixed) - ref.loss(theta - e, cfg, X, Y, fixed)) / (2 * eps)
    common.finish(fd, cfg)   # an initial state that is not learned has no gradient
    return fd


def check_layout(net, cell):
    for layers in (1, 2):
        cfg = rc.config(F, H, O, **cell, layers=layers)
        theta = np.arange(float(common.n_params(cfg)))
        assert rc.n_params(cfg) == theta.shape[0]
        views, Wy, by = common.unpack(theta, cfg)
        for l, view in enumerate(views):
            assert np.array_equal(rc.wx(theta, cfg, l), view["Wx"])
            assert np.array_equal(rc.wh(theta, cfg, l), view["Wh"])
            assert np.array_equal(rc.bias(theta, cfg, l), view["b"])
            assert np.array_equal(rc.initial(theta, cfg, l, 0), view["h0"])
        assert np.array_equal(rc.wy(theta, cfg), Wy) and np.array_equal(rc.by(theta, cfg), by)


def check_against_reference(net, ref, cell, options):
    cfg, theta, X, Y = case(cell, **options)
    loss, grad, norms = kernel_gradients(net, cfg, theta, X, Y)
    r_loss, r_grad, r_norms = ref.gradients(theta, cfg, X, Y)
    assert np.isclose(loss, r_loss, rtol=1e-13, atol=0)
    assert np.allclose(grad, r_grad, rtol=1e-11, atol=1e-14)
    assert np.allclose(norms, r_norms, rtol=1e-11, atol=1e-14)


def check_finite_differences(net, ref, cell, options):
    cfg, theta, X, Y = case(cell, **options)
    _, grad, _ = kernel_gradients(net, cfg, theta, X, Y)
    fd = finite_differences(ref, cfg, theta, X, Y)
    assert np.abs(grad).max() > 1e-3
    assert np.allclose(grad, fd, rtol=1e-6, atol=1e-8), np.abs(grad - fd).max()


def check_truncation_cuts_the_gradient(net, cell):
    """With the loss at the last step only and BPTT truncated to k, no gradient reaches the steps
    before the last chunk of k; the full BPTT reaches them all."""
    k = 2
    cfg, theta, X, Y = case(cell, per_step=False)
    full = kernel_gradients(net, cfg, theta, X, Y)
    cut = kernel_gradients(net, rc.config(F, H, O, **cell, per_step=False, truncate=k), theta, X, Y)
    assert np.all(full[2][0] > 0)
    assert np.all(cut[2][0, :T - k] == 0) and np.all(cut[2][0, T - k:] > 0)
    assert np.allclose(cut[2][0, T - k:], full[2][0, T - k:], rtol=1e-14)
    assert not np.allclose(cut[1], full[1])


def check_vanishing(net, cell):
    """Small recurrent weights and a loss at the last step: ‖δh_t‖ shrinks going back in time."""
    cfg, theta, X, Y = case(cell, scale=0.3, per_step=False)
    norms = kernel_gradients(net, cfg, theta, X, Y)[2][0]
    assert np.all(np.diff(norms) > 0), norms


def check_clipping(net, ref, cell):
    cfg, theta, X, Y = case(cell, learn_h0=True)
    norm = np.sqrt((ref.gradients(theta, cfg, X, Y)[1] ** 2).sum())
    for threshold, fires in ((norm / 3, True), (norm * 3, False)):
        hyper = rc.hyper(lr=0.1, clip=threshold)
        got, want = theta.copy(), theta.copy()
        z = [np.zeros_like(theta) for _ in range(6)]
        loss, before, after = net.train_batch(got, z[0], z[1], z[2], 1, cfg, hyper, X, Y,
                                              np.zeros((1, T)))
        r_loss, r_before, r_after = ref.train_batch(want, z[3], z[4], z[5], 1, cfg, hyper, X, Y,
                                                    np.zeros((1, T)))
        assert np.isclose(before, norm, rtol=1e-12)
        assert np.isclose(after, threshold if fires else norm, rtol=1e-12)
        assert np.isclose(r_after, after, rtol=1e-12) and np.isclose(loss, r_loss, rtol=1e-13)
        assert np.allclose(got, want, rtol=1e-12, atol=1e-14)
        assert np.allclose(np.sqrt(((got - theta) ** 2).sum()), 0.1 * after, rtol=1e-12)   # SGD moved lr·clipped


def check_training(net, ref, cell, optimizer):
    """Three epochs of mini-batches (the last one short) match the reference, for each optimizer."""
    cfg, theta, X, Y = case(cell, optimizer=optimizer, layers=2, learn_h0=True, truncate=4)
    rng = np.random.default_rng(1)
    X = np.concatenate([X, rng.normal(size=X.shape)])
    Y = np.concatenate([Y, rng.normal(size=Y.shape)])
    orders = np.array([rng.permutation(len(X)) for _ in range(3)])
    hyper = rc.hyper(lr=0.05, clip=1.0)
    runs = []
    for train in (net.train_epochs, ref.train_epochs):
        th, bufs, losses, norms = theta.copy(), [np.zeros_like(theta) for _ in range(3)], np.zeros(3), np.zeros(3)
        done = train(th, *bufs, 0, cfg, hyper, X, Y, orders, 4, losses, norms, np.zeros((2, T)))
        runs.append((th, losses, norms, tuple(done)))
    (th, losses, norms, done), (r_th, r_losses, r_norms, r_done) = runs
    assert done == r_done == (3, 6)
    assert np.allclose(th, r_th, rtol=1e-9, atol=1e-12)
    assert np.allclose(losses, r_losses, rtol=1e-10) and np.allclose(norms, r_norms, rtol=1e-10)
    assert losses[-1] < losses[0]
    assert not np.allclose(th, theta)


def check_fused_equals_batches(net, cell):
    """A fused epoch writes the same bits as the same batches trained one call at a time."""
    cfg, theta, X, Y = case(cell, optimizer="adam", layers=2, learn_h0=True, truncate=4,
                            loss="softmax_ce")
    order = np.array([[2, 0, 1]])
    fused, one_by_one = theta.copy(), theta.copy()
    bufs = [np.zeros_like(theta) for _ in range(6)]
    net.train_epochs(fused, *bufs[:3], 0, cfg, rc.hyper(clip=0.5), X, Y, order, 2, np.zeros(1), np.zeros(1),
                     np.zeros((2, T)))
    for step, idx in enumerate(([2, 0], [1]), start=1):
        net.train_batch(one_by_one, *bufs[3:], step, cfg, rc.hyper(clip=0.5), X[idx], Y[idx], np.zeros((2, T)))
    assert np.array_equal(fused, one_by_one)


def check_initial_state_not_learned_stays_zero(net, cell):
    cfg, theta, X, Y = case(cell)
    for view in common.unpack(theta, cfg)[0]:
        view["h0"][:] = 0.0
        view.get("c0", view["h0"])[:] = 0.0
    _, grad, _ = kernel_gradients(net, cfg, theta, X, Y)
    for view in common.unpack(grad, cfg)[0]:
        assert np.all(view["h0"] == 0) and np.all(view.get("c0", view["h0"]) == 0)
    learned = kernel_gradients(net, rc.config(F, H, O, **cell, learn_h0=True), theta, X, Y)[1]
    assert np.abs(common.unpack(learned, cfg)[0][0]["h0"]).max() > 0
