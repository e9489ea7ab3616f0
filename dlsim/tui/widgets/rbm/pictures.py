"""The RBM's pictures, as images two pixels a cell (a pixel row a line without colour): the sample
in hand's chain (v₀, the reconstruction p(v|h₀), the negative phase's v_k) or, between samples,
nothing; what the model dreams after `gibbs` Gibbs steps from random pixels; pattern completion
(the clamped part beside what the chain filled in); each hidden unit's receptive field (its
weights, blue + and orange −). Every value is the model's (RBM.inspect): this panel only lays them
out, a page at a time where they do not all fit (pages.py: click, or Tab then PgDn / PgUp)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae.pictures import lines_of, tiled
from dlsim.tui.widgets.panel import Cells, UiState
from dlsim.tui.widgets.rbm.pages import PagedParts, Part, picture_rows


class Pictures(PagedParts):
    READING = (("chain · dreams · completion · fields",
                "v₀ the image, p(v|h₀) its reconstruction, v_k where the negative phase's chain ended;\n"
                "dreams: p(v) after the Gibbs steps from random pixels; completion: the clamped pixels\n"
                "(top row and left column, or the top half) and what the model filled in;\n"
                "fields: each hidden unit's weights as an image, blue +, orange −;\n"
                "where not all fit, a page at a time: click the panel, or Tab to it and PgDn / PgUp"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "shown" not in ex or width < 4:
            return []
        shown, side, mono = ex["shown"], ex["side"], getattr(self.app, "no_color", False)
        if not side:
            return []
        per_row = 1 + lines_of(side, mono)   # a row of pictures: their names, then their lines

        def image(values):
            return np.nan_to_num(np.asarray(values, float), nan=0.0).reshape(side, side)

        def pictures(images, scale=1.0, heading=(), wide=None):
            return picture_rows(tiled(images, scale, mono, width, wide), per_row, heading)
        parts = []
        if "v0" in shown:
            chain = [("v₀", image(shown["v0"])), ("p(v|h₀)", image(shown["reconstruction"])),
                     (f"v{ex['k']}", image(shown["vk"]))]
            parts.append(Part(f"chain of sample {shown['sample']}", pictures(chain), short=f"sample {shown['sample']}"))
            # the subtitle's shorter form: at 80×24 it shares the one rule with the sample and the page
            title, subtitle = f"chain of sample {shown['sample']}", ("blank: not drawn yet", "blank: not yet")
        else:
            title, subtitle = "chain · dreams · completion · fields", ""
        dreams = [(f"{j + 1}", image(d)) for j, d in enumerate(shown["samples"])]
        parts.append(Part("dreams", pictures(dreams, heading=[[(f"dreams after {ex['gibbs']} Gibbs steps"[:width],
                                                                st.plain(dim=True))]])))
        error = num(shown["completion_error"])   # as a lesson quotes it: 0.083, not 0.08
        said = (f"completion: {error} of the filled pixels wrong", f"completion: {error} filled wrong",
                f"completion: {error} wrong")   # narrower, never cut in a word
        # its error a line of its own: where the pictures go to the next page, the measure stays
        completion = pictures([(f"{j + 1}", image(c)) for j, c in enumerate(shown["completion"])])
        parts.append(Part("completion", [[[(st.first_fitting(said, width), st.plain(dim=True))]], *completion]))
        parts.append(self.fields_part(shown["fields"], mono, width, per_row))
        return self.paged(parts, title, subtitle, width, height)

    @staticmethod
    def fields_part(fields, mono: bool, width: int, per_row: int) -> Part:
        """Each hidden unit's weights as an image, under a heading with their scale; a unit named by
        its index, as the heatmap's columns and the math panel's paths (h[15]) name it."""
        fields = np.asarray(fields)
        scale = float(np.abs(fields).max()) or 1.0
        heading = [[(f"receptive fields (±{num(scale, 2)})"[:width], st.plain(dim=True))]]
        tiles = tiled([(f"h{j}", f) for j, f in enumerate(fields)], scale, mono, width, wide=1)
        return Part("fields", picture_rows(tiles, per_row, heading), "receptive fields")
