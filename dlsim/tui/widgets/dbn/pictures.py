"""The DBN's pictures: while the first layer pre-trains, the RBM's own (its chain, dreams,
completion, receptive fields); while a layer above pre-trains, a line on what it learns from (the
frozen layer's probabilities, not images); while the stack fine-tunes, the first layer's receptive
fields as backpropagation is changing them. Every value is the model's (DBN.inspect)."""
import textwrap

import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae.pictures import fit, tiled
from dlsim.tui.widgets.panel import Cells, UiState
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
            self.set_titles(f"layer {stage + 1} of {layers}", f"{stage} frozen below")
            said = [f"layer {stage + 1} learns p(h|v) of layer {stage} (frozen), not images: its chain is in "
                    "the heatmaps and the math panel"]
            if "v0" in shown:
                said.append(f"sample {shown['sample']}: v₀ = layer {stage}'s probabilities")
            # wrapped at words: at 80×24 a line cut at the panel's edge loses its meaning ("(froze")
            lines = [line for text in said for line in textwrap.wrap(text, max(width, 1))]
            return [[(line, st.plain(dim=True))] for line in lines][:height]
        self.set_titles("first layer's fields, fine-tuned", "")
        fields = np.asarray(shown["fields"])
        scale = float(np.abs(fields).max()) or 1.0
        mono = getattr(self.app, "no_color", False)
        out: list[Cells] = []
        if "test_acc" in shown:
            out.append([(f"test accuracy {num(shown['test_acc'], 3)}"[:width], st.plain())])
        out.append([(f"receptive fields (±{num(scale, 2)})"[:width], st.plain(dim=True))])
        if fields.ndim == 3:
            out += tiled([(f"h{j + 1}", f) for j, f in enumerate(fields)], scale, mono, width, wide=1)
        return fit(out, height, width)
