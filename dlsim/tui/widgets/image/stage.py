"""The CNN's stage: the image with the kernel's window where it is now, the kernel's numbers, the
feature map filling in cell by cell and the pooled map with its winners, and under them the window ×
kernel arithmetic in numbers; in the backward pass ∂K so far and the δ maps as they are routed and
masked. Reads the frame's extras: what the model's picture holds (dlsim.models.cnn_inspect)."""
import textwrap

import numpy as np
from textual.binding import Binding

from dlsim.protocol.numbers import fac, num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.image.pixels import block_width, grey, numbers, side_by_side, signed, width_of
from dlsim.tui.widgets.image.pixels import picture as draw
from dlsim.models.cnn_inspect import cell_values
from dlsim.tui.offered import Offered
from dlsim.tui.widgets.image.paging import Focusable
from dlsim.tui.widgets.image import viewport
from dlsim.tui.widgets.panel import Cells, UiState, cell_moves


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
    rows, cols = np.nonzero(known)   # row by row, as the pooled map's cells (a 28×28 image: 169 of them)
    won = layer["win"][f][rows, cols]
    return dict.fromkeys(zip((2 * rows + won // 2).tolist(), (2 * cols + won % 2).tolist()), "winner")


def _input_picture(ex, layer, scale, mono, picture):
    x = layer["x"]
    values = x.mean(axis=0)
    if ex["focus_layer"] == 0:
        colours, title = (lambda: grey(x)), "image"
    else:
        colours, title = (lambda: signed(values)), f"input (mean of {x.shape[0]})"
    return title, picture(colours, _window(ex, x.shape[1:]), scale, mono, values, "input")


def _hits(blocks, kinds, width, scale, mono, shapes, view=None) -> list[tuple]:
    """Where side_by_side put each map one can choose a cell of: (which, left, top, rows, columns,
    scale, mono, first row, first column), top being the line below the titles; where a window of
    the maps is shown (`view`), its rows and columns."""
    hits, used = [], 0
    for (title, lines), kind in zip(blocks, kinds):
        w = block_width(title, lines)
        if used + w > width:
            break
        if kind is not None:
            rows, cols = view.of(kind) if view is not None else (range(shapes[kind][0]), range(shapes[kind][1]))
            hits.append((kind, used, 1, len(rows), len(cols), scale, mono, rows.start, cols.start))
        used += w + 2
    return hits


def _shown(colours, values, marks, rows, cols):
    """A picture's window: its colours and values at `rows` × `cols`, the marks moved with it."""
    moved = {(y - rows.start, x - cols.start): mark for (y, x), mark in marks.items() if y in rows and x in cols}
    return colours[rows.start:rows.stop, cols.start:cols.stop], values[rows.start:rows.stop, cols.start:cols.stop], moved


def cut(lines: list[Cells], height: int, width: int, mono: bool) -> list[Cells]:
    """Pictures under their titles, cut to `height` lines: without colour, where pixel rows are left
    out (a line a row: a tall image), the last line says so rather than the picture ending short."""
    if len(lines) <= height:
        return lines
    if height < 3 or not mono:
        return lines[:height]
    return lines[:height - 1] + [[(st.rows_out_of_view(len(lines) - height + 1, width), st.plain(dim=True))]]


def _scale(side: int, height: int) -> int:
    """Pixels per image pixel (each a half-block): as large as `height` cell rows allow, up to 3."""
    return max(1, min(3, (2 * height) // max(side, 1)))


class StagePanel(Offered, Focusable):
    READING = (("image", "the input in grey (colour images in their colours); the kernel's window tinted yellow"),
               ("kernel", "its weights as numbers, blue positive, orange negative (∂K in the backward pass)"),
               ("feature map", "a = f(Σ window·K + b) per position, filling in as the kernel slides; white the\n"
                               "cell being written, green the cells a max-pool window picked, blank not computed yet"),
               ("pooled", "each 2×2 window's max (or mean); backward: the δ each pooled cell sends back"),
               ("arithmetic", "the numbers under the kernel (window), their products with the kernel, the sum"),
               ("a cell's value", "click a cell of the feature map or pooled map (or Tab here, then ↑ ↓ ⇧← ⇧→,\n"
                                  "PgDn / PgUp between the maps): its numbers, marked pink (◉ without colour)"),
               ("window", "where the pictures do not fit whole (a 28×28 image at 80×24), the part of each around\n"
                          "the kernel (or the chosen cell, which the arrows move): the title says which rows and columns"))
    TITLES = ("image · kernel · feature map · pooled", "image · kernel · map · pooled")
    BINDINGS = [*cell_moves(), Binding("pagedown,pageup", "other_map", "other map", show=False)]
    # PgDn / PgUp only where there is a pooled map to go to (none without pooling, none backward):
    # the keys panel lists no key that does nothing (offered.py; `rows` refreshes it as that changes)
    OFFERED = {"other_map": lambda panel: "pooled" in panel._shapes}

    def __init__(self, view, **kw):
        super().__init__(view, **kw)
        self.picked: tuple[str, int, int] | None = None   # ("map" | "pooled", row, column) the learner chose
        self._hits: list[tuple] = []   # (which, left, top, rows, columns, scale, mono) of each map drawn
        self._shapes: dict = {}        # which → (rows, columns) of the maps in the picture now
        self._pooled = False           # whether a pooled map was in the picture last drawn
        self._view = None              # the window of the maps shown, where they do not fit whole

    # --- choosing a cell -------------------------------------------------------------------------
    def on_focus(self) -> None:
        """The first cell chosen is the one the kernel is on (the window stays where the learner was
        looking), or the map's first where no kernel is sliding."""
        if self.picked is None and self._shapes:
            self.picked = ("map", *self._kernel_cell())
            self._rebuild()

    def _kernel_cell(self) -> tuple[int, int]:
        where = self.frame.extras.get("focus") if self.frame is not None else None
        cell = getattr(where, "cell", None)
        if cell is None or where.op not in ("conv", "activation", "dK"):
            return 0, 0
        rows, cols = self._shapes["map"]
        return min(int(cell[0]), rows - 1), min(int(cell[1]), cols - 1)

    def chosen(self) -> tuple[str, int, int] | None:   # a lesson step's highlighted cell (CNNView), else the learner's
        return getattr(self.view, "lesson_cell", None) or self.picked

    def take_over(self) -> tuple[str, int, int] | None:   # a move starts from the cell shown: the lesson's is the learner's
        if getattr(self.view, "lesson_cell", None) is not None:
            self.picked, self.view.lesson_cell = self.view.lesson_cell, None
        return self.picked

    def action_move(self, dr: int, dc: int) -> None:
        which, r, c = self.take_over() or ("map", 0, 0)
        rows, cols = self._shapes.get(which, (1, 1))
        self.picked = (which, min(max(r + dr, 0), rows - 1), min(max(c + dc, 0), cols - 1))
        self._rebuild()

    def action_other_map(self) -> None:
        which, r, c = self.take_over() or ("map", 0, 0)
        other = "pooled" if which == "map" and "pooled" in self._shapes else "map"
        rows, cols = self._shapes.get(other, (1, 1))
        scale = 2 if other == "map" else 0.5
        self.picked = (other, min(int(r * scale), rows - 1), min(int(c * scale), cols - 1))
        self._rebuild()

    def on_click(self, event) -> None:
        at = event.get_content_offset(self)
        if at is None:
            return
        for which, left, top, rows, cols, scale, mono, r0, c0 in self._hits:
            x, y = at.x - left, at.y - top
            r, c = (y, x) if mono else ((2 * y) // scale, x // scale)
            if 0 <= x and 0 <= y and r < rows and c < cols:
                self.take_over()
                self.picked = (which, r0 + r, c0 + c)
                self._rebuild()
                return

    def _picked(self, shapes: dict) -> tuple[str, int, int] | None:
        """The chosen cell, kept inside the maps shown now (a layer with smaller maps, a pass without
        the pooled map)."""
        chosen = self.chosen()
        if chosen is None or not shapes:
            return None
        which, r, c = chosen
        if which not in shapes:
            which = "map"
        rows, cols = shapes[which]
        return which, min(r, rows - 1), min(c, cols - 1)

    # --- drawing ---------------------------------------------------------------------------------
    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "maps" not in ex or height < 3:
            return []
        mono = mono_of(self)
        l, f = ex["focus_layer"], ex["focus_kernel"]
        layer = ex["maps"]
        self._shapes = {"map": layer["a"].shape[1:]}
        if ex["facts"].pool != "none" and not ex["focus"].backward:
            self._shapes["pooled"] = layer["p"].shape[1:]
        if ("pooled" in self._shapes) != self._pooled:   # the stage changed: PgDn / PgUp offered or not
            self._pooled = "pooled" in self._shapes
            self.refresh_bindings()
        picked = self._picked(self._shapes)
        self._known = self._computed(ex, layer, f)
        arithmetic = self._arithmetic(ex, width) if ex["arithmetic"] else []
        value = [[(line, st.plain(bold=True))] for line in self._value(ex, picked, width)] if picked else []
        side = max(layer["x"].shape[1], layer["a"].shape[1])
        # without colour a pixel row is a line (no half blocks): the pictures whole come before the
        # arithmetic, which the math panel shows too; in colour all but 2 lines of them, up to 6 lines
        # (a window of 12 pixel rows of a large image still shows a stroke; an 8×8 one keeps its sum)
        tallest = side if mono else max(2, min(-(-side // 2) - 2, 6))
        if len(arithmetic) + len(value) + 2 + tallest > height:
            arithmetic = []
        room = height - 2 - len(arithmetic) - len(value)
        largest = _scale(side, room)
        # the kernel as numbers (what the arithmetic multiplies) at the largest scale they fit beside,
        # else as pixels
        tries = [(scale, 3) for scale in range(largest, 0, -1)] + [(scale, None) for scale in range(largest, 0, -1)]
        for scale, digits in tries:   # measured without drawing (pictures only take their room), then drawn
            blocks, kinds = self._blocks(ex, layer, l, f, scale, mono, digits, picked, measure=True)
            fits = sum(block_width(title, lines) + 2 for title, lines in blocks) - 2 <= width
            if fits:
                break
        view = None
        if not fits or max(len(lines) for _, lines in blocks) > room:   # too large even a pixel a cell: a window
            scale, (view, digits) = 1, self._fit_window(ex, layer, l, f, mono, picked, width, room)
        self._view = view
        self.set_titles(view.titles() if view is not None and view.cuts() else self.TITLES)
        blocks, kinds = self._blocks(ex, layer, l, f, scale, mono, digits, picked, view=view)
        out = cut(side_by_side(blocks, width), height - 1 - len(arithmetic) - len(value), width, mono)
        self._hits = _hits(blocks, kinds, width, scale, mono, self._shapes, view)
        out = out + arithmetic + value
        out.append([(self._caption(ex, l, f, width)[:width], st.plain(dim=True))])
        return out

    @staticmethod
    def _computed(ex, layer, f) -> dict:
        """Which cells of the kernel in focus's map and pooled map are computed for this image: all,
        except while a forward pass through the layer is under way (they fill in)."""
        progress = ex["focus"].progress
        a_shape, p_shape = layer["a"].shape[1:], layer["p"].shape[1:]
        a_known, p_known = np.ones(a_shape, bool), np.ones(p_shape, bool)
        if progress is not None and progress[0] == 0:     # the kernel is sliding: the map fills in
            a_known, p_known = filled(a_shape, progress[1], f, progress[2]), np.zeros(p_shape, bool)
        elif progress is not None:                        # the pool pass: its cells fill in
            p_known = filled(p_shape, progress[1], f, progress[2])
        return {"map": a_known, "pooled": p_known}

    def _value(self, ex, picked, width: int) -> list[str]:
        """The chosen cell's numbers, as the model's picture holds them, in a line or two."""
        which, r, c = picked
        v = cell_values(ex, which, r, c)
        f = v["kernel"]
        if not self._known[which][r, c]:
            text = f"◉ {which} {f} ({r},{c}): not computed yet for this image"
        elif which == "map":
            text = f"◉ map {f} ({r},{c}): z = {num(v['z'])}, a = {v['fn']}(z) = {num(v['a'])}"
            if ex["focus"].backward:
                text += f"; ∂L/∂a = {num(v['dL_da'])}, δ = ∂L/∂z = {num(v['delta'])}"
        else:
            text = f"◉ pooled {f} ({r},{c}) = {num(v['p'])}"
            if "winner" in v:
                text += f", the max, from map cell ({v['winner'][0]},{v['winner'][1]})"
        return textwrap.wrap(text, width, subsequent_indent="  ")[:2]

    def _fit_window(self, ex, layer, l, f, mono, picked, width, room):
        """The largest window of the maps whose pictures fit `width` and `room` lines a pixel a cell,
        around what the learner looks at; the kernel as numbers where that leaves a map window of 8
        columns or more (or the whole map), else as pixels. (window, digits)."""
        facts = ex["facts"]
        in_shape, map_shape = layer["x"].shape[1:], layer["a"].shape[1:]
        pooled_shape = layer["p"].shape[1:]
        lesson = getattr(self.view, "lesson_cell", None) is not None   # the window shows the cell the text quotes
        centre = viewport.centre(ex["focus"], picked, map_shape, self.has_focus or lesson)
        pixel_rows = room if mono else 2 * room

        def at(rows, cols):
            return viewport.window(facts, in_shape, map_shape, pooled_shape, rows, cols, centre)
        for digits in (3, None):
            blocks, kinds = self._blocks(ex, layer, l, f, 1, mono, digits, picked, measure=True)
            titles = [min(len(title), 16) for title, _ in blocks]
            kernel = block_width(*blocks[1])

            def wide(m):
                view = at(pixel_rows, m)
                parts = ["input", None] + [kind for kind in kinds[2:]]
                used = sum(kernel if part is None else max(len(view.of(part)[1]), titles[i], 1)
                           for i, part in enumerate(parts))
                return used + 2 * (len(blocks) - 1) <= width
            map_cols = viewport.largest(wide, map_shape[1])
            if digits is None or map_cols >= min(8, map_shape[1]) and wide(map_cols):
                return at(pixel_rows, map_cols), digits

    def _blocks(self, ex, layer, l, f, scale, mono, digits, picked, measure=False, view=None):
        """The pictures side by side, and what each is: "map" or "pooled" (a cell to choose) or None.
        `measure`: pictures as blank cells of their size (to find the scale that fits, cheaply);
        `view`: the window of each picture shown (viewport), where they do not fit whole."""
        K = ex["kernels"][f]
        channels = f" ch0/{K.shape[0]}" if K.shape[0] > 1 else ""
        pick = {which: {(r, c): "picked"} for which, r, c in [picked]} if picked else {}

        def picture(colours, marks, scale, mono, values, part="map"):
            if view is not None and part is not None:
                rows, cols = view.of(part)
                if measure:
                    values = values[rows.start:rows.stop, cols.start:cols.stop]
                else:
                    rgb, values, marks = _shown(colours(), values, marks, rows, cols)
                    colours = (lambda: rgb)
            if measure:
                h, w = values.shape[-2:]
                lines, cols = (h, w) if mono else (-(-h * scale // 2), w * scale)
                return [[(" " * cols, None)]] * lines
            return draw(colours(), marks, scale, mono, values)

        def kernel(title, values):
            if digits is not None:
                if measure:   # as wide as its widest number, without shading each cell
                    widest = max(len(num(x, digits)) for x in values.ravel().tolist())
                    return title, [[(" " * ((widest + 1) * values.shape[1] - 1), None)]] * values.shape[0]
                return title, numbers(values, digits)
            return title, picture(lambda: signed(values), {}, 2, mono, values, None)
        where = ex["focus"]
        if where.backward:
            dz = layer["dz"][f]
            hot = {where.cell} if where.op in ("mask", "dK") and where.cell else set()
            everywhere = np.ones(layer["p"].shape[1:], bool)
            routed = {} if measure else {**_winners(ex, layer, f, everywhere), **pick.get("map", {})}
            return ([_input_picture(ex, layer, scale, mono, picture),
                     kernel(f"∂K{f} so far{channels}", ex["grads"][f, 0]),
                     ("δ routed", picture(lambda: signed(layer["da"][f]), routed, scale, mono, layer["da"][f])),
                     ("δ = ∂L/∂z", picture(lambda: signed(dz), {**{c: "cell" for c in hot}, **pick.get("map", {})},
                                           scale, mono, dz))],
                    [None, None, "map", "map"])
        progress = where.progress
        a, p = layer["a"][f], layer["p"][f]
        a_known, p_known = self._known["map"], self._known["pooled"]
        a_marks: dict = {}
        p_marks: dict = {}
        if progress is not None and progress[0] == 0:     # the kernel is sliding: the map fills in
            a_marks = {progress[2]: "cell"}
        else:
            if progress is not None:                      # the pool pass: its cells fill in
                p_marks = {progress[2]: "cell"}
            a_marks = {} if measure else _winners(ex, layer, f, p_known)   # a measure draws no marks
        blocks = [_input_picture(ex, layer, scale, mono, picture),
                  kernel(f"kernel {f}{channels}", K[0]),
                  (f"map {f}", picture(lambda: signed(a, known=a_known), {**a_marks, **pick.get("map", {})}, scale, mono, a))]
        kinds = [None, None, "map"]
        if ex["facts"].pool != "none":
            blocks.append(("pooled", picture(lambda: signed(p, known=p_known), {**p_marks, **pick.get("pooled", {})},
                                             scale, mono, p, "pooled")))
            kinds.append("pooled")
        return blocks, kinds

    @staticmethod
    def _arithmetic(ex, width) -> list[Cells]:
        """The position in hand in numbers: window × kernel = products, their sum, + b = z → a; or, for
        ∂K, window × δ added to ∂K (as many blocks as fit)."""
        v = ex["arithmetic"]
        k = v["size"]
        per = k * k
        window = np.array(v["window"][:per]).reshape(k, k)   # the first channel
        if v["op"] == "dK":
            parts = [f"∂K += window·δ at {(v['r'], v['c'])}"]
            grids = [("window", window), (f"× δ {num(v['delta'])} → ∂K", np.array(v["total"][:per]).reshape(k, k))]
        else:
            parts = [f"Σ = {num(v['sum'])}", f"  + b {fac(v['bias'])}", f"  = z {num(v['z'])}"]
            if "a" in v:
                parts.append(f"  → {v['fn']} → a {num(v['a'])}")
            grids = [("window", window), ("× kernel =", np.array(v["products"][:per]).reshape(k, k))]
        text = "".join(parts)
        blocks = [(title, numbers(values)) for title, values in grids]
        lines = side_by_side(blocks, width)
        if not lines or width_of(lines) + len(text) + 2 > width:
            # below the grids, on as many lines as it takes: a part never cut (a 0.000, not "a 0.")
            said: list[str] = [""]
            for part in parts:
                if said[-1] and len(said[-1]) + len(part) > width:
                    said.append(part.lstrip())
                else:
                    said[-1] += part
            return lines + [[(line[:width], st.plain(bold=True))] for line in said] if lines else []
        middle = len(lines) // 2
        lines[middle] = lines[middle] + [(" " + text, st.plain(bold=True))]
        return lines

    @staticmethod
    def _caption(ex, l, f, width: int) -> str:
        """Where the pictures stand: layer, kernel, cell, the image; shorter forms where it is narrow."""
        focus = ex["focus"]
        cell = ""
        if focus.cell is not None:
            cell = f" · {'pooled cell' if focus.op in ('pool', 'pool_back') else 'position'} {focus.cell}"
        label = ex["names"][ex["label"]]
        now = "" if focus.inside else ", weights now"
        options = (f"layer {l + 1}/{ex['n_conv']} · kernel {f}{cell} · image #{ex['sample']} ({label}){now}",
                   f"layer {l + 1} · kernel {f}{cell} · #{ex['sample']} ({label}){now}",
                   f"L{l + 1} K{f}{cell.replace(' · position', ' at').replace(' · pooled cell', ' pooled')}"
                   f" · #{ex['sample']} ({label}){now}")
        return next((text for text in options if len(text) <= width), options[-1])
