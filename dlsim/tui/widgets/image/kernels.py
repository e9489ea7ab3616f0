"""Every kernel of the layer in focus, as pixels, above its feature map for the image in hand."""
import numpy as np

from dlsim.tui.widgets.image.pixels import block_width, picture, side_by_side, signed
from dlsim.tui.widgets.image.stage import filled, mono_of
from dlsim.tui.widgets.image.paging import Paged
from dlsim.tui.widgets.panel import Cells, UiState


class KernelsPanel(Paged):
    READING = (("kernels", "each kernel of the layer in focus as pixels (blue +, orange −), above its\n"
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
        mono = mono_of(self)
        K = ex["kernels"]
        F = K.shape[0]
        a = ex["maps"]["a"]
        progress = ex["focus"].progress
        for scale, gap in ((3, 1), (2, 1), (1, 1), (1, 0)):   # a blank line between kernel and map if it fits
            tiles = []
            for f in range(F):
                known = np.ones(a.shape[1:], bool)
                if progress is not None and progress[0] == 0:
                    known = filled(a.shape[1:], progress[1], f, progress[2])
                kernel = picture(signed(K[f].mean(axis=0)), {}, scale, mono, K[f].mean(axis=0))
                fmap = picture(signed(a[f], known=known), {}, scale, mono, a[f])
                tiles.append((f"K{f}" + ("◂" if f == ex["focus_kernel"] else ""), kernel + [[]] * gap + fmap))
            tile_h = 1 + max(len(lines) for _, lines in tiles)
            tile_w = max(block_width(title, lines) for title, lines in tiles) + 2
            across = max(1, width // tile_w)
            if -(-F // across) * tile_h <= height:
                break
        per_page = max(1, height // tile_h) * across
        self.pages = -(-F // per_page)
        followed = self._kernel_to_follow(ex, ui)
        if followed is not None and followed != self._followed:
            self.page = followed // per_page
        self._followed = followed
        self.page %= self.pages
        first = self.page * per_page
        shown = range(first, min(F, first + per_page))
        self.set_titles(self.paged_title("kernels · their maps", (f"K{shown[0]}" if len(shown) == 1 else f"K{shown[0]}–K{shown[-1]}") + f" of {F}", width))
        out: list[Cells] = []
        for start in range(shown.start, shown.stop, across):
            out.extend(side_by_side(tiles[start:min(start + across, shown.stop)], width))
        return out[:height]

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
