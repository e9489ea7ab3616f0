"""The input beside its reconstruction: the sample in hand (as its events computed it: clean, as
corrupted, as rebuilt so far) or, between samples, the first test input; under them the first
layer's weights, one image tile per unit (what each encoder unit looks for), a page at a time where
they do not all fit (rbm/pages.py: click, or Tab then PgDn / PgUp; the title says what the next page
holds). For 2-D points the same as numbers: x → code → x̂. Every value is the model's (AE.inspect,
AE.reconstruct)."""
import textwrap

import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae.pictures import fit, lines_of, tiled
from dlsim.tui.widgets.panel import Cells, UiState
from dlsim.tui.widgets.rbm.pages import PagedParts, Part, picture_rows


def _vector(values) -> str:
    return "(" + ", ".join("·" if not np.isfinite(v) else num(v, 2) for v in values) + ")"


def _code_lines(ex, width: int, eq: str = " ") -> list[str]:
    """The code; a VAE's as μ, σ and ε too (z = μ + σ·ε): on as many lines as the width needs,
    broken between its parts (a vector too wide for a line, at its commas)."""
    if "heads" in ex:
        mu, sigma, eps = ex["heads"]
        parts = [f"μ {_vector(mu)}", f"σ {_vector(sigma)}", f"ε {_vector(eps)}", f"→ z {_vector(ex['code'])}"]
    else:
        parts = [f"code{eq}{_vector(ex['code'])}"]
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 1 + len(part) <= width:
            lines[-1] += " " + part
        else:
            lines += textwrap.wrap(part, max(width, 1), break_on_hyphens=False) or [part[:width]]
    return lines


class Rebuilt(PagedParts):
    READING = (("input · rebuilt", "the input (as corrupted, when denoising) beside the network's rebuilding of it;\n"
                                   "below, each first-layer unit's weights as an image: blue +, orange −;\n"
                                   "where not all fit, a page at a time: click the panel, or Tab to it and\n"
                                   "PgDn / PgUp"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "x" not in ex or width < 4:
            return []
        mono = getattr(self.app, "no_color", False)
        pending = not np.isfinite(ex["rebuilt"]).all() or not np.isfinite(ex["code"]).all()
        title, which = f"input · rebuilt · {ex['which']}", ex["which"]
        # at 80×24 (no bottom border) the note joins the title: the pictures' names say the rest
        subtitle = (("· or blank: not computed yet", "·/blank: not computed yet", "·/blank: not yet")
                    if pending else "")
        together = (f"{title} · {subtitle[0]}", *(f"{which} · {form}" for form in subtitle)) if pending else ()
        side = ex["side"]
        if side is None:   # points: the numbers themselves
            lines = [f"x  = {_vector(ex['x'])}"]
            if ex["corrupted"] is not None:
                lines.append(f"x̃  = {_vector(ex['corrupted'])}")
            lines += _code_lines(ex, width, " = ") + [f"x̂  = {_vector(ex['rebuilt'])}"]
            self.pages = 1
            self.set_titles(title, subtitle, together)
            return [[(line[:width], st.plain())] for line in lines]
        images = [("input", ex["x"].reshape(side, side))]
        if ex["corrupted"] is not None:
            images.append(("corrupted", np.nan_to_num(ex["corrupted"], nan=0.0).reshape(side, side)))
        images.append(("rebuilt", np.nan_to_num(ex["rebuilt"], nan=0.0).reshape(side, side)))
        # the code is kept under the pictures, however short the panel: it is what they pass through
        code = [[(line, st.plain(dim=True))] for line in _code_lines(ex, width)]
        images = fit(tiled(images, 1.0, mono, width), height - len(code), width) + code
        parts = [Part(title, [images], short=which)]
        W = ex["first_weights"]   # (F, units)
        scale = float(np.abs(W).max()) or 1.0
        tiles = tiled([(f"h{j + 1}", W[:, j].reshape(side, side)) for j in range(W.shape[1])], scale, mono, width,
                      wide=1)
        heading = [[(f"first layer's weights (±{num(scale, 2)})"[:width], st.plain(dim=True))]]
        rows = picture_rows(tiles, 1 + lines_of(side, mono), heading)
        parts.append(Part("weight tiles", rows, said="first layer's weights"))
        return self.paged(parts, title, subtitle, width, height, together)
