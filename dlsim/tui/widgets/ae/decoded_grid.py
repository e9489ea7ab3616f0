"""The decoded grid: what the decoder makes of a grid of points across the code plane, each point's
decoding drawn in its cell — an 8×8 digit as a small image tile (at half resolution where the panel
is short; without colour a pixel row a line, so a tile is twice as tall), a 2-D point as a dot
where it lands in the data plane — and the picked point's decoding beside it, large, with its code.
The decodings are the model's (AE.decoded_grid, through its kernels); this only lays them out."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae.pictures import fit, image_rows
from dlsim.tui.widgets.ae.spans import Span
from dlsim.tui.widgets.panel import Cells

FULL, HALF = (9, 5), (5, 3)   # a tile's cells (columns, rows) with its gap: 8×8 pixels, or 4×4, in colour
POINT_CELL = (4, 2)           # a grid point's cell for 2-D decodings
STRIP = 18                    # columns beside the plane for the picked point's decoding


def tile_cell(side: int | None, height: int, mono: bool = False) -> tuple[int, int]:
    """A grid point's cell (columns, rows): the full 8×8 tile where three rows of them fit, else the
    4×4 one; without colour a tile's pixel rows are lines of their own (twice the rows)."""
    if side is None:
        return POINT_CELL
    full, half = ((FULL[0], 2 * FULL[1] - 1), (HALF[0], 2 * HALF[1] - 1)) if mono else (FULL, HALF)
    return full if height // full[1] >= 3 else half


def grid_shape(width: int, height: int, side: int | None, code: int, mono: bool = False) -> tuple[int, int]:
    """(across, down): the grid points a plane of these cells holds (one row for a 1-unit code)."""
    w, h = tile_cell(side, height, mono)
    plane = plane_width(width)
    return max(1, plane // w), 1 if code == 1 else max(1, height // h)


def plane_width(width: int) -> int:
    return width - STRIP - 1 if width - STRIP - 1 >= 12 else width


def _shrunk(image: np.ndarray) -> np.ndarray:
    """An 8×8 image at 4×4: the mean of each 2×2 block."""
    r, c = image.shape
    return image.reshape(r // 2, 2, c // 2, 2).mean(axis=(1, 3))


def tiles(decoded: np.ndarray, side: int, picked, mono: bool, width: int, height: int) -> list[Cells]:
    """Every grid point's decoding as an image tile (down, across, side²), the picked one's title mark."""
    down, across = decoded.shape[:2]
    w, h = tile_cell(side, height, mono)
    out: list[Cells] = []
    for r in range(down):
        pics = []
        for c in range(across):
            image = decoded[r, c].reshape(side, side)
            pics.append(image_rows(image if w == FULL[0] else _shrunk(image), 1.0, mono, 1))
        for line in range(h - 1):
            cells: Cells = []
            for c, pic in enumerate(pics):
                mark = (r, c) == picked
                if line < len(pic):
                    cells += pic[line]
                cells.append(("◀" if mark and line == 0 else " ", st.plain(bold=True)))
            out.append(cells)
        out.append([(" ", None)])
    return out[:height]


def dots(points: np.ndarray, decoded: np.ndarray, data: np.ndarray, picked, mono: bool, width: int,
         height: int) -> tuple[list[Cells], list[Span]]:
    """Each grid point's 2-D decoding as ∘ in the data plane (the data as dim ·), the picked one ◉."""
    flat = decoded.reshape(-1, decoded.shape[-1])
    both = np.concatenate([flat, data]) if len(data) else flat
    both = both[np.isfinite(both).all(axis=1)]
    lo, hi = both.min(axis=0), both.max(axis=0)
    grid: list[Cells] = [[(" ", None)] * width for _ in range(height)]

    def put(p, glyph, style):
        x = int(np.rint((p[0] - lo[0]) / max(hi[0] - lo[0], 1e-12) * (width - 1)))
        y = int(np.rint((hi[1] - p[1]) / max(hi[1] - lo[1], 1e-12) * (height - 1)))
        grid[y][x] = (glyph, style)
    for p in data:
        put(p, "·", st.plain(dim=True))
    down, across = decoded.shape[:2]
    for r in range(down):
        for c in range(across):
            if np.isfinite(decoded[r, c]).all():
                put(decoded[r, c], "◉" if (r, c) == picked else "∘",
                    st.plain(bold=True) if mono or (r, c) != picked else st.ink(1, st.LEVELS, bold=True))
    return grid, [("x̂ 1", "x̂₁", lo[0], hi[0]), ("x̂ 2", "x̂₂", lo[1], hi[1])]   # the data plane's spans


def picked_decoding(point: np.ndarray, decoding: np.ndarray, side: int | None, mono: bool,
                    height: int) -> list[Cells]:
    """The picked point's code and its decoding: the image (two columns a pixel), or the numbers; cut
    to `height` lines, saying so."""
    head = [[("decoded at", st.plain(dim=True))],
            [(("z = (" + ", ".join(num(v, 2) for v in point) + ")")[:STRIP], st.plain())]]
    if side is None:
        return head + [[(f"x̂{k + 1} = {num(v, 3)}"[:STRIP], st.plain())] for k, v in enumerate(decoding)]
    return fit(head + image_rows(decoding.reshape(side, side), 1.0, mono, 2), height, STRIP)
