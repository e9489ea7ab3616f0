"""The transformer's view: one head's attention matrix over the token strip and the next-token
distribution (left), the residual stream and the curves (right). Every number is the model's
(Transformer.inspect); this file only picks what to show (the head, the selected cell), lays it out
(widgets/transformer/) and binds the keys that choose (TransformerBody)."""
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.tui.offered import Offered
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import curves, titled
from dlsim.tui.widgets.panel import cell_moves
from dlsim.tui.widgets.transformer.attention import AttentionMatrix
from dlsim.tui.widgets.transformer.stream import ResidualStream

TEMPERATURES = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)   # what [ and ] step through
TOP_KS = (0, 1, 2, 3, 5, 10)                                  # what k cycles through (0: all)


class TransformerBody(Offered, Horizontal):
    """The panels, with the transformer's keys bound here rather than on one panel: a key bound on a
    panel only works while that panel has focus, and `[` `]` `k` were silent until Tab reached the
    residual stream. Here they work whichever panel has focus (the screen focuses the first), and with
    none (a lesson opens so: SimulationScreen._binding_chain asks this body after the screen). Not in
    the footer (it has room for the stepping keys only at 80 columns): the panels' titles and ? say them."""
    BINDINGS = cell_moves("query", "key") + [
        Binding("h", "next_head", "next head", show=False),
        Binding("left_square_bracket", "temperature(-1)", "cooler", show=False),
        Binding("right_square_bracket", "temperature(1)", "hotter", show=False),
        Binding("k", "top_k", "top-k", show=False)]
    # h only where there is another head (offered.py; the attention's title says "h: next" alike)
    OFFERED = {"next_head": lambda body: body._simview().session.sim.config["layers"]
               * body._simview().session.sim.config["heads"] > 1}

    def action_move(self, di: int, dj: int) -> None:
        self.query_one(AttentionMatrix).action_move(di, dj)

    def action_next_head(self) -> None:
        self._simview()._report(self.query_one(AttentionMatrix).action_next_head())

    def action_temperature(self, step: int) -> None:
        """The option temperature, one step cooler or hotter, set as the options screen sets it."""
        simview = self._simview()
        now = simview.session.sim.config["temperature"]
        below, above = [x for x in TEMPERATURES if x < now], [x for x in TEMPERATURES if x > now]
        choice = below[-1] if step < 0 and below else above[0] if step > 0 and above else None
        if choice is None:
            simview._report(f"temperature {now} is already the {'lowest' if step < 0 else 'highest'} here: "
                            f"{'] hotter' if step < 0 else '[ cooler'}, or o sets any")
            return
        simview._report(simview.set_option("temperature", choice))

    def action_top_k(self) -> None:
        simview = self._simview()
        now = simview.session.sim.config["top_k"]
        later = [k for k in TOP_KS if k > now]
        simview._report(simview.set_option("top_k", later[0] if later else 0))

    def _simview(self):
        return self.screen.simview


class TransformerView(NetworkView):
    name = "transformer"
    level_words = {Level.LAYER: "sublayer"}
    level_help = {Level.OP: "one position's row (a layer norm, Q K V, the MLP) or one query against every key",
                  Level.LAYER: "the embeddings, a block's attention or MLP, the output, the loss"}
    phases = "forward (embed → attention → MLP → logits) → loss → backward → update"

    def __init__(self, session):
        super().__init__(session)
        self.head: tuple[int, int] | None = None   # (block, head) the learner chose; None: the one in hand
        self.pick: tuple[int, int] | None = None   # (query, key) the learner selected
        self._lesson_pick = False   # head and pick chosen by a lesson's @highlight (its next step gives them back)

    def compose(self) -> ComposeResult:
        with TransformerBody(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield titled(AttentionMatrix(self, id="graph"), "attention")
            with Vertical(id="right"):
                yield titled(ResidualStream(self, id="decision"), "residual stream")
                yield curves(self)

    def highlight(self, name, index) -> None:
        """attention[block, head, query, key]: that head shown, that cell selected (the window of
        queries follows it); a step without one gives back what a lesson chose."""
        if name == "attention" and index is not None and len(index) == 4:
            self.head, self.pick, self._lesson_pick = (index[0], index[1]), (index[2], index[3]), True
        elif self._lesson_pick:
            self.head, self.pick, self._lesson_pick = None, None, False

    def highlight_place(self, name: str) -> str | None:
        return "attention matrix" if name == "attention" else None

    def shown_head(self, ex) -> tuple[int, int]:
        if self.head is not None:
            return self.head
        query = ex.get("query")
        return (query[0], query[1]) if query else (0, 0)

    def picked_cell(self, T: int) -> tuple[int, int]:
        """The selected (query, key), kept inside the matrix; the last query's strongest key at first."""
        if self.pick is None:
            return T - 1, 0
        return min(self.pick[0], T - 1), min(self.pick[1], T - 1)

    def sample(self, model, last):
        return model.sample_in_hand(last)

    def cursor(self, model, last) -> str:
        rows = len(model.batch_rows()) if model.batch_index < model.n_batches() else model.batch_size
        # "seq", as the RNN's: at 80 columns "· sequence" cost the status line its level
        return (f"batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} seq "
                f"{min(model.sample + self.in_sample(last), rows)}/{rows}")

    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        return {**super().extras(model), **shown, "vocabulary": model.vocabulary,
                "temperature": model.config["temperature"], "top_k": model.config["top_k"]}
