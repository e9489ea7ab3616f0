"""Every kernel of the layer in focus, as pixels, above its feature map for the image in hand."""
import numpy as np

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.image.pixels import block_width, picture, side_by_side, signed
from dlsim.tui.widgets.image.stage import filled, mono_of
from dlsim.tui.widgets.panel import Cells, Panel, UiState


class KernelsPanel(Panel):
    READING = (("kernels", "each kernel of the layer in focus as pixels (blue +, orange −), above its\n"
                           "feature map for this image (◂ the kernel in focus)"),)

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
        out: list[Cells] = []
        for start in range(0, F, across):
            out.extend(side_by_side(tiles[start:start + across], width))
        if len(out) > height:   # the kernels that fit, and how many do not
            shown = (height - 1) // tile_h * across
            out = out[:(height - 1) // tile_h * tile_h] + [[(f"… {F - shown} more kernels", st.plain(dim=True))]]
        return out
