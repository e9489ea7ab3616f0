"""The LSTM's view: the shared recurrent view, with the cell state under the hidden state and the
four gates f, i, g, o as units × time heatmaps above ‖δh_t‖ (all of them the model's: inspect)."""
from dlsim.protocol.events import Level
from dlsim.tui.views.recurrent import RecurrentView


class LSTMView(RecurrentView):
    name = "lstm"
    steps_title = "gates f i g o × time · ‖δh_t‖ per step, log scale"
    level_help = {**RecurrentView.level_help, Level.OP: "one gate's weighted sum and squashing, one cell, one δ"}
