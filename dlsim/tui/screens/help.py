"""The help screen: every key, the levels, and how to read the colours and glyphs."""
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from dlsim.tui.keys import TABLE
from dlsim.tui.screens.base import DlsimModal

READING = """\
Levels, finest first: op (one weighted sum, one gradient) < layer < sample < batch < epoch.
Phases: forward → loss → backward → update. The math panel shows the current event's arithmetic
with the kernel's own numbers.

Reading the screen (every colour has a glyph too, so NO_COLOR works):
  points        o = class 0 (orange), x = class 1 (blue); the sample being processed highlighted
  surface       two pixels a cell: blue where the model says class 1, orange for class 0, deeper =
                surer, grey = a tie (ŷ = 0.5); without colour █ ▀ ▄ mark class 1, ░ a tie
  neuron maps   each neuron's output over the input plane, blue above neutral, orange below
                (without colour ░▒▓█ / ·-=≡); the dot is the current sample
  connections   solid = positive weight, dashed = negative; brighter = larger
  heatmap       row i = input i, column j = neuron j (W[i, j]), the bias the last row; +7 / −3:
                the sign, and the size 1–9 relative to the layer's largest (· ≈ 0)
  neurons       their activation; δ… during the backward pass; z… before the activation
  curves        ── train, ┄┄ test
"""


def key_table(rows) -> Table:
    """(keys, what they do) rows as a borderless two-column table."""
    keys = Table(box=None, show_header=False, padding=(0, 2, 0, 1))
    keys.add_column(style="bold", no_wrap=True)
    keys.add_column()
    for key, what in rows:
        keys.add_row(key, what)
    return keys


class HelpScreen(DlsimModal):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", "close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static("dlsim keys", classes="dialog-title")
            yield Static(key_table(TABLE))
            yield Static(READING)
            yield Static("Esc closes this help.", classes="hint")

    def action_dismiss(self) -> None:
        self.dismiss()
