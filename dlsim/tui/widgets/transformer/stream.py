"""The residual stream, position × dimension, entering each block and leaving the last: a row per
position, a shaded glyph per dimension (░▒▓█ positive, ·-=≡ negative, so NO_COLOR still reads), all
on one scale (±, in the title). The stages stand side by side as many as the width allows, their
lines one above the other as many as the height allows (the latest stages first to stay); the panel
is as tall as they need (T + 1 rows for one block at 80 columns), and the curves below get the
rest. Where one line of stages is taller than MOST of the column (a 16-token poem at 80×24), it
shows a window of the positions, around the one in hand (or the query the learner selected: ↑ ↓ move
it, as the attention's rows), and says which in its title ("pos 4–13/16"): the curves keep a
readable plot. Every number is the model's (Transformer.inspect)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.timeline.heat import glyphs
from dlsim.tui.widgets.transformer.symbols import shown_symbol

DIM = st.plain(dim=True)
IN_HAND = st.plain(bold=True, reverse=True)
LABEL = 3   # a row's label: "▶7 " (the position in hand's mark and its token)
MOST = 0.6  # of the column's rows: the curves under it keep the rest
FEWEST = 3  # rows of a window of positions: the stages' names and two positions
CURVES = 7  # rows the curves under it keep at least (transformer.tcss: their min-height)


def stage_title(s: int, room: int) -> str:
    """A stage's name in `room` characters: the longest of its names that fits."""
    names = ("embeddings", "embed", "in") if s == 0 else (f"after block {s - 1}", f"block {s - 1}", f"b{s - 1}")
    return next((name for name in names if len(name) <= room), names[-1][:room])


def window(T: int, rows: int, focus: int) -> range:
    """`rows` positions of T (all where they fit), `focus` among them, as near the middle as it goes."""
    rows = max(1, min(T, rows))
    top = max(0, min(T - rows, focus - rows // 2))
    return range(top, top + rows)


def per_line(stages: int, D: int, width: int) -> int:
    """How many stages stand side by side in `width` characters (a column between two)."""
    return max(1, min(stages, (width - LABEL + 1) // (D + 1)))


class ResidualStream(Panel):
    READING = (("residual stream", "each position's vector (a row; a column per dimension) entering each block "
                                   "and leaving the last, side by side where they fit: ░▒▓█ positive, ·-=≡ "
                                   "negative, on the scale ± in the title"),)
    can_focus = True
    _wanted = 0   # rows the last frame needed

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "residual" not in ex or width < LABEL + 1:
            return []
        X = ex["residual"]
        stages, T, D = X.shape
        finite = X[np.isfinite(X)]
        scale = float(np.abs(finite).max()) if finite.size else 1.0
        shown_dims = min(D, width - LABEL)
        cut = f" · dims 0–{shown_dims - 1} of {D}" if shown_dims < D else ""
        at = ex.get("position")
        across = per_line(stages, D, width)
        groups = -(-stages // across)
        # where one line of stages does not fit, the positions around the one in hand (or selected)
        focus = self.view.picked_cell(T)[0] if self.view.pick is not None or at is None else at
        positions = window(T, height - 1, focus)
        rows = f" · pos {positions.start}–{positions.stop - 1}/{T}" if len(positions) < T else ""
        self.set_titles((f"residual stream (±{num(scale, 2)}){cut}{rows}", f"stream (±{num(scale, 2)}){cut}{rows}",
                         f"stream{rows}"))
        if groups * (len(positions) + 1) <= height:
            shown = list(range(stages))
        else:   # the latest stages computed, as many lines of them as fit
            known = [s for s in range(stages) if np.isfinite(X[s]).any()] or [0]
            shown = known[-across * max(1, height // (T + 1)):]
        out: list[Cells] = []
        for first in range(0, len(shown), across):
            group = shown[first:first + across]
            heading: Cells = [(" " * LABEL, None)]
            for k, s in enumerate(group):
                room = min(D, shown_dims)
                heading.append((stage_title(s, room).ljust(room + (k < len(group) - 1)), DIM))
            out.append(heading)
            pictures = [glyphs(X[s], scale) for s in group]
            for t in positions:
                line = self._label(ex, t, at)
                for k, picture in enumerate(pictures):
                    line += picture[t][:shown_dims] + ([(" ", None)] if k < len(group) - 1 else [])
                out.append(line)
        return out[:height]

    @staticmethod
    def _label(ex, t: int, at: int | None) -> Cells:
        return [(("▶" if t == at else " ") + shown_symbol(ex["tokens"][t]) + " ", IN_HAND if t == at else DIM)]

    # --- as tall as it draws (the stylesheet gives it `height: auto`), so the curves get the rest ----
    def draw(self, frame, ui: UiState) -> None:
        super().draw(frame, ui)
        # as Textual's layout asks: the column less this panel's border
        column = (self.parent.size if self.parent is not None else self.size) - self.styles.gutter.totals
        wanted = self.get_content_height(column, column, self.size.width)
        if wanted != self._wanted:
            self._wanted = wanted
            self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        """Whole lines of stages (T + 1 rows each), as many as it has and MOST of the column holds, at
        least one where the curves keep their CURVES rows; else MOST of the column (a window of the
        positions)."""
        ex = self.frame.extras if self.frame is not None else {}
        if "residual" not in ex or width <= 0:
            return 1
        stages, T, D = ex["residual"].shape
        lines = -(-stages // per_line(stages, D, width))
        gutter = self.styles.gutter.height   # the container is the column less it
        room = int((container.height + gutter) * MOST) - gutter
        if room >= T + 1:
            return min(lines, room // (T + 1)) * (T + 1)
        if container.height - CURVES >= T + 1:   # one line whole, the curves still readable
            return T + 1
        # a window, never so tall that the curves lose rows (a column cut their bottom off)
        return max(FEWEST, min(room, container.height - CURVES))
