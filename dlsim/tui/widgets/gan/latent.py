"""The generator's map of the latent space: the image G draws of a grid of z (a 2-D z: its rows
in blue, its columns in orange; a 1-D z: one line), in braille, over the real points (dim dots),
on the data plane's axes. Where the grid folds over itself, G sends different z to the same place:
mode collapse shows as a grid squeezed into a few spots."""
import numpy as np

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.gan.mesh_lines import mesh_canvas
from dlsim.tui.widgets.panel import Cells, Panel, UiState

INK = {0: st.plain(dim=True), 1: st.ink(1, 6), 2: st.ink(-1, 6)}   # real points, z rows, z columns


class LatentMap(Panel):
    READING = (("G's map", "the image of a grid of z under G (rows blue, columns orange; one line for a 1-D z)\n"
                           "over the real points: a fold is where G sends different z to one place"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        mesh, ext = ex.get("mesh"), ex.get("extent")
        if mesh is None or ext is None or width < 2 or height < 1:
            return []
        x0, x1, y0, y1 = ext
        canvas = Braille(width, height)
        dw, dh = canvas.size_dots

        def dots(points):
            return (points[..., 0] - x0) / (x1 - x0) * (dw - 1), (y1 - points[..., 1]) / (y1 - y0) * (dh - 1)
        mx, my = dots(mesh)   # (n, n) for a 2-D z, (n,) for a 1-D one
        if mesh.ndim == 2:
            lines, keys = (mx[None], my[None]), [1]
        else:   # row 0, column 0, row 1, column 1, …: the order the strokes are drawn in
            n = mesh.shape[0]
            lines = (np.stack([mx, mx.T], axis=1).reshape(2 * n, -1), np.stack([my, my.T], axis=1).reshape(2 * n, -1))
            keys = [1, 2] * n
        mesh_canvas(canvas, dots(ex["X"]), lines, keys)
        return [canvas.cells(row, INK) for row in range(canvas.height)]
