"""The CNN's view: the image with the kernel's window where it is now, the kernel's numbers, the
feature map filling in cell by cell and the pooled map with its winners (in the backward pass: the δ
routed through the pool, masked, and ∂K accumulating); every kernel of the layer with its map for this
image; the class probabilities, the test set's confusion matrix and misclassified images; the curves.
"""
import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.kernels.conv import MAX, NONE
from dlsim.models.cnn_net import pad_of
from dlsim.protocol.events import Level
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.cnn_frame import PLACE, Confusion, cnn_extras, filled
from dlsim.tui.views.panels import curves, weight_heatmap
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.curves import Chart
from dlsim.tui.widgets.network.weights import Matrix
from dlsim.tui.widgets.image.pixels import block_width, grey, numbers, picture, side_by_side, signed, width_of
from dlsim.tui.widgets.panel import Cells, Panel, UiState


class CNNView(NetworkView):
    name = "cnn"
    charts = (Chart("loss", (("train_loss", "train"), ("test_loss", "test"))),
              Chart("accuracy", (("train_acc", "train"), ("test_acc", "test")), (0.0, 1.0)))
    level_words = {Level.LAYER: "map"}
    level_help = {Level.OP: "one kernel position, one cell, one pool window, one neuron, one kernel's update",
                  Level.LAYER: "a whole feature map, pool pass, δ map or dense layer"}

    def __init__(self, session):
        super().__init__(session)
        self.confusion = Confusion()

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                stage = StagePanel(self, id="graph")
                stage.border_title = "image · kernel · feature map · pooled"
                yield stage
                with Horizontal(id="cnn-lower"):
                    kernels = KernelsPanel(self, id="kernels")
                    kernels.border_title = "kernels · their maps"
                    yield kernels
                    yield weight_heatmap(self, "weights · w to edit")
            with Vertical(id="right"):
                classes = ClassesPanel(self, id="classes")
                classes.border_title = "class probabilities · test set"
                yield classes
                yield curves(self)

    def extras(self, model) -> dict:
        last = self.session.sim.last
        return {**cnn_extras(model, last, self.session.trace.events), **self.confusion(model),
                "cursor": self.cursor(model, last)}

    def exercise(self, model) -> None:
        self.extras(model)

    def matrices(self, frame, ui) -> list[Matrix]:
        """A matrix per layer for the heatmap (and the weight editor): a conv layer's column f is kernel
        f's weights (channel, row, column in order) with its bias last; a dense layer's is W as stored.
        In the backward pass, the gradients accumulated so far."""
        backward = frame.phase == "backward" and frame.grads is not None
        source = frame.grads if backward else frame.params
        last = frame.last
        where = PLACE.search(last.path) if last is not None else None
        out = []
        for name in source:
            if not name.endswith((".K", ".W")):
                continue
            l = int(name[6:name.index("]")])
            values, bias = source[name], source[f"layer[{l}].b"]
            hot = set()
            if name.endswith(".K"):
                F, shape = values.shape[0], values.shape[1:]
                flat = values.reshape(F, -1).T   # (C·k·k, F)
                if where and int(where.group(1)) == l and where.group(2) is not None:
                    hot = {(r, int(where.group(2))) for r in range(flat.shape[0] + 1)}
                out.append(Matrix(f"conv {l + 1}: {F} kernels", flat, bias, _kernel_element(l, shape),
                                  "∂L/∂K" if backward else "K", hot, "k", "K"))
            else:
                out.append(Matrix(f"dense {values.shape[0]}→{values.shape[1]}", values, bias,
                                  _dense_element(l, values.shape[0]), "∂L/∂W" if backward else "W", hot,
                                  "in", "out"))
        return out

    def sample(self, model, last):
        return model.current if self.in_sample(last) and model.current >= 0 else None

    def cursor(self, model, last) -> str:
        rows = len(model.batch_rows()) if model.batch_index < model.n_batches() else model.batch_size
        sample = f"image {model.sample + self.in_sample(last)}/{rows}"
        if model.n_batches() == 1:
            return sample
        return f"batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} {sample}"


def _kernel_element(l: int, shape: tuple):
    """Heatmap cell → parameter: row r < C·k·k is weight (c, i, j) of kernel `col`; the last row its bias."""
    def element(row: int, col: int):
        if row < int(np.prod(shape)):
            return f"layer[{l}].K", (col, *np.unravel_index(row, shape))
        return f"layer[{l}].b", (col,)
    return element


def _dense_element(l: int, n_in: int):
    def element(row: int, col: int):
        return (f"layer[{l}].W", (row, col)) if row < n_in else (f"layer[{l}].b", (col,))
    return element


def _mono(panel) -> bool:
    return getattr(panel.app, "no_color", False)


def _window(ex, shape) -> dict:
    """The input cells under the kernel at the focused position, marked."""
    cell = ex["cell"]
    if cell is None or ex["op"] not in ("conv", "activation", "dK"):
        return {}
    k, shift = ex["size"], pad_of(ex["size"], ex["pad"])
    top, left = cell[0] * ex["stride"] - shift, cell[1] * ex["stride"] - shift
    return {(y, x): "window" for y in range(max(top, 0), min(top + k, shape[0]))
            for x in range(max(left, 0), min(left + k, shape[1]))}


def _winners(ex, layer, f, known) -> dict:
    """The feature-map cells each computed pooled cell took its max from."""
    if ex["pool"] != MAX:
        return {}
    win = layer["win"][f]
    return {(2 * r + w // 2, 2 * c + w % 2): "winner" for (r, c), w in np.ndenumerate(win) if known[r, c]}


def _input_picture(ex, layer, scale, mono):
    x = layer["x"]
    if ex["l"] == 0:
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
        if "layers" not in ex or height < 3:
            return []
        mono = _mono(self)
        l, f = ex["l"], ex["f"]
        layer = ex["layers"][l]
        arithmetic = self._arithmetic(ex, width) if ex["arithmetic"] else []
        if len(arithmetic) + 4 > height:
            arithmetic = []
        room = height - 2 - len(arithmetic)
        side = max(layer["x"].shape[1], layer["a"].shape[1])
        largest = _scale(side, room)
        # the kernel as numbers at a scale of 2 or more where they fit, else as pixels, else all at scale 1
        tries = ([(scale, d) for d in (5, 4) for scale in range(largest, 1, -1)]
                 + [(scale, 0) for scale in range(largest, 1, -1)] + [(1, 5), (1, 4), (1, 0)])
        for scale, digits in tries:
            blocks = self._blocks(ex, layer, l, f, scale, mono, digits)
            if sum(block_width(title, lines) + 2 for title, lines in blocks) - 2 <= width:
                break
        out = side_by_side(blocks, width)
        out = out[:height - 1 - len(arithmetic)] + arithmetic
        out.append([(self._caption(ex, l, f)[:width], st.plain(dim=True))])
        return out

    def _blocks(self, ex, layer, l, f, scale, mono, digits):
        K = ex["K"][f]
        F = ex["K"].shape[0]
        channels = f" ch0/{K.shape[0]}" if K.shape[0] > 1 else ""

        def kernel(title, values):
            if digits:
                return title, numbers(values, digits)
            return title, picture(signed(values), {}, 2, mono, values)
        if ex["backward"]:
            dz = layer["dz"][f]
            hot = {ex["cell"]} if ex["op"] in ("mask", "dK") and ex["cell"] else set()
            everywhere = np.ones(layer["p"].shape[1:], bool)
            return [_input_picture(ex, layer, scale, mono),
                    kernel(f"∂K{f} so far{channels}", ex["dK"][f, 0]),
                    ("δ routed", picture(signed(layer["da"][f]), _winners(ex, layer, f, everywhere), scale, mono,
                                         layer["da"][f])),
                    ("δ = ∂L/∂z", picture(signed(dz), {c: "cell" for c in hot}, scale, mono, dz))]
        progress = ex["progress"]
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
        if ex["pool"] != NONE:
            blocks.append(("pooled",
                           picture(signed(p, known=p_known), p_marks, scale, mono, p)))
        return blocks

    @staticmethod
    def _arithmetic(ex, width) -> list[Cells]:
        """The position in hand in numbers: window × kernel = products, their sum, + b = z → a; or, for
        ∂K, window × δ added to ∂K."""
        v = ex["arithmetic"]
        k = v["size"]
        per = k * k
        window = np.array(v["window"][:per]).reshape(k, k)   # the first channel
        if v["op"] == "dK":
            blocks = [("window", numbers(window, 5)), (f"× δ {st.short(v['delta'], 6).strip()} → ∂K",
                                                      numbers(np.array(v["total"][:per]).reshape(k, k), 5))]
            text = f"∂K += window·δ at {(v['r'], v['c'])}"
        else:
            products = np.array(v["products"][:per]).reshape(k, k)
            blocks = [("window", numbers(window, 5)), ("× kernel =", numbers(products, 5))]
            text = (f"Σ = {st.short(v['sum'], 6).strip()}  + b {st.short(v['bias'], 6).strip()}"
                    f"  = z {st.short(v['z'], 6).strip()}")
            if "a" in v:
                text += f"  → {v['fn']} → a {st.short(v['a'], 6).strip()}"
        lines = side_by_side(blocks, width)
        if not lines or width_of(lines) + len(text) + 2 > width:
            return lines + [[(text[:width], st.plain(bold=True))]] if lines else []
        middle = len(lines) // 2
        lines[middle] = lines[middle] + [(text, st.plain(bold=True))]
        return lines

    @staticmethod
    def _caption(ex, l, f) -> str:
        where = f"layer {l + 1}/{ex['n_conv']} · kernel {f}"
        if ex["cell"] is not None:
            where += f" · {'pooled cell' if ex['op'] in ('pool', 'pool_back') else 'position'} {ex['cell']}"
        label = ex["names"][ex["label"]]
        state = f"image #{ex['sample']} ({label})"
        return f"{where} · {state}" + ("" if ex["inside"] else ", weights now")


class KernelsPanel(Panel):
    READING = (("kernels", "each kernel of the layer in focus as pixels (blue +, orange −), above its\n"
                           "feature map for this image (◂ the kernel in focus)"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "layers" not in ex or height < 3:
            return []
        mono = _mono(self)
        l = ex["l"]
        layer, K = ex["layers"][l], ex["K"]
        F = K.shape[0]
        a = layer["a"]
        progress = ex["progress"]
        for scale, gap in ((3, 1), (2, 1), (1, 1), (1, 0)):   # a blank line between kernel and map if it fits
            tiles = []
            for f in range(F):
                known = np.ones(a.shape[1:], bool)
                if progress is not None and progress[0] == 0:
                    known = filled(a.shape[1:], progress[1], f, progress[2])
                kernel = picture(signed(K[f].mean(axis=0)), {}, scale, mono, K[f].mean(axis=0))
                fmap = picture(signed(a[f], known=known), {}, scale, mono, a[f])
                tiles.append((f"K{f}" + ("◂" if f == ex["f"] else ""), kernel + [[]] * gap + fmap))
            tile_h = 1 + max(len(lines) for _, lines in tiles)
            tile_w = max(block_width(title, lines) for title, lines in tiles) + 2
            across = max(1, width // tile_w)
            if -(-F // across) * tile_h <= height:
                break
        out: list[Cells] = []
        for start in range(0, F, across):
            out.extend(side_by_side(tiles[start:start + across], width))
        if len(out) > height:   # the kernels that fit, and how many do not
            shown = (height - 1) // tile_h * across
            out = out[:(height - 1) // tile_h * tile_h] + [[(f"… {F - shown} more kernels", st.plain(dim=True))]]
        return out


class ClassesPanel(Panel):
    READING = (("probabilities", "softmax output for the image in hand, a bar per class; ✓ marks its true class"),
               ("confusion", "test images by true class (rows) and predicted class (columns); the diagonal is right"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "probs" not in ex:
            return []
        names, probs, label = ex["names"], ex["probs"], ex["label"]
        if probs is None:
            return [[(f"#{ex['sample']} ({names[label]}): softmax not reached yet"[:width],
                      st.plain(dim=True))]] + self._confusion(ex, names, width, height - 1)
        n = len(names)
        halves = 2 if n > 4 and n + n + 5 > height else 1   # two columns of classes when rows are short
        col_w = (width - 2 * (halves - 1)) // halves
        name_w = min(max(len(name) for name in names), 10)
        bar_w = max(4, min(24, col_w - name_w - 10))
        best = int(np.argmax(probs))
        cells = []
        for k, (name, p) in enumerate(zip(names, probs)):
            full = int(round(float(p) * bar_w))
            style = st.ink(1 if k == label else -1, 8 if k == best else 4)
            cells.append([(name[:name_w].rjust(name_w) + " ", st.plain(bold=k == label)),
                          ("█" * full, style), ("·" * (bar_w - full), st.plain(dim=True)),
                          (f" {float(p):.3f}" + (" ✓" if k == label else "  "), st.plain(bold=k == best))])
        per = -(-n // halves)
        out: list[Cells] = []
        for r in range(per):
            row: Cells = []
            for h in range(halves):
                if h * per + r < n:
                    row.extend(cells[h * per + r] + [("  ", None)])
            out.append(row)
        if len(out) + 3 <= height:
            out.extend(self._confusion(ex, names, width, height - len(out)))
        return out[:height]

    def _confusion(self, ex, names, width, room) -> list[Cells]:
        mono = _mono(self)
        if "confusion" not in ex or room < 2:
            return []
        matrix = ex["confusion"]
        n = len(names)
        cell = max(3, len(str(int(matrix.max()))) + 1)
        out: list[Cells] = [[], [(f"test: {ex['test_acc'] * 100:.1f} % right; true ↓ predicted →"[:width],
                                  st.plain(dim=True))]]
        if 4 + cell * n > width or n + 3 > room:
            return out
        top = max(int(matrix.max()), 1)
        out.append([("    ", None)] + [(str(k)[:cell - 1].rjust(cell), st.plain(dim=True)) for k in range(n)])
        for r in range(n):
            row: Cells = [(f"{str(r)[:2]:>2}  ", st.plain(dim=True))]
            for c in range(n):
                v = int(matrix[r, c])
                style = st.cell(1 if r == c else -1, st.strength(v, top)) if v else st.plain(dim=True)
                row.append(((str(v) if v else "·").rjust(cell), style))
            out.append(row)
        wrong = ex.get("wrong", ())
        if len(wrong) and len(out) + 3 < room:
            out.append([(f"{len(wrong)} misclassified" + (", the first:" if len(wrong) > 1 else ":"),
                         st.plain(dim=True))])
            tiles = []
            for i, image in zip(wrong, ex["wrong_images"]):
                guess = names[ex["predicted"][i]] if ex["predicted"][i] >= 0 else "tie"
                tiles.append((f"→{guess[:6]}", picture(grey(image), {}, 1, mono, image.mean(axis=0))))
            out.extend(side_by_side(tiles, width, gap=1)[:room - len(out)])
        return out
