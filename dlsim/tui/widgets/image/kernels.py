"""Every kernel of the layer in focus, as pixels, above its feature map for the image in hand."""
import numpy as np

from dlsim.tui.widgets.image.pixels import picture, side_by_side, signed_each
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
        k, (ho, wo) = K.shape[-1], a.shape[1:]

        def size(side_h, side_w, scale):   # (lines, columns) of a picture: see pixels.picture
            return (side_h, side_w) if mono else (-(-side_h * scale // 2), side_w * scale)
        for scale, gap in ((3, 1), (2, 1), (1, 1), (1, 0)):   # a blank line between kernel and map if it fits
            (kh, kw), (mh, mw) = size(k, k, scale), size(ho, wo, scale)
            tile_h = 1 + kh + gap + mh
            tile_w = max(kw, mw, 3) + 2
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
        which = f"K{shown[0]}" if len(shown) == 1 else f"K{shown[0]}–K{shown[-1]}"
        self.set_titles(self.paged_title("kernels · their maps", f"{which} of {F}", width))
        tiles = []
        known = np.ones((len(shown),) + a.shape[1:], bool)
        if progress is not None and progress[0] == 0:
            known = np.stack([filled(a.shape[1:], progress[1], f, progress[2]) for f in shown])
        means = K[shown.start:shown.stop].mean(axis=1)
        kernel_colours, map_colours = signed_each(means), signed_each(a[shown.start:shown.stop], known=known)
        for i, f in enumerate(shown):   # only the page shown is drawn
            kernel = picture(kernel_colours[i], {}, scale, mono, means[i])
            fmap = picture(map_colours[i], {}, scale, mono, a[f])
            tiles.append((f"K{f}" + ("◂" if f == ex["focus_kernel"] else ""), kernel + [[]] * gap + fmap))
        out: list[Cells] = []
        for start in range(0, len(tiles), across):
            out.extend(side_by_side(tiles[start:start + across], width))
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
