"""The LSTM's view: the shared recurrent view, with the cell state under the hidden state and the
four gates f, i, g, o as units × time heatmaps above ‖δh_t‖."""
import numpy as np

from dlsim.kernels import lstm_reference
from dlsim.protocol.events import Level
from dlsim.tui.views.recurrent import RecurrentView


class LSTMView(RecurrentView):
    name = "lstm"
    steps_title = "gates f i g o × time · ‖δh_t‖ per step, log scale"
    reference = lstm_reference
    level_help = {**RecurrentView.level_help, Level.OP: "one gate's weighted sum and squashing, one cell, one δ"}

    def run_reference(self, model, x):
        gates, cs, hs, logits = lstm_reference.forward(model.theta, model.cfg, x)
        return (np.stack([h[0] for h in hs]), logits[0],
                {"c": np.stack([c[0] for c in cs]), "gates": np.stack([g[0] for g in gates])})

    def own_record(self, seq) -> dict:
        return {"c": seq["c"], "gates": seq["a"]}
