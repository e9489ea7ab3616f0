"""Images drawn two pixels per character cell, each pixel two columns wide (a square pixel: an 8×8
digit is 16 columns by 4 rows) where there is room, else one. A row of images side by side, each under its title, wrapped to the
width. Values in [0, 1] in grey steps (`levels` about 0); weights blue (+) and orange (−) about 0.
Without colour, shade glyphs `░▒▓█` (and `·-=≡` below 0) carry the same values."""
import numpy as np

from dlsim.tui.widgets import halfblock as hb
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells


def image_rows(image: np.ndarray, scale: float, mono: bool, wide: int = 2) -> list[Cells]:
    """One image (rows, cols) as cells: `wide` columns per pixel, 2 pixel rows per cell row."""
    wide = np.repeat(image, wide, axis=1)
    sign, level = hb.levels(wide, 0.0, scale)
    return hb.shade_rows(sign, level) if mono else hb.colour_rows(sign, level)


def tiled(images: list[tuple[str, np.ndarray]], scale: float, mono: bool, width: int, wide: int | None = None
          ) -> list[Cells]:
    """Images side by side under their titles (one blank column between), wrapped to `width`; each
    pixel `wide` columns (None: two where they all fit in one row, else one)."""
    if not images:
        return []
    if wide is None:
        wide = 2 if len(images) * (images[0][1].shape[1] * 2 + 1) - 1 <= width else 1
    side = images[0][1].shape[1] * wide
    per_row = max(1, (width + 1) // (side + 1))
    out: list[Cells] = []
    for start in range(0, len(images), per_row):
        group = images[start:start + per_row]
        title: Cells = []
        for k, (name, _) in enumerate(group):
            title += [((" " if k else "") + name[:side].ljust(side), st.plain(dim=True))]
        out.append(title)
        pictures = [image_rows(img, scale, mono, wide) for _, img in group]
        for r in range(len(pictures[0])):
            line: Cells = []
            for k, pic in enumerate(pictures):
                if k:
                    line.append((" ", None))
                line += pic[r]
            out.append(line)
    return out
