"""The code plane: every test input drawn where the encoder puts it (its first two code units; a
one-unit code along a line, one row per class), as the digit of its class in that class's colour,
so that classes the bottleneck keeps apart show as clusters and move as it trains. The glyph is the
class, so it reads without colour (NO_COLOR). The codes are the model's (AE.inspect: test_codes).

PgDn / PgUp turns it into the decoded grid (decoded_grid.py): what the decoder makes of a grid of
points across the same plane. One grid point is picked (◉ on the codes, ◀ by its tile; Tab here,
then ↑ ↓ ⇧← ⇧→, or a click) and its decoding is drawn beside the plane with its code."""
from functools import lru_cache

import numpy as np
from rich.style import Style
from textual.binding import Binding

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae import decoded_grid as dg
from dlsim.tui.widgets.ae.spans import Span, span_forms, titled_spans
from dlsim.tui.widgets.data.decision import DecisionPlot
from dlsim.tui.widgets.panel import Cells, Panel, UiState, cell_moves

PALETTE = ((79, 158, 222), (240, 138, 56), (120, 200, 120), (220, 90, 90), (180, 140, 230),
           (200, 170, 90), (230, 130, 200), (150, 150, 150), (200, 210, 80), (90, 200, 210))
GLYPHS = "0123456789ABCDEFGHIJ"


@lru_cache(maxsize=64)
def _style(k: int, mono: bool) -> Style:
    """A class's ink (made once: each of the plane's few hundred points asks for it every frame)."""
    return st.plain() if mono else Style(color=st.rgb(PALETTE[k % len(PALETTE)]), bold=True)


class CodePlane(Panel):
    READING = (("code plane", "each test input at its code (the bottleneck's outputs), drawn as its class;\n"
                              "the classes the code keeps apart form their own clusters"),
               ("decoded grid", "PgDn / PgUp: the decoder's output at a grid of points across the plane;\n"
                                "Tab here, then ↑ ↓ ⇧← ⇧→ (or click) picks a point: ◉, its decoding beside"))
    can_focus = True
    BINDINGS = [*cell_moves("code 2", "code 1"),
                Binding("pagedown,pageup", "switch", "codes / decoded grid", show=False)]

    def __init__(self, view, **kw):
        super().__init__(view, **kw)
        self.picked: tuple[int, int] | None = None   # (row, column) of the grid point the learner chose
        self.decoded_view = False                    # the decoded grid instead of the codes
        self.shown: tuple[np.ndarray, np.ndarray] | None = None   # (code, decoding) drawn beside

    # --- the grid's size is the panel's: the view asks the model for that grid -----------------------
    def on_resize(self) -> None:
        ex = self.frame.extras if self.frame is not None else {}
        shape = dg.grid_shape(self.size.width, self.size.height, ex.get("side"), ex.get("code_units", 2),
                              getattr(self.app, "no_color", False))
        if shape != self.view.grid_size:
            self.view.grid_size = shape
            self.post_message(DecisionPlot.Resized())   # the shell draws a fresh frame at the new size
        super().on_resize()

    def action_move(self, dr: int, dc: int) -> None:
        r, c = self.picked or (0, 0)
        self.picked = (r + dr, c + dc)
        self._rebuild()

    def action_switch(self) -> None:
        self.decoded_view = not self.decoded_view
        self._rebuild()

    def on_click(self, event) -> None:
        at = event.get_content_offset(self)
        grid = self.frame.extras.get("grid") if self.frame is not None else None
        if at is None or grid is None:
            return
        down, across = grid[0].shape[:2]
        plane = dg.plane_width(self.size.width)
        if at.x < plane:
            self.picked = (at.y * down // max(self.size.height, 1), at.x * across // plane)
            self._rebuild()

    def _pick(self, down: int, across: int) -> tuple[int, int]:
        r, c = self.picked if self.picked is not None else (down // 2, across // 2)
        self.picked = (min(max(r, 0), down - 1), min(max(c, 0), across - 1))
        return self.picked

    # --- drawing -------------------------------------------------------------------------------
    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        codes, grid = ex.get("codes"), ex.get("grid")
        if codes is None or len(codes) == 0 or width < 4 or height < 2:
            return []
        mono = getattr(self.app, "no_color", False)
        plane = dg.plane_width(width) if grid is not None else width
        picked = self._pick(*grid[0].shape[:2]) if grid is not None else None
        if self.decoded_view and grid is not None:
            left, spans = self._decoded(ex, grid, picked, mono, plane, height)
        else:
            left, spans = self._codes(ex, codes, grid, picked, mono, plane, height)
        if spans is None:
            return left
        if self.decoded_view:
            titles = ("decoded grid · PgDn: the codes", "decoded grid · PgDn: codes")
            together = titled_spans("decoded grid", "PgDn: the codes", "PgDn: codes", spans)
        else:   # at 120×40 in words; narrower, the keys are kept and the words cut
            titles = (f"code plane · {ex.get('codes_of', 'test')} inputs by class · {codes.shape[1]}-unit code · "
                      "Tab PgDn: decoded grid",
                      "code plane · Tab PgDn: decoded grid")
            together = titled_spans("code plane", "Tab PgDn: decoded grid", "PgDn: grid", spans)
        self.set_titles(titles, span_forms(spans)[0], together)
        if plane == width:
            return left
        point, decoding = grid[0][picked], grid[1][picked]
        self.shown = (point, decoding)
        side = dg.picked_decoding(point, decoding, ex["side"], mono, height)
        out = []
        for y in range(height):
            row = list(left[y]) if y < len(left) else []
            row += [(" ", None)] * (plane - sum(len(t) for t, _ in row)) + [(" ", None)]
            out.append(row + (side[y] if y < len(side) else []))
        return out

    def _decoded(self, ex, grid, picked, mono, width, height):
        points, decoded = grid
        if ex["side"] is None:
            return dg.dots(points, decoded, ex["data"], picked, mono, width, height)
        (lo_x, hi_x), (lo_y, hi_y) = ex["span"]
        return (dg.tiles(decoded, ex["side"], picked, mono, width, height),
                _code_spans(lo_x, hi_x, lo_y, hi_y, points.shape[-1]))

    def _codes(self, ex, codes, grid, picked, mono, width, height):
        labels = ex["labels"]
        x = codes[:, 0]
        y = codes[:, 1] if codes.shape[1] > 1 else labels.astype(float)
        finite = np.isfinite(x) & np.isfinite(y)
        if not finite.any():
            return [[("the codes are not finite numbers", st.plain())]], None
        lo_x, hi_x, lo_y, hi_y = x[finite].min(), x[finite].max(), y[finite].min(), y[finite].max()
        spans = _code_spans(lo_x, hi_x, lo_y, hi_y, codes.shape[1])
        cx = np.rint((x - lo_x) / max(hi_x - lo_x, 1e-12) * (width - 1)).astype(np.int64)
        cy = np.rint((hi_y - y) / max(hi_y - lo_y, 1e-12) * (height - 1)).astype(np.int64)
        grid_cells: list[Cells] = [[(" ", None)] * width for _ in range(height)]
        for k in np.flatnonzero(finite):
            c = int(labels[k])
            grid_cells[cy[k]][cx[k]] = (GLYPHS[c % len(GLYPHS)], _style(c, mono))
        if picked is not None:   # the picked grid point, where the codes are drawn
            p = grid[0][picked]
            px = int(np.clip(np.rint((p[0] - lo_x) / max(hi_x - lo_x, 1e-12) * (width - 1)), 0, width - 1))
            py = (int(np.clip(np.rint((hi_y - p[1]) / max(hi_y - lo_y, 1e-12) * (height - 1)), 0, height - 1))
                  if codes.shape[1] > 1 else 0)
            grid_cells[py][px] = ("◉", st.plain(bold=True) if mono else st.plain(bold=True, reverse=True))
        return grid_cells, spans


def _code_spans(lo_x, hi_x, lo_y, hi_y, units: int) -> list[Span]:
    """What the plane's axes span: code 1 across, code 2 up (a one-unit code's rows are classes)."""
    return [("code 1", "z₁", lo_x, hi_x)] + ([("code 2", "z₂", lo_y, hi_y)] if units > 1 else [])
