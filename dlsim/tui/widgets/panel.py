"""The base of every simulation panel: draws a Frame into rows of styled cells.

A panel builds its rows once per frame (`draw`) and hands them out line by line (Textual's line
API), so a repaint costs nothing and a resize redraws from the last frame. Only the lines that
changed since the last frame are built into strips again and handed to Textual to repaint: its
per-line rendering and compositing is most of a frame's cost, and between two frames (a key
press, a run frame) most lines of most panels stay the same.
"""
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.filter import ANSIToTruecolor
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from dlsim.tui.frame import Frame
from dlsim.tui.widgets import style as st

Cells = list[tuple[str, Style | None]]
Titles = str | tuple[str, ...]   # a border title, or its forms from the fullest to the shortest


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
    """One line; neighbouring cells of the same style become one segment (less to paint). Its
    length is measured once for the whole line, not segment by segment. Every frame of a run builds
    dozens of these, each of a few dozen cells: a segment is made as its NamedTuple's own __new__
    makes it (tuple.__new__, without that Python call), and a short line padded here, not by
    Strip.adjust_cell_length (which builds a second strip to pad the first)."""
    segments: list[Segment] = []
    add = segments.append
    texts: list[str] = []
    run: list[str] = []
    run_style = _NONE
    for text, style in cells:
        if style is run_style:
            run.append(text)
        elif text:
            if run:
                joined = "".join(run)
                texts.append(joined)
                add(_segment(Segment, (joined, base if run_style is None else _combine(base, run_style), None)))
            run, run_style = [text], style
    if run:
        joined = "".join(run)
        texts.append(joined)
        add(_segment(Segment, (joined, base if run_style is None else _combine(base, run_style), None)))
    line = "".join(texts)
    length = len(line) if line.isascii() else cell_len(line)
    if length < width:
        add(_segment(Segment, (" " * (width - length), base, None)))
        return Strip(segments, width)
    return Strip(segments, length).adjust_cell_length(width, base)


_NONE = object()   # no run yet (None is a style: the panel's own)
_segment = tuple.__new__   # Segment(text, style, control), as rich's Segment.__new__ builds it


@lru_cache(maxsize=4096)
def _combine(base: Style, style: Style) -> Style:
    return base + style


def cell_moves(row: str = "row", column: str = "column") -> list[Binding]:
    """↑ ↓ ⇧← ⇧→ moving a panel's selected cell (its action `move(rows, columns)`), named in the
    panel's own words: a heatmap's rows and columns, a timeline's units and steps."""
    return [Binding("up", "move(-1, 0)", f"{row} ↑", show=False),
            Binding("down", "move(1, 0)", f"{row} ↓", show=False),
            Binding("shift+left", "move(0, -1)", f"{column} ←", show=False),
            Binding("shift+right", "move(0, 1)", f"{column} →", show=False)]


class Panel(Widget):
    """Subclasses implement `rows(frame, ui, width, height) -> list[Cells]`."""
    READING: tuple[tuple[str, str], ...] = ()   # (name, how to read it): the help screen lists them
    # a subtitle a learner needs (the keys that move the panel, its scale, the state in numbers):
    # where the panel has no bottom border to carry it (compact, 80×24), its last row does
    SUBTITLE_ROW = False
    _backgrounds = None

    def __init__(self, view, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.view = view
        self.frame: Frame | None = None
        self.ui = UiState()
        self._rows: list[tuple] = []            # the cells of each line last drawn
        self._strips: list[Strip] = []
        self._drawn_as = None                   # (width, height, base style) of the lines drawn
        self._base: Style | None = None         # rich_style walks every ancestor: kept until styles change
        self._backgrounds = None                # so does background_colors
        self._titles: dict[str, str | None] = {}
        self._forms: dict[str, tuple[str, ...]] = {}   # per border label, its forms (set_titles)
        self._together: tuple[str, ...] = ()           # the title and subtitle on one rule (set_titles)

    def draw(self, frame: Frame, ui: UiState) -> None:
        self.frame, self.ui = frame, ui
        self._rebuild()

    @property
    def base(self) -> Style:
        if self._base is None:
            self._base = self.rich_style
        return self._base

    @property
    def background_colors(self):
        """Textual asks on every repaint, walking every ancestor: kept until styles change, as
        Textual keeps the rich style."""
        if self._backgrounds is None:
            self._backgrounds = super().background_colors
        return self._backgrounds

    def get_line_filters(self):
        """The app's line filters but the ANSI→truecolor one: every colour a panel paints is
        truecolor already (dlsim.tui.widgets.style; no ANSI names, no `dim`), and that filter, a
        pass over every segment of every line, was a tenth of a run frame's cost. NO_COLOR's filter
        stays."""
        return [f for f in self.app.get_line_filters() if not isinstance(f, ANSIToTruecolor)]

    def notify_style_update(self) -> None:
        self._base = self._backgrounds = None
        super().notify_style_update()

    def _rebuild(self) -> None:
        width, height = self.size
        if self.frame is None or width <= 0 or height <= 0:
            rows = []
        elif self._subtitle_row(height):
            rows = [tuple(row) for row in self.rows(self.frame, self.ui, width, height - 1)][:height - 1]
            rows += [()] * (height - 1 - len(rows)) + [self._subtitle_cells(width)]
        else:
            rows = [tuple(row) for row in self.rows(self.frame, self.ui, width, height)]
        base = self.base
        drawn_as = (width, height, base)
        if drawn_as != self._drawn_as:   # a new size or style: every line anew
            self._rows, self._drawn_as = rows, drawn_as
            self._strips = [strip(row, width, base) for row in rows]
            self.refresh()
            return
        # Textual re-renders a refreshed widget line by line through its style cache, the larger part
        # of a frame's cost: only the lines that changed are built and repainted
        old_rows, old_strips = self._rows, self._strips
        strips, changed = [], []
        for y, row in enumerate(rows):
            if y < len(old_rows) and row == old_rows[y]:
                strips.append(old_strips[y])
            else:
                strips.append(strip(row, width, base))
                changed.append(y)
        changed += range(len(rows), len(old_rows))   # lines now blank
        self._rows, self._strips = rows, strips
        if changed:
            # each line across the panel's whole width, its border and padding too: a region that
            # leaves them out ends inside the panel's slice of the screen line, which Textual then
            # cuts out of the line (a new strip, every segment measured) for every line, every frame
            left = self.content_offset.x
            self.refresh(*_regions(changed, -left, self.outer_size.width))

    def set_titles(self, title: Titles | None = None, subtitle: Titles | None = None,
                   together: Titles | None = None) -> None:
        """Set the border's title and subtitle, each a text or its forms from the fullest to the
        shortest: the first form that fits the border is shown, and chosen again when the panel is
        resized (Textual would cut a longer one with "…", and a learner needs the title's meaning at
        80×24 as much as at 120×40). `together`: forms of the title and the subtitle in one text,
        for a panel with no bottom border and no row to give its subtitle (compact, 80×24): the
        first that fits is its title (else the title's own), so the subtitle's meaning stays in
        view without a row of the picture. A new subtitle without them clears the last ones."""
        for name, forms in (("border_title", title), ("border_subtitle", subtitle)):
            if forms is not None:
                self._forms[name] = (forms,) if isinstance(forms, str) else tuple(forms)
        if together is not None or subtitle is not None:
            self._together = ((together,) if isinstance(together, str) else tuple(together or ()))
        self._fit_titles()

    def _subtitle_row(self, height: int) -> bool:
        """Whether the subtitle takes the last row: asked for, no bottom border, a row to spare."""
        return self.SUBTITLE_ROW and height > 2 and self.styles.border_bottom[0] == ""

    def _subtitle_cells(self, width: int) -> tuple:
        """The subtitle's first form that fits the row (set by `rows`, just drawn)."""
        forms = self._forms.get("border_subtitle") or ("",)
        text = st.first_fitting(forms, width)
        return ((text, st.plain(dim=True)),) if text else ()

    def _sides(self) -> int:
        """How many of the left and right edges have a border (none when compact)."""
        return (self.styles.border_left[0] != "") + (self.styles.border_right[0] != "")

    def label_room(self) -> int:
        """The cells Textual leaves a border label: the panel's width less the border's two end
        cells and, where a side has a border, its corner and a space (textual._border)."""
        return self.outer_size.width - 2 - 2 * self._sides()

    def _fit_titles(self) -> None:
        """Each label's first form that fits, set only where it changed: Textual repaints the whole
        panel on every assignment, even of the same text."""
        room, sides = self.label_room(), self._sides()
        folded = self._together and not self.SUBTITLE_ROW and self.styles.border_bottom[0] == ""
        mark = self._focus_mark()
        for name, forms in self._forms.items():
            if folded and name == "border_title":
                forms = (*self._together, *forms)
            if mark and name == "border_title":
                forms = tuple(mark + form for form in forms)
            shown = [form if sides else _apart(form) for form in forms]
            text = next((form for form in shown if cell_len(form) <= room), shown[-1])
            if self._titles.get(name) != text:
                self._titles[name] = text
                setattr(self, name, text)

    def rows(self, frame: Frame, ui: UiState, width: int, height: int) -> list[Cells]:
        raise NotImplementedError

    # Tab's focus shows as the border's colour; without colour (NO_COLOR) every border looks alike,
    # so there the focused panel's title starts with FOCUSED
    FOCUSED = "▶ "

    def _focus_mark(self) -> str:
        return self.FOCUSED if getattr(self.app, "no_color", False) and self.has_focus_within else ""

    def on_focus(self) -> None:
        self._fit_titles()

    def on_blur(self) -> None:
        self._fit_titles()

    def on_descendant_focus(self) -> None:
        self._fit_titles()

    def on_descendant_blur(self) -> None:
        self._fit_titles()

    def on_resize(self) -> None:
        self._fit_titles()
        self._rebuild()

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.base)


LINES = "─━┄┅╌╍"   # a curve's legend glyphs, and the rules a border is drawn with


def _apart(title: str) -> str:
    """A title on a border without corners (a compact panel's top rule) touches the rule: one that
    starts or ends with a line (a curve's legend "── train") would run into it, so it gets a space."""
    if title and title[0] in LINES:
        title = " " + title
    if title and title[-1] in LINES:
        title += " "
    return title


def _regions(lines: list[int], x: int, width: int) -> list[Region]:
    """One region per run of consecutive (ascending) line numbers, from column x, `width` wide."""
    regions, first, last = [], lines[0], lines[0]
    for y in lines[1:]:
        if y != last + 1:
            regions.append(Region(x, first, width, last - first + 1))
            first = y
        last = y
    regions.append(Region(x, first, width, last - first + 1))
    return regions
