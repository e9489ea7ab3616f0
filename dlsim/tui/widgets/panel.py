"""The base of every simulation panel: draws a Frame into rows of styled cells.

A panel builds its rows once per frame (`draw`) and hands them out line by line (Textual's line
API), so a repaint costs nothing and a resize redraws from the last frame.
"""
from dataclasses import dataclass
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from dlsim.tui.frame import Frame

Cells = list[tuple[str, Style | None]]


@dataclass
class UiState:
    """What the screen adds to a frame: the selection, the layout, whether kernels are ready."""
    selected: tuple[str, tuple] | None = None   # (parameter name, index)
    layer: int | None = None                     # the heatmap's layer, when the learner chose one
    warm: bool = True                            # kernels compiled and loaded
    compiling: bool = False                      # not warm yet: compiling them, not loading
    speed: str = "full speed"
    playing: bool = False
    rate: str = ""                               # measured while running, e.g. "12,300 ep/s"
    notice: str = ""                             # a refused value, a history limit, …


def strip(cells: Cells, width: int, base: Style) -> Strip:
    """One line; neighbouring cells of the same style become one segment (less to paint)."""
    segments: list[Segment] = []
    run, run_style = [], None
    for text, style in cells:
        if not text:
            continue
        if style is not run_style and run:
            segments.append(Segment("".join(run), _on(base, run_style)))
            run = []
        run_style = style
        run.append(text)
    if run:
        segments.append(Segment("".join(run), _on(base, run_style)))
    return Strip(segments).adjust_cell_length(width, base)


@lru_cache(maxsize=4096)
def _combine(base: Style, style: Style) -> Style:
    return base + style


def _on(base: Style, style: Style | None) -> Style:
    return base if style is None else _combine(base, style)


class Panel(Widget):
    """Subclasses implement `rows(frame, ui, width, height) -> list[Cells]`."""
    READING: tuple[tuple[str, str], ...] = ()   # (name, how to read it): the help screen lists them

    def __init__(self, view, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.view = view
        self.frame: Frame | None = None
        self.ui = UiState()
        self._strips: list[Strip] = []
        self._size_drawn = (0, 0)

    def draw(self, frame: Frame, ui: UiState) -> None:
        self.frame, self.ui = frame, ui
        self._rebuild()

    def _rebuild(self) -> None:
        width, height = self.size
        if self.frame is None or width <= 0 or height <= 0:
            strips = []
        else:
            base = self.rich_style
            strips = [strip(row, width, base) for row in self.rows(self.frame, self.ui, width, height)]
        # Textual re-renders a refreshed widget line by line through its style cache, the larger part
        # of a frame's cost: a panel whose lines did not change (most, between two run frames) is skipped
        if strips != self._strips or self._size_drawn != (width, height):
            self._strips, self._size_drawn = strips, (width, height)
            self.refresh()

    def rows(self, frame: Frame, ui: UiState, width: int, height: int) -> list[Cells]:
        raise NotImplementedError

    def on_resize(self) -> None:
        self._rebuild()

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)
