"""The residual stream, position × dimension, entering each block and leaving the last (a row per
position, a shaded glyph per dimension: ░▒▓█ positive, ·-=≡ negative, so NO_COLOR still reads),
and the output distribution at the position in hand: its most likely next tokens and their
probabilities; for the poems, the text the network writes after a prompt. Every number is the model's (Transformer.inspect)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.timeline.heat import glyphs
from dlsim.tui.widgets.transformer.attention import shown_symbol

DIM = st.plain(dim=True)
TOP = 3   # next tokens listed


class ResidualStream(Panel):
    READING = (("residual stream", "each position's vector (a row; a column per dimension) entering each block and\n"
                                   "leaving the last: ░▒▓█ positive, ·-=≡ negative; below, the next-token\n"
                                   "probabilities at the position in hand"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "residual" not in ex or width < 6:
            return []
        X, tokens = ex["residual"], ex["tokens"]
        stages, T, D = X.shape
        at = ex.get("position")
        out: list[Cells] = self._distribution(ex, at if at is not None else T - 1, width)
        if "generated" in ex:   # the poems: what the network writes after its prompt, most likely first
            prompt, text = ex["generated"]
            out.append([("writes ", DIM), ("".join(map(shown_symbol, prompt)), DIM),
                        ("".join(map(shown_symbol, text))[:max(0, width - 7 - len(prompt))], st.plain(bold=True))])
        room = height - len(out)
        fit = max(1, room // (T + 1))
        known = [s for s in range(stages) if np.isfinite(X[s]).any()] or [0]
        shown = list(range(stages)) if fit >= stages else known[-fit:]
        finite = X[np.isfinite(X)]
        scale = float(np.abs(finite).max()) if finite.size else 1.0
        for s in shown:
            title = "embeddings" if s == 0 else f"after block {s - 1}"
            out.append([(f"{title} (±{num(scale, 2)})"[:width], DIM)])
            for t, cells in enumerate(glyphs(X[s], scale)):
                label = ("▶" if t == at else " ") + shown_symbol(tokens[t]) + " "
                out.append([(label, st.plain(bold=True, reverse=True) if t == at else DIM)] + cells[:width - 3])
        return out[:height]

    @staticmethod
    def _distribution(ex, t, width) -> list[Cells]:
        P = ex.get("probabilities")
        if P is None or not np.all(np.isfinite(P[t])):
            return [[(f"next token at {t}: not computed yet"[:width], DIM)]]
        V = ex["vocabulary"]
        top = np.argsort(-P[t], kind="stable")[:TOP]
        said = "  ".join(f"'{shown_symbol(V[k])}' {P[t, k]:.2f}" for k in top)
        return [[(f"next at {t}: {said}"[:width], st.plain())]]
