"""The RBM's pictures, as images two pixels a cell (a pixel row a line without colour): the sample
in hand's chain (v₀, the reconstruction p(v|h₀), the negative phase's v_k) or, between samples,
nothing; what the model dreams after `gibbs` Gibbs steps from random pixels; pattern completion
(the clamped part beside what the chain filled in); each hidden unit's receptive field (its
weights, blue + and orange −). Every value is the model's (RBM.inspect): this panel only lays them
out, cut to the room it has (saying how many rows are out of view)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae.pictures import fit, lines_of, tiled
from dlsim.tui.widgets.panel import Cells, Panel, UiState


class Pictures(Panel):
    READING = (("chain · dreams · completion · fields",
                "v₀ the image, p(v|h₀) its reconstruction, v_k where the negative phase's chain ended;\n"
                "dreams: p(v) after the Gibbs steps from random pixels; completion: the clamped pixels\n"
                "(top row and left column, or the top half) and what the model filled in;\n"
                "fields: each hidden unit's weights as an image, blue +, orange −"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "shown" not in ex or width < 4:
            return []
        shown, side, mono = ex["shown"], ex["side"], getattr(self.app, "no_color", False)
        if not side:
            return []

        def image(values):
            return np.nan_to_num(np.asarray(values, float), nan=0.0).reshape(side, side)
        out: list[Cells] = []
        if "v0" in shown:
            chain = [("v₀", image(shown["v0"])), ("p(v|h₀)", image(shown["reconstruction"])),
                     (f"v{ex['k']}", image(shown["vk"]))]
            out += tiled(chain, 1.0, mono, width)
            self.set_titles(f"chain of sample {shown['sample']}", "blank: not drawn yet")
        else:
            self.set_titles("chain · dreams · completion · fields", "")
        dreams = [(f"{j + 1}", image(d)) for j, d in enumerate(shown["samples"])]
        out.append([(f"dreams after {ex['gibbs']} Gibbs steps"[:width], st.plain(dim=True))])
        out += tiled(dreams, 1.0, mono, width)
        error = num(shown["completion_error"], 2)
        said = (f"completion: {error} of the filled pixels wrong", f"completion: {error} filled wrong",
                f"completion: {error} wrong")   # narrower, never cut in a word
        out.append([(st.first_fitting(said, width), st.plain(dim=True))])
        if len(out) >= height - 1 and len(out) <= height:
            # the completion's pictures get no row: its error, a measure, is worth more than the
            # note that rows are out of view (the note would take the line, and the error with it)
            return out
        out += tiled([(f"{j + 1}", image(c)) for j, c in enumerate(shown["completion"])], 1.0, mono, width)
        room = height - len(out) - 1
        fields = shown["fields"]
        scale = float(np.abs(fields).max()) or 1.0
        if room >= lines_of(side, mono) + 2:   # a row of fields, under their heading and names
            out.append([(f"receptive fields (±{num(scale, 2)})"[:width], st.plain(dim=True))])
            tiles = tiled([(f"h{j + 1}", f) for j, f in enumerate(fields)], scale, mono, width, wide=1)
            out += fit(tiles, room, width)
        return fit(out, height, width)
