"""The LSTM's view: the shared recurrent view, with the cell state under the hidden state and the
four gates f, i, g, o as units × time heatmaps above ‖δh_t‖, and the cell as the classic diagram with
the selected unit's values at the selected step (all of them the model's: inspect)."""
from textual.app import ComposeResult

from dlsim.protocol.events import Level
from dlsim.tui.views.panels import titled
from dlsim.tui.views.recurrent import RecurrentView
from dlsim.tui.widgets.timeline.cell import CellPanel


class LSTMView(RecurrentView):
    name = "lstm"
    steps_title = "gates f i g o × t · ‖δh_t‖ (log)"
    level_help = {**RecurrentView.level_help, Level.OP: "one gate's weighted sum and squashing, one cell, one δ"}
    gates = 4   # f, i, g, o: the model's row order (PyTorch's is i, f, g, o), one bias per row
    weights_title = "weights · a tab per gate f i g o, W_y"

    def beside(self) -> ComposeResult:
        yield titled(CellPanel(self, id="cell"), "LSTM cell · selected unit, step")
