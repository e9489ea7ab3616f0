"""The help screen: every key, the levels, and how to read the colours and glyphs."""
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from dlsim.protocol.events import Level
from dlsim.tui.keys import TABLE
from dlsim.tui.screens.base import DlsimModal

# the order panels' readings are listed in (the rest follow in the order they are composed)
ORDER = ("points", "surface", "neuron maps", "connections", "heatmap", "neurons", "curves")
HEATMAP_KEYS = ("w", "e / Enter", "click")   # rows of keys.TABLE that need a weight heatmap
PARTS_KEY = "t"                               # the row that needs a network of parts (Model.parts_option)


def reading(view, panels) -> str:
    """Levels and phases in the network's own words (the screen's reading table follows them)."""
    levels = view.levels_text() if view is not None else "op < layer < sample < batch < epoch"
    phases = view.phases if view is not None else "forward → loss → backward → update"
    lines = [f"Levels, finest first: {levels}.",
             f"Phases: {phases}. The math panel shows the current event's arithmetic",
             "with the kernel's own numbers.", ""]
    if readings(panels):
        lines.append("Reading the screen (every colour has a glyph too, so NO_COLOR works):")
    return "\n".join(lines)


def readings(panels) -> list[tuple[str, str]]:
    """(panel's part, how to read it), in ORDER first, then as the panels compose them."""
    entries = {}
    for panel in panels:
        for name, text in panel.READING:
            entries.setdefault(name, text)
    ordered = [n for n in ORDER if n in entries] + [n for n in entries if n not in ORDER]
    return [(name, entries[name]) for name in ordered]


def reading_table(rows) -> Table:
    """The readings as two columns: a long name gets its own width ("residual stream" ran into its
    text) and a wrapped line keeps its indent (it fell back to the screen's first column)."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    for name, text in rows:
        table.add_row(Text(name), Text(text))   # Text: "W[i, j]" is not console markup
    return table


def key_rows(view, panels) -> list[tuple[str, str]]:
    """keys.TABLE for this view: its level words, and no heatmap keys without a heatmap."""
    from dlsim.tui.widgets.network.weights import WeightsPanel
    heatmap = view is None or any(issubclass(p, WeightsPanel) for p in panels)
    parts = view is None or view.session.sim.cls.parts_option is not None
    rows = []
    for keys, what in TABLE:
        if keys in HEATMAP_KEYS and not heatmap or keys == PARTS_KEY and not parts:
            continue
        if view is not None and keys == "1 2 3 4 5":
            what = "level: " + ", ".join(view.level_word(level) for level in Level)
        if view is not None and keys in HEATMAP_KEYS and view.matrix_word != "layer":   # its tabs' word
            word = view.matrix_word
            what = what.replace(", PgUp PgDn layers", f", PgUp PgDn {word}s" if word else "")
            what = what.replace(", or a layer tab", f", or a {word} tab" if word else "")
        rows.append((keys, what))
    return rows


def key_table(rows) -> Table:
    """(keys, what they do) rows as a borderless two-column table."""
    keys = Table(box=None, show_header=False, padding=(0, 2, 0, 1))
    keys.add_column(style="bold", no_wrap=True)
    keys.add_column()
    for key, what in rows:
        keys.add_row(key, what)
    return keys


class HelpScreen(DlsimModal):
    """Every key, and how to read the screen: for a simulation, in its view's words and for the
    panels it composes; from elsewhere (view None), for the layered networks' panels."""
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "close")]

    def __init__(self, view=None, panels=None):
        super().__init__()
        self.view = view
        self.panels = panels if panels is not None else _layered_panels()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static("dlsim keys", classes="dialog-title")
            yield Static(key_table(key_rows(self.view, self.panels)))
            yield Static(reading(self.view, self.panels))
            yield Static(reading_table(readings(self.panels)))
            yield Static("Esc closes this help.", classes="hint")

    def action_dismiss(self) -> None:
        self.dismiss()


def _layered_panels() -> list:
    from dlsim.tui.widgets.curves import Curves
    from dlsim.tui.widgets.data.decision import DecisionPlot
    from dlsim.tui.widgets.network.graph import NetworkGraph
    from dlsim.tui.widgets.network.neuron_maps import NeuronMaps
    from dlsim.tui.widgets.network.weights import WeightsPanel
    return [NetworkGraph, DecisionPlot, NeuronMaps, WeightsPanel, Curves]
