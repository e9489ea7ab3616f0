"""The residual stream, position × dimension, entering each block and leaving the last (a row per
position, a shaded glyph per dimension: ░▒▓█ positive, ·-=≡ negative, so NO_COLOR still reads),
and the output distribution at the position in hand: its most likely next tokens and their
probabilities, or, at another temperature or top-k (the options; `[` `]` and `k` here change them),
the distribution the next token is drawn from; for the poems, the text the network writes with them.
Every number is the model's (Transformer.inspect)."""
import numpy as np
from textual.binding import Binding

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.timeline.heat import glyphs
from dlsim.tui.widgets.transformer.attention import shown_symbol

DIM = st.plain(dim=True)
TOP = 3   # next tokens listed
TEMPERATURES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)   # what [ and ] step through
TOP_KS = (0, 1, 2, 3, 5, 10)                                  # what k cycles through (0: all)


class ResidualStream(Panel):
    READING = (("residual stream", "each position's vector (a row; a column per dimension) entering each block and\n"
                                   "leaving the last: ░▒▓█ positive, ·-=≡ negative; below, the next-token\n"
                                   "probabilities at the position in hand; [ ] cooler / hotter, k top-k:\n"
                                   "the distribution the next token is drawn from (T temperature)"),)
    can_focus = True
    BINDINGS = [Binding("left_square_bracket", "temperature(-1)", "cooler"),
                Binding("right_square_bracket", "temperature(1)", "hotter"),
                Binding("k", "top_k", "top-k")]

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
        """The kernels' probabilities at temperature 1 over every token; the sampling distribution
        the model computed otherwise, labelled with its temperature and top-k."""
        temperature, top_k = ex.get("temperature", 1.0), ex.get("top_k", 0)
        plain = temperature == 1.0 and top_k == 0
        P = ex.get("probabilities" if plain else "sampling")
        if P is None or not np.all(np.isfinite(P[t])):
            return [[(f"next token at {t}: not computed yet"[:width], DIM)]]
        V = ex["vocabulary"]
        top = np.argsort(-P[t], kind="stable")[:TOP]
        said = "  ".join(f"'{shown_symbol(V[k])}' {P[t, k]:.2f}" for k in top)
        how = "" if plain else f" (T {num(temperature, 2)}{f', top {top_k}' if top_k else ''})"
        return [[(f"next at {t}{how}: {said}"[:width], st.plain())]]

    # --- choosing: the options temperature and top_k, set as the options screen sets them ----------
    def action_temperature(self, step: int) -> None:
        now = self.view.session.sim.config["temperature"]
        below, above = [x for x in TEMPERATURES if x < now], [x for x in TEMPERATURES if x > now]
        choice = (below[-1] if below else now) if step < 0 else (above[0] if above else now)
        self.app.screen.simview.set_option("temperature", choice)

    def action_top_k(self) -> None:
        now = self.view.session.sim.config["top_k"]
        later = [k for k in TOP_KS if k > now]
        self.app.screen.simview.set_option("top_k", later[0] if later else 0)
