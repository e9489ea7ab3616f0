"""Images in character cells: in colour two pixels a cell (half blocks), each pixel two columns wide
(a square pixel: an 8×8 digit is 16 columns by 4 rows) where there is room, else one. Without colour
(NO_COLOR) a glyph holds one value, so each pixel is a shade glyph `░▒▓█` (`·-=≡` below 0) and each
pixel row a line of its own: the 8×8 digit is 8 lines, none merged. A row of images side by side,
each under its title, wrapped to the width. Values in [0, 1] in grey steps (`levels` about 0);
weights blue (+) and orange (−) about 0. Where a panel is too short for every line, `fit` keeps the
first and says how many rows are out of view."""
import numpy as np

from dlsim.tui.widgets import halfblock as hb
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells

HEADING = st.plain(dim=True)   # a heading's and the pictures' names' style


def image_rows(image: np.ndarray, scale: float, mono: bool, wide: int = 2) -> list[Cells]:
    """One image (rows, cols) as cells: `wide` columns a pixel; 2 pixel rows a line in colour, 1 without."""
    wide = np.repeat(image, wide, axis=1)
    sign, level = hb.levels(wide, 0.0, scale)
    return hb.shade_pixels(sign, level) if mono else hb.colour_rows(sign, level)


def lines_of(rows: int, mono: bool) -> int:
    """The lines an image of `rows` pixel rows takes (image_rows)."""
    return rows if mono else -(-rows // 2)


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
            title += [((" " if k else "") + name[:side].ljust(side), HEADING)]
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


def fit(lines: list[Cells], height: int, width: int) -> list[Cells]:
    """The lines that fit in `height`; where some do not, the last of them says how many rows are
    out of view (a picture's rows are cut, never merged to fit: a merged digit reads wrong). The cut
    comes before headings it would leave with no picture under them."""
    if len(lines) <= height:
        return lines
    if height <= 0:
        return []
    keep = height - 1
    while keep > 0 and _heading(lines[keep - 1]):
        keep -= 1
    return lines[:keep] + [[(st.rows_out_of_view(len(lines) - keep, width), HEADING)]]


def _heading(line: Cells) -> bool:
    """Whether a line is a heading or the names over pictures: all its text in the dim heading
    style (a picture's glyphs are never dim)."""
    styles = [style for text, style in line if text.strip()]
    return bool(styles) and all(style == HEADING for style in styles)
