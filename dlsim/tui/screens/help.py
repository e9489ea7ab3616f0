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
OPTIONS_KEY = "o"                             # the row that lists the options form's options
NAME_WIDTH = 20                               # the readings' names column, at most
LINES = ("──", "┄┄")                          # a chart's first series and its second, as Curves draws them


def reading(view, panels) -> str:
    """Levels and phases in the network's own words (the screen's reading table follows them)."""
    levels = view.levels_text() if view is not None else "op < layer < sample < batch < epoch"
    phases = view.phases if view is not None else "forward → loss → backward → update"
    lines = [f"Levels, finest first: {levels}.",
             f"Phases: {phases}. The math panel shows the current event's arithmetic with the "
             "kernel's own numbers.", ""]
    if readings(panels):
        lines.append("Reading the screen (every colour has a glyph too, so NO_COLOR works):")
    return "\n".join(lines)


def readings(panels, view=None) -> list[tuple[str, str]]:
    """(panel's part, how to read it), in ORDER first, then as the panels compose them; for a
    network's view, in its words (NetworkView.help_readings) and with its curves' own lines."""
    entries = {}
    for panel in panels:
        for name, text in panel.READING:
            entries.setdefault(name, text)
    if view is not None:
        if "curves" in entries and view.shown_charts():
            entries["curves"] = curves_reading(view.shown_charts())
        for name, text in view.help_readings.items():
            if text is None:
                entries.pop(name, None)
            else:
                entries[name] = text
    ordered = [n for n in ORDER if n in entries] + [n for n in entries if n not in ORDER]
    return [(name, entries[name]) for name in ordered]


def curves_reading(charts) -> str:
    """Each chart's lines as the curves draw them (the first solid, the second dashed): a network
    without a test set has no ┄┄ test to read."""
    return "; ".join(f"{chart.title} " + " ".join(f"{LINES[k]} {label}" for k, (_, label) in
                                                 enumerate(chart.series[:len(LINES)]))
                     for chart in charts)


def reading_table(rows) -> Table:
    """The readings as two columns: a long name gets its own width ("residual stream" ran into its
    text) and a wrapped line keeps its indent (it fell back to the screen's first column)."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 2))
    table.add_column(max_width=NAME_WIDTH)   # a name longer than that wraps at its words, not the text
    table.add_column()
    for name, text in rows:
        # Text: "W[i, j]" is not console markup; a reading's line breaks (laid out for one width) give
        # way to the table's own wrapping, or at 80 columns a line broke twice, ragged
        table.add_row(Text(name), Text(" ".join(text.split())))
    return table


def level_keys(view) -> str:
    """The level each of the keys 1–5 picks, in the view's words; two keys whose levels step alike (a
    DQN's sample and batch are both one environment step) are named once, with both keys."""
    words = [view.level_word(level) for level in Level]
    named = []
    for key, word in enumerate(words, 1):
        keys = [str(k) for k, w in enumerate(words, 1) if w == word]
        if words.index(word) == key - 1:
            named.append(word if len(keys) == 1 else f"{word} ({' or '.join(keys)})")
    return ", ".join(named)


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
            what = "level: " + level_keys(view)
        if view is not None and keys in HEATMAP_KEYS and view.matrix_word != "layer":   # its tabs' word
            word = view.matrix_word
            what = what.replace(", PgUp PgDn layers", f", PgUp PgDn {word}s" if word else "")
            what = what.replace(", or a layer tab", "" if not word else ", or a tab" if word == "tab"
                                else f", or a {word} tab")
        if view is not None and keys == OPTIONS_KEY:   # the form's own options, not every network's
            what = "options: " + ", ".join(option.name for option in view.session.sim.cls.options)
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
            yield Static(reading_table(readings(self.panels, self.view)))
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
