"""The CNN's stage: the image with the kernel's window where it is now, the kernel's numbers, the
feature map filling in cell by cell and the pooled map with its winners, and under them the window ×
kernel arithmetic in numbers; in the backward pass ∂K so far and the δ maps as they are routed and
masked. Reads the frame's extras: what the model's picture holds (dlsim.models.cnn_inspect)."""
import numpy as np

from dlsim.protocol.numbers import fac, num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.image.pixels import block_width, grey, numbers, picture, side_by_side, signed, width_of
from dlsim.tui.widgets.panel import Cells, Panel, UiState


def filled(shape, f_now: int, f_map: int, cell) -> np.ndarray:
    """Which cells of kernel f_map's map are computed when kernel f_now has just written `cell`
    (kernels in order, each row by row)."""
    mask = np.zeros(shape, bool)
    if f_map < f_now:
        mask[...] = True
    elif f_map == f_now:
        mask.reshape(-1)[:cell[0] * shape[1] + cell[1] + 1] = True
    return mask


def mono_of(panel) -> bool:
    """Whether the app draws without colour (NO_COLOR)."""
    return getattr(panel.app, "no_color", False)


def _window(ex, shape) -> dict:
    """The input cells under the kernel at the focused position, marked."""
    where, facts = ex["focus"], ex["facts"]
    cell = where.cell
    if cell is None or where.op not in ("conv", "activation", "dK"):
        return {}
    k, shift = facts.size, facts.pad
    top, left = cell[0] * facts.stride - shift, cell[1] * facts.stride - shift
    return {(y, x): "window" for y in range(max(top, 0), min(top + k, shape[0]))
            for x in range(max(left, 0), min(left + k, shape[1]))}


def _winners(ex, layer, f, known) -> dict:
    """The feature-map cells each computed pooled cell took its max from."""
    if ex["facts"].pool != "max":
        return {}
    win = layer["win"][f]
    return {(2 * r + w // 2, 2 * c + w % 2): "winner" for (r, c), w in np.ndenumerate(win) if known[r, c]}


def _input_picture(ex, layer, scale, mono):
    x = layer["x"]
    if ex["focus_layer"] == 0:
        rgb, values, title = grey(x), x.mean(axis=0), "image"
    else:
        values = x.mean(axis=0)
        rgb, title = signed(values), f"input (mean of {x.shape[0]})"
    return title, picture(rgb, _window(ex, x.shape[1:]), scale, mono, values)


def _scale(side: int, height: int) -> int:
    """Pixels per image pixel (each a half-block): as large as `height` cell rows allow, up to 3."""
    return max(1, min(3, (2 * height) // max(side, 1)))


class StagePanel(Panel):
    READING = (("image", "the input in grey (colour images in their colours); the kernel's window tinted yellow"),
               ("kernel", "its weights as numbers, blue positive, orange negative (∂K in the backward pass)"),
               ("feature map", "a = f(Σ window·K + b) per position, filling in as the kernel slides; white the\n"
                               "cell being written, green the cells a max-pool window picked, blank not computed yet"),
               ("pooled", "each 2×2 window's max (or mean); backward: the δ each pooled cell sends back"),
               ("arithmetic", "the numbers under the kernel (window), their products with the kernel, the sum"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "maps" not in ex or height < 3:
            return []
        mono = mono_of(self)
        l, f = ex["focus_layer"], ex["focus_kernel"]
        layer = ex["maps"]
        arithmetic = self._arithmetic(ex, width) if ex["arithmetic"] else []
        if len(arithmetic) + 4 > height:
            arithmetic = []
        room = height - 2 - len(arithmetic)
        side = max(layer["x"].shape[1], layer["a"].shape[1])
        largest = _scale(side, room)
        # the kernel as numbers at a scale of 2 or more where they fit, else as pixels, else all at scale 1
        tries = ([(scale, d) for d in (3, 2) for scale in range(largest, 1, -1)]
                 + [(scale, None) for scale in range(largest, 1, -1)] + [(1, 3), (1, 2), (1, None)])
        for scale, digits in tries:
            blocks = self._blocks(ex, layer, l, f, scale, mono, digits)
            if sum(block_width(title, lines) + 2 for title, lines in blocks) - 2 <= width:
                break
        out = side_by_side(blocks, width)
        out = out[:height - 1 - len(arithmetic)] + arithmetic
        out.append([(self._caption(ex, l, f)[:width], st.plain(dim=True))])
        return out

    def _blocks(self, ex, layer, l, f, scale, mono, digits):
        K = ex["kernels"][f]
        channels = f" ch0/{K.shape[0]}" if K.shape[0] > 1 else ""

        def kernel(title, values):
            if digits is not None:
                return title, numbers(values, digits)
            return title, picture(signed(values), {}, 2, mono, values)
        where = ex["focus"]
        if where.backward:
            dz = layer["dz"][f]
            hot = {where.cell} if where.op in ("mask", "dK") and where.cell else set()
            everywhere = np.ones(layer["p"].shape[1:], bool)
            return [_input_picture(ex, layer, scale, mono),
                    kernel(f"∂K{f} so far{channels}", ex["grads"][f, 0]),
                    ("δ routed", picture(signed(layer["da"][f]), _winners(ex, layer, f, everywhere), scale, mono,
                                         layer["da"][f])),
                    ("δ = ∂L/∂z", picture(signed(dz), {c: "cell" for c in hot}, scale, mono, dz))]
        progress = where.progress
        a, p = layer["a"][f], layer["p"][f]
        a_known, p_known = np.ones(a.shape, bool), np.ones(p.shape, bool)
        a_marks: dict = {}
        p_marks: dict = {}
        if progress is not None and progress[0] == 0:     # the kernel is sliding: the map fills in
            a_known = filled(a.shape, progress[1], f, progress[2])
            p_known[...] = False
            a_marks = {progress[2]: "cell"}
        else:
            if progress is not None:                      # the pool pass: its cells fill in
                p_known = filled(p.shape, progress[1], f, progress[2])
                p_marks = {progress[2]: "cell"}
            a_marks = _winners(ex, layer, f, p_known)
        blocks = [_input_picture(ex, layer, scale, mono),
                  kernel(f"kernel {f}{channels}", K[0]),
                  (f"map {f}", picture(signed(a, known=a_known), a_marks, scale, mono, a))]
        if ex["facts"].pool != "none":
            blocks.append(("pooled",
                           picture(signed(p, known=p_known), p_marks, scale, mono, p)))
        return blocks

    @staticmethod
    def _arithmetic(ex, width) -> list[Cells]:
        """The position in hand in numbers: window × kernel = products, their sum, + b = z → a; or, for
        ∂K, window × δ added to ∂K (3 decimals where they fit, else 2)."""
        v = ex["arithmetic"]
        k = v["size"]
        per = k * k
        window = np.array(v["window"][:per]).reshape(k, k)   # the first channel
        if v["op"] == "dK":
            text = f"∂K += window·δ at {(v['r'], v['c'])}"
            grids = [("window", window), (f"× δ {num(v['delta'])} → ∂K", np.array(v["total"][:per]).reshape(k, k))]
        else:
            text = f"Σ = {num(v['sum'])}  + b {fac(v['bias'])}  = z {num(v['z'])}"
            if "a" in v:
                text += f"  → {v['fn']} → a {num(v['a'])}"
            grids = [("window", window), ("× kernel =", np.array(v["products"][:per]).reshape(k, k))]
        for digits in (3, 2):
            blocks = [(title, numbers(values, digits)) for title, values in grids]
            if sum(block_width(title, lines) + 2 for title, lines in blocks) + len(text) <= width:
                break
        lines = side_by_side(blocks, width)
        if not lines or width_of(lines) + len(text) + 2 > width:
            return lines + [[(text[:width], st.plain(bold=True))]] if lines else []
        middle = len(lines) // 2
        lines[middle] = lines[middle] + [(text, st.plain(bold=True))]
        return lines

    @staticmethod
    def _caption(ex, l, f) -> str:
        focus = ex["focus"]
        where = f"layer {l + 1}/{ex['n_conv']} · kernel {f}"
        if focus.cell is not None:
            where += f" · {'pooled cell' if focus.op in ('pool', 'pool_back') else 'position'} {focus.cell}"
        label = ex["names"][ex["label"]]
        state = f"image #{ex['sample']} ({label})"
        return f"{where} · {state}" + ("" if focus.inside else ", weights now")
