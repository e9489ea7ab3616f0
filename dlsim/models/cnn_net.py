"""The CNN's architecture from its options: the `conv` and `sizes` arrays the kernels take, where each
parameter and map lies in the flat buffers, the initial weights and the hand-set kernel presets.

Plain Python (nothing here compiles: `backend=numpy` builds a CNN without Numba). The layouts are
dlsim.kernels.cnn's `param_offsets` and `map_offsets`, computed the same way (a test compares them).
"""
import math

import numpy as np

from dlsim.errors import UserError
from dlsim.kernels import activations as act
from dlsim.kernels.cnn import ACT, IN_C, IN_H, IN_W, N_KERNELS, PADDING, POOL, SIZE, STRIDE
from dlsim.kernels.conv import MAX, NONE, PADDINGS, POOLS, SAME

PRESETS = ("random", "edges", "blur")
MAX_LAYERS = 3


def pad_of(k: int, pad: int) -> int:
    return (k - 1) // 2 if pad == SAME else 0


def out_size(n: int, k: int, stride: int, pad: int) -> int:
    return (n + 2 * pad_of(k, pad) - k) // stride + 1


def unread_cells(n: int, k: int, stride: int, pad: int) -> int:
    """How many of an input side's last cells no kernel position covers (a stride that overshoots)."""
    last = (out_size(n, k, stride, pad) - 1) * stride - pad_of(k, pad) + k - 1   # the last window's far edge
    return max(n - 1 - last, 0)


def layer_dims(row) -> tuple[int, int, int, int]:
    """A conv layer's feature map (Ho, Wo) and pooled map (Hp, Wp)."""
    ho = out_size(int(row[IN_H]), int(row[SIZE]), int(row[STRIDE]), int(row[PADDING]))
    wo = out_size(int(row[IN_W]), int(row[SIZE]), int(row[STRIDE]), int(row[PADDING]))
    halve = 1 if row[POOL] == NONE else 2
    return ho, wo, ho // halve, wo // halve


def build(image: tuple[int, int, int], config: dict, classes: int) -> tuple[np.ndarray, np.ndarray]:
    """(conv (L, 9), sizes (D+1,)) for images (C, H, W); a UserError (one line) where a kernel does not
    fit, a stride leaves a row or column of the input unread, or pooling would drop one."""
    kernels, k, stride = config["kernels"], config["size"], config["stride"]
    if not 1 <= len(kernels) <= MAX_LAYERS:
        raise UserError(f"option 'kernels': one number per conv layer, 1 to {MAX_LAYERS} layers (e.g. 4 or 4,8); "
                        f"got {len(kernels)}")
    pad, pool = PADDINGS[config["padding"]], POOLS[config["pool"]]
    conv = np.zeros((len(kernels), 9), np.int64)
    c, h, w = image
    for l, n in enumerate(kernels):
        where = f"conv layer {l + 1} of {len(kernels)} (its input {h}×{w})"
        if h + 2 * pad_of(k, pad) < k or w + 2 * pad_of(k, pad) < k:
            raise UserError(f"option 'size': a {k}×{k} kernel is larger than {where}; use a smaller "
                            f"kernel, padding=same, fewer conv layers or pool=none")
        for side, name in ((h, "row"), (w, "column")):
            unread = unread_cells(side, k, stride, pad)
            if unread:
                raise UserError(f"option 'stride': a {k}×{k} kernel at stride {stride} never reads the last "
                                f"{name}{'s' * (unread > 1)} of {where}; use stride=1, or another image size, "
                                f"padding or kernel size")
        conv[l] = (c, h, w, n, k, stride, pad, act.CODES[config["activation"]], pool)
        ho, wo, hp, wp = layer_dims(conv[l])
        if pool != NONE and (ho % 2 or wo % 2):
            raise UserError(f"option 'pool': the {ho}×{wo} feature map of {where} cannot be pooled 2×2 "
                            f"without dropping its last row or column; use pool=none, another image size, "
                            f"padding or stride, or fewer conv layers")
        if hp < 1 or wp < 1:
            raise UserError(f"option 'kernels': {where} leaves no cell to pool; use fewer conv layers "
                            f"or padding=same")
        c, h, w = n, hp, wp
    sizes = np.array([c * h * w, *config["hidden"], classes], np.int64)
    return conv, sizes


def param_offsets(conv: np.ndarray, sizes: np.ndarray) -> list[int]:
    """Conv layer l's K at o[2l], b at o[2l+1]; dense layer d's W at o[2(L+d)], b after; o[-1] the count."""
    o, off = [], 0
    for row in conv:
        o.append(off)
        off += int(row[N_KERNELS] * row[IN_C] * row[SIZE] * row[SIZE])
        o.append(off)
        off += int(row[N_KERNELS])
    for d in range(len(sizes) - 1):
        o.append(off)
        off += int(sizes[d] * sizes[d + 1])
        o.append(off)
        off += int(sizes[d + 1])
    return o + [off]


def map_offsets(conv: np.ndarray, sizes: np.ndarray) -> list[int]:
    """The input at o[0]; conv layer l's input at o[3l], z at o[3l+1], a at o[3l+2], pooled map at
    o[3l+3]; dense layer d's input at o[3L+2d], z at o[3L+2d+1], a at o[3L+2d+2]; o[-1] the size."""
    n_conv, n_dense = len(conv), len(sizes) - 1
    o = [0] * (3 * n_conv + 2 * n_dense + 2)
    off = int(conv[0, IN_C] * conv[0, IN_H] * conv[0, IN_W])
    for l, row in enumerate(conv):
        ho, wo, hp, wp = layer_dims(row)
        f = int(row[N_KERNELS])
        o[3 * l + 1], o[3 * l + 2], o[3 * l + 3] = off, off + f * ho * wo, off + 2 * f * ho * wo
        off += f * (2 * ho * wo + hp * wp)
    for d in range(n_dense):
        o[3 * n_conv + 2 * d + 1] = off
        o[3 * n_conv + 2 * d + 2] = off + int(sizes[d + 1])
        off += 2 * int(sizes[d + 1])
    o[-1] = off
    return o


def initial_weights(conv, sizes, dense_act: int, rng) -> np.ndarray:
    """He-normal kernels and weights before a ReLU, Glorot-uniform before tanh and the softmax;
    biases start at zero."""
    po = param_offsets(conv, sizes)
    theta = np.zeros(po[-1])
    for l, row in enumerate(conv):
        fan_in = int(row[IN_C] * row[SIZE] * row[SIZE])
        fan_out = int(row[N_KERNELS] * row[SIZE] * row[SIZE])
        theta[po[2 * l]:po[2 * l + 1]] = _draw(rng, po[2 * l + 1] - po[2 * l], fan_in, fan_out, int(row[ACT]))
    for d in range(len(sizes) - 1):
        at = po[2 * (len(conv) + d)]
        kind = dense_act if d < len(sizes) - 2 else act.SOFTMAX
        theta[at:at + sizes[d] * sizes[d + 1]] = _draw(rng, int(sizes[d] * sizes[d + 1]), int(sizes[d]),
                                                       int(sizes[d + 1]), kind)
    return theta


def _draw(rng, n, fan_in, fan_out, kind):
    if kind == act.RELU:
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), n)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, n)


def preset(name: str, kernels: int, channels: int, k: int) -> np.ndarray:
    """Hand-set kernels (F, C, k, k) a teacher starts from. edges: kernel f is a Sobel-like detector of
    a vertical edge dark→bright (f % 4 = 0), a horizontal one (1), and the two opposite ones (2, 3);
    blur: every weight 1/k². Spread over the channels (each channel gets 1/C), so a colour image's
    edge counts as a grey one's."""
    smooth = np.array([1.0, 2.0, 1.0]) if k == 3 else np.array([1.0, 2.0, 3.0, 2.0, 1.0])
    step = np.array([-1.0, 0.0, 1.0]) if k == 3 else np.array([-1.0, -2.0, 0.0, 2.0, 1.0])
    vertical = np.outer(smooth, step) / smooth.sum()
    shapes = [vertical, vertical.T, -vertical, -vertical.T]
    out = np.empty((kernels, channels, k, k))
    for f in range(kernels):
        out[f] = (shapes[f % 4] if name == "edges" else np.full((k, k), 1.0 / (k * k))) / channels
    return out


def pooling_kind(code: int) -> str:
    return {NONE: "none", MAX: "max"}.get(code, "mean")
