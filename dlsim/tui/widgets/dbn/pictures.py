"""The DBN's pictures: while the first layer pre-trains, the RBM's own (its chain, dreams,
completion, receptive fields); while a layer above pre-trains, a line on what it learns from (the
frozen layer's probabilities, not images); while the stack fine-tunes, the first layer's receptive
fields as backpropagation is changing them (a page at a time where they do not all fit, as the
RBM's). Every value is the model's (DBN.inspect)."""
import textwrap

import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae.pictures import lines_of
from dlsim.tui.widgets.panel import Cells, UiState
from dlsim.tui.widgets.rbm.pages import Part
from dlsim.tui.widgets.rbm.pictures import Pictures


class StackPictures(Pictures):
    READING = Pictures.READING + (("the layers above",
                                   "layer l learns the frozen layer l−1's p(h|v); fine-tuning shows the first\n"
                                   "layer's fields as backpropagation changes them"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "shown" not in ex or width < 4:
            return []
        stage, layers = ex.get("stage", 0), ex.get("layers", 1)
        if stage == 0:
            return super().rows(frame, ui, width, height)
        shown = ex["shown"]
        if stage < layers:
            self.pages = 1   # a few lines of words: one page
            self.set_titles(f"layer {stage + 1} of {layers}", f"{stage} frozen below")
            said = [f"layer {stage + 1} learns p(h|v) of layer {stage} (frozen), not images: its chain is in "
                    "the heatmaps and the math panel"]
            if "v0" in shown:
                said.append(f"sample {shown['sample']}: v₀ = layer {stage}'s probabilities")
            # wrapped at words: at 80×24 a line cut at the panel's edge loses its meaning ("(froze")
            lines = [line for text in said for line in textwrap.wrap(text, max(width, 1))]
            return [[(line, st.plain(dim=True))] for line in lines][:height]
        fields = np.asarray(shown["fields"])
        parts = []
        if "test_acc" in shown:
            parts.append(Part("test accuracy", [[[(f"test accuracy {num(shown['test_acc'], 3)}"[:width], st.plain())]]]))
        if fields.ndim == 3:
            mono = getattr(self.app, "no_color", False)
            parts.append(self.fields_part(fields, mono, width, 1 + lines_of(fields.shape[1], mono)))
        return self.paged(parts, "first layer's fields, fine-tuned", "", width, height)
