"""Every kernel of the layer in focus, as pixels, above its feature map for the image in hand."""
from dataclasses import dataclass

import numpy as np

from dlsim.tui.widgets.image.pixels import picture, side_by_side, signed_each
from dlsim.tui.widgets.image.stage import cut, filled, mono_of
from dlsim.tui.widgets.image.paging import Paged
from dlsim.tui.widgets.image.viewport import span
from dlsim.tui.widgets.panel import Cells, UiState


class KernelsPanel(Paged):
    READING = (("kernels", "each kernel of the layer in focus as pixels (blue +, orange −; without colour\n"
                           "░▒▓█ / ·-=≡, and beside its map where a line a row leaves no room above it), above its\n"
                           "feature map for this image (◂ the kernel in focus); when not all fit, a page\n"
                           "at a time: the page with the kernel in focus (or the selected weight's), click\n"
                           "or PgDn for the next"),)

    def __init__(self, view, **kw):
        super().__init__(view, **kw)
        self._followed = None   # the kernel the page last followed: a new one turns to its page

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "maps" not in ex or height < 3:
            return []
        fit = tile_layout(ex, width, height, mono_of(self))
        F = ex["kernels"].shape[0]
        self.pages = -(-F // fit.per_page)
        followed = self._kernel_to_follow(ex, ui)
        if followed is not None and followed != self._followed:
            self.page = followed // fit.per_page
        self._followed = followed
        self.page %= self.pages
        which, lines = kernel_page(ex, fit, self.page, width)
        name = "kernels · their maps"
        if fit.view is not None:   # which part of the maps the window shows, where the title has room
            rows, cols = fit.view
            name += f" (rows {rows.start}–{rows.stop - 1}, cols {cols.start}–{cols.stop - 1})"
        self.set_titles(self.paged_title(name, f"{which} of {F}", width))
        return cut(lines, height, width, fit.mono)

    @staticmethod
    def _kernel_to_follow(ex, ui: UiState) -> int | None:
        """The kernel the last event is about, else the one whose weight is selected in the heatmap."""
        if ex["focus"].inside:
            return ex["focus_kernel"]
        selected = ui.selected
        if selected is not None and selected[0] == f"layer[{ex['focus_layer']}].K":
            return selected[1][0]
        if selected is not None and selected[0] == f"layer[{ex['focus_layer']}].b":
            return selected[1][0]
        return None


@dataclass(frozen=True)
class TileLayout:
    """How the kernels' tiles (a kernel above its map, or beside it) fit a panel: their scale, the
    gap between kernel and map, how many across and how many a page."""
    scale: int
    gap: int
    across: int
    per_page: int
    mono: bool
    beside: bool = False
    view: tuple[range, range] | None = None   # the map's rows and columns shown, where it does not fit whole


def tile_layout(ex, width: int, height: int, mono: bool) -> TileLayout:
    K, a = ex["kernels"], ex["maps"]["a"]
    F, k, (ho, wo) = K.shape[0], K.shape[-1], a.shape[1:]

    def size(side_h, side_w, scale):   # (lines, columns) of a picture: see pixels.picture
        return (side_h, side_w) if mono else (-(-side_h * scale // 2), side_w * scale)
    def layout(scale, gap, beside):
        (kh, kw), (mh, mw) = size(k, k, scale), size(ho, wo, scale)
        tile_h = 1 + (max(kh, mh) if beside else kh + gap + mh)
        across = max(1, width // ((kw + gap + mw if beside else max(kw, mw, 3)) + 2))
        return TileLayout(scale, gap, across, max(1, height // tile_h) * across, mono, beside), tile_h

    # a blank line between kernel and map if it fits; without colour (a line a pixel row) the kernel
    # beside its map where a tile of the two above each other would not fit: every map row kept
    tries = [layout(*t) for t in ((3, 1, False), (2, 1, False), (1, 1, False), (1, 0, False))]
    if mono:
        tries = [t for t in tries if t[1] <= height] + [layout(1, 1, True)]
    everything = [fit for fit, tile_h in tries if -(-F // fit.across) * tile_h <= height]
    if everything:
        return everything[0]
    smallest, tile_h = tries[0] if mono else tries[-1]   # paged: without colour the first whole tile, else the smallest
    kw = size(k, k, smallest.scale)[1]
    if tile_h > height or (kw + smallest.gap + wo * smallest.scale if smallest.beside else max(kw, wo)) > width:
        return _windowed(ex, width, height, mono)
    return smallest


def _windowed(ex, width: int, height: int, mono: bool) -> TileLayout:
    """One kernel a page, beside a window of its map (a 28×28 image's maps at 80×24): as many rows
    and columns as the panel holds, around the kernel's position in hand (else the map's middle)."""
    K, a = ex["kernels"], ex["maps"]["a"]
    k, (ho, wo) = K.shape[-1], a.shape[1:]
    kw = k
    lines = max(1, height - 1)
    cell = ex["focus"].cell if ex["focus"].op in ("conv", "activation", "mask", "dK") else None
    centre = cell or (ho // 2, wo // 2)
    rows = span(ho, lines if mono else 2 * lines, centre[0])
    cols = span(wo, max(1, width - kw - 2), centre[1])   # a blank column before the next panel
    return TileLayout(1, 1, 1, 1, mono, True, (rows, cols))


def kernel_page(ex, fit: TileLayout, page: int, width: int) -> tuple[str, list[Cells]]:
    """Page `page` of the kernels: which ones ("K0–K2") and their tiles' lines (only that page drawn)."""
    K, a = ex["kernels"], ex["maps"]["a"]
    F = K.shape[0]
    progress = ex["focus"].progress
    first = page * fit.per_page
    shown = range(first, min(F, first + fit.per_page))
    which = f"K{shown[0]}" if len(shown) == 1 else f"K{shown[0]}–K{shown[-1]}"
    known = np.ones((len(shown),) + a.shape[1:], bool)
    if progress is not None and progress[0] == 0:
        known = np.stack([filled(a.shape[1:], progress[1], f, progress[2]) for f in shown])
    means = K[shown.start:shown.stop].mean(axis=1)
    maps = a[shown.start:shown.stop]
    if fit.view is not None:   # the window of each map the panel holds
        rows, cols = fit.view
        maps, known = maps[:, rows.start:rows.stop, cols.start:cols.stop], known[:, rows.start:rows.stop, cols.start:cols.stop]
    kernel_colours, map_colours = signed_each(means), signed_each(maps, known=known)
    tiles = []
    for i, f in enumerate(shown):
        kernel = picture(kernel_colours[i], {}, fit.scale, fit.mono, means[i])
        fmap = picture(map_colours[i], {}, fit.scale, fit.mono, maps[i])
        lines = _beside(kernel, fmap, fit.gap) if fit.beside else kernel + [[]] * fit.gap + fmap
        tiles.append((f"K{f}" + ("◂" if f == ex["focus_kernel"] else ""), lines))
    out: list[Cells] = []
    for start in range(0, len(tiles), fit.across):
        out.extend(side_by_side(tiles[start:start + fit.across], width))
    return which, out


def _beside(kernel: list[Cells], fmap: list[Cells], gap: int) -> list[Cells]:
    """The kernel's lines left of its map's, `gap` columns between."""
    wide = max((sum(len(text) for text, _ in line) for line in kernel), default=0) + gap
    out = []
    for y in range(max(len(kernel), len(fmap))):
        left = kernel[y] if y < len(kernel) else []
        pad = wide - sum(len(text) for text, _ in left)
        out.append(left + [(" " * pad, None)] + (fmap[y] if y < len(fmap) else []))
    return out
