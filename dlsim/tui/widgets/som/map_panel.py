"""The SOM's map: a cell per node, a node row a line (two, in half blocks, when space is short):
its colours for RGB data, else how many samples each node is the BMU of; beside it the U-matrix
(light = far from its grid neighbours: a border between clusters; shaded from the map's least to
its largest value). ◆ marks the BMU. The border's title gives σ and lr as they are now (they decay).

Without colour (NO_COLOR) each cell is a shade glyph by size (` ░▒▓█`), the hit map stands in for
the colours, and the BMU stays ◆. A glyph holds one value, so a node row is always a line of its
own. Where not all node rows fit (a 40×40 map's 20 lines of half blocks in 16), the rows around the
BMU are shown and the title line says which; where the two pictures do not fit side by side (a
40-column map in a 58-column panel), they are two pages (a click, or Tab then PgDn). The numbers are
the model's (SOM.inspect).
"""
from functools import lru_cache

import numpy as np
from rich.style import Style

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.image.paging import Paged
from dlsim.tui.widgets.panel import Cells, UiState
from dlsim.tui.widgets.som.kept_colours import colour

TITLE = "map · ◆ BMU"
SHADES = " ░▒▓█"   # 0, then by size: the glyph of a cell without colour
STEPS = 16          # colour steps of a shaded map (few styles, kept)


@lru_cache(maxsize=4096)
def _style(fore: tuple, back: tuple, bold: bool = False) -> Style:
    return Style(color=colour(fore), bgcolor=colour(back), bold=bold)


@lru_cache(maxsize=64)
def _shade(base: tuple, step: int) -> tuple:
    return st.blend(st.BACKGROUND, base, 0.1 + 0.9 * step / STEPS)


def _steps(values: np.ndarray, top: float) -> np.ndarray:
    """0..STEPS: each value's size relative to `top`."""
    return np.rint(STEPS * np.clip(values / (top if top > 0 else 1.0), 0.0, 1.0)).astype(np.int64)


def glyphs_of(steps: np.ndarray) -> list[str]:
    """A shade glyph per cell by size (a non-zero value is never blank)."""
    return [SHADES[0] if s == 0 else SHADES[1 + min(3, (s - 1) * 4 // STEPS)] for s in steps.tolist()]


class MapPanel(Paged):
    READING = (("map", "a cell per node: its colour (RGB data) or how many samples it is the BMU of; ◆ the BMU;\n"
                       "without colour a shade by size ( ░▒▓█), a node row a line; \"rows 2–7 of 10\": the\n"
                       "rest out of view, the BMU's row always in it"),
               ("U-matrix", "a cell per node, light (or █) = far from its grid neighbours: a border between clusters"))

    def without_colour(self) -> bool:
        """Whether the map is drawn without colour (NO_COLOR), where the hit map stands in for the
        colours: the view asks the model for it then. Asked on the run worker's thread too; until the
        panel is mounted in an app, True (the hit map is asked for)."""
        try:
            return bool(getattr(self.app, "no_color", False))
        except Exception:   # no app yet
            return True

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "umatrix" not in ex:
            return []
        mono = getattr(self.app, "no_color", False)
        R, C = ex["rows"], ex["cols"]
        u = ex["umatrix"]
        low = float(u.min()) if u.size else 0.0   # from the map's closest neighbours to its widest border
        u_steps = _steps(u - low, float(u.max()) - low if u.size else 1.0)
        colour = ex["rgb"] and not mono
        if colour:   # 32 steps a channel: few styles, and a settled map is not drawn again
            first = (np.clip(ex["W"], 0.0, 1.0) * 31).round().astype(np.int64) * 255 // 31
        else:
            first = _steps(ex["hits"], float(max(int(ex["hits"].max()), 1)))
        # a node row a line when they fit, else two in half blocks; without colour always one (a
        # glyph cannot show two values); the rows around the BMU where not all fit
        per_line = 1 if mono or R <= height - 1 else 2
        top = self._band(R, per_line, max(1, height - 1), ex["bmu"], C)
        self.pages = 1 if 2 * C + 2 <= width else 2   # side by side even a column a node, else a page each
        self.page = min(self.page, self.pages - 1)
        names = ("colours" if colour else "hits", "U-matrix")
        if self.pages == 1:   # with the radius and learning rate in use now: they decay as the map trains
            rates = " · ".join(f"{name} {num(ex[key])}" for key, name in (("sigma", "σ"), ("lr", "lr"))
                               if ex.get(key) is not None)
            self.set_titles((f"{TITLE} · {rates}", f"map · {rates}", TITLE) if rates else TITLE)
        else:
            self.set_titles(self.paged_title(TITLE, names[self.page], self.label_room() + 2))
        # what is drawn follows from these steps alone: a frame that changes none of them (a settled
        # map, still training) reuses the last picture
        key = (width, height, mono, colour, R, C, ex["bmu"], top, self.pages, self.page, first.tobytes(),
               u_steps.tobytes())
        if key != getattr(self, "_drawn_key", None):
            self._drawn_key = key
            self._drawn_rows = self._picture(ex, first, u_steps, colour, mono, width, height, per_line, top)
        return self._drawn_rows

    def _band(self, R: int, per_line: int, lines: int, bmu: int | None, C: int) -> int:
        """The first node row shown when only `lines` lines of `per_line` node rows each fit (a
        40×40 map's 20 lines of half blocks in 16): kept from the last frame, moved a line at a time
        just enough to hold the BMU's row."""
        top = getattr(self, "_top", 0) // per_line
        if bmu is not None:
            line = bmu // C // per_line
            top = line - lines + 1 if line >= top + lines else min(top, line)
        self._top = max(0, min(top, -(-R // per_line) - lines)) * per_line
        return self._top

    def _picture(self, ex, first, u_steps, colour: bool, mono: bool, width: int, height: int,
                 per_line: int, top: int) -> list[Cells]:
        R, C = ex["rows"], ex["cols"]
        count = 3 - self.pages   # pictures side by side: both, or the page's one
        cell_w = 2 if count * (2 * C + 2) <= width else 1
        span = cell_w * C + 2   # a picture and the gap after it
        # only the cells that reach into the panel (a 40-column map a page, in 80 columns' half panel)
        shown = [max(0, min(C, -(-(width - k * span) // cell_w))) for k in range(count)]
        if self.pages == 1:
            pictures = [self._first_picture(first, colour, mono, shown[0]), self._u_picture(u_steps, mono, shown[1])]
        else:
            pictures = [self._first_picture(first, colour, mono, shown[0]) if self.page == 0
                        else self._u_picture(u_steps, mono, shown[0])]
        out: list[Cells] = [[(title[:cell_w * C].ljust(cell_w * C + 2), st.plain(dim=True))
                             for title, _, _ in pictures]]
        lines = min(-(-(R - top) // per_line), height - 1)
        if min(R - top, per_line * lines) < R:   # which node rows these are: the rest are out of view
            last = min(R, top + per_line * lines) - 1
            forms = (f"rows {top}–{last} of {R}", f"{top}–{last}/{R}")
            note = next((t for t in forms if len(t) <= width - len(pictures) * span), None)
            if note is not None:
                out[0].append((note, st.plain(dim=True)))
            else:   # no room after the pictures (they are wider than the panel): after the first title
                title, room = pictures[0][0], min(cell_w * C, width)
                note = next((t for t in forms if len(title) + 2 + len(t) <= room), "")
                out[0][0] = (f"{title}  {note}"[:cell_w * C].ljust(cell_w * C + 2), st.plain(dim=True))
        plain, bmu, blank, upper = st.plain(), ex["bmu"], " " * cell_w, "▀" * cell_w
        for line in range(lines):
            start = (top + per_line * line) * C
            lower = per_line == 2 and top + per_line * line + 1 < R   # a second node row in this line
            row: Cells = []
            for k, ((_, colours, glyphs), seen) in enumerate(zip(pictures, shown)):
                if not seen:
                    break
                nodes = range(start, start + seen)
                if mono:
                    cells = [(glyphs[t] * cell_w, plain) for t in nodes]
                elif per_line == 1:
                    cells = [(blank, _style(colours[t], colours[t])) for t in nodes]
                elif lower:
                    cells = [(upper, _style(colours[t], colours[t + C])) for t in nodes]
                else:
                    cells = [(upper, _style(colours[t], st.BACKGROUND)) for t in nodes]
                if bmu is not None and start <= bmu < start + (2 if lower else 1) * C and (bmu - start) % C < seen:
                    back = st.BACKGROUND if mono else colours[bmu]
                    fore = (10, 10, 10) if sum(back) > 380 else (255, 255, 255)
                    cells[(bmu - start) % C] = ("◆".ljust(cell_w), plain if mono else _style(fore, back, True))
                row += cells
                if k * span + cell_w * C < width:   # the gap, where it starts inside the panel
                    row.append(("  ", None))
            out.append(row)
        return out

    def _first_picture(self, first, colour: bool, mono: bool, seen: int) -> tuple:
        if colour:
            return "colours", [tuple(row) for row in first.tolist()], None
        return "hits", self._shades(st.POSITIVE, first, seen), glyphs_of(first) if mono else None

    def _u_picture(self, u_steps, mono: bool, seen: int) -> tuple:
        return "U-matrix", self._shades(st.TEXT, u_steps, seen), glyphs_of(u_steps) if mono else None

    @staticmethod
    def _shades(base: tuple, steps: np.ndarray, seen: int) -> list[tuple] | None:
        """Each node's colour, shaded from `base` by its step (None where none of the picture shows)."""
        if not seen:
            return None
        table = [_shade(base, s) for s in range(STEPS + 1)]
        return [table[s] for s in steps.tolist()]
