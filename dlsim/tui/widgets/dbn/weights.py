"""The DBN's heatmap: the weights panel, titled by what it shows. While a layer pre-trains it holds
that RBM's W and its statistics (tabs W · positive · negative · ΔW); while the stack fine-tunes, the
weights of every layer as backpropagation changes them (tabs by layer). The stage is the model's
(DBN.stage, in the view's extras)."""
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.panel import Cells, UiState

PRETRAINING = ("the layer training: W · positive · negative · ΔW",
               "layer training: W · positive · negative · ΔW", "layer training: W · pos. · neg. · ΔW")
FINE_TUNING = ("fine-tuning: every layer's W, as backpropagation changes it", "fine-tuning: every layer's W",
               "fine-tuning: W by layer")


class StackWeights(WeightsPanel):
    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        # set each frame: the stage changes while the app runs (→ from the last layer's CD into fine-tuning)
        self.set_titles(PRETRAINING if frame.extras.get("pretraining", True) else FINE_TUNING)
        return super().rows(frame, ui, width, height)
