"""The transformer's view: one head's attention matrix over the token strip (left), the residual
stream with the next-token distribution and the curves (right). Every number is the model's
(Transformer.inspect); this file only picks what to show (the head, the selected cell) and lays it
out (widgets/transformer/)."""
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from dlsim.protocol.events import Level
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.panels import curves, titled
from dlsim.tui.widgets.transformer.attention import AttentionMatrix
from dlsim.tui.widgets.transformer.stream import ResidualStream


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

    def compose(self) -> ComposeResult:
        with Horizontal(id="sim-body", classes=self.name):
            with Vertical(id="left"):
                yield titled(AttentionMatrix(self, id="graph"), "attention")
            with Vertical(id="right"):
                yield titled(ResidualStream(self, id="decision"), "residual stream")
                yield curves(self)

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
        return (f"batch {min(model.batch_index + 1, model.n_batches())}/{model.n_batches()} · sequence "
                f"{min(model.sample + self.in_sample(last), rows)}/{rows}")

    def extras(self, model) -> dict:
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        return {**super().extras(model), **shown, "vocabulary": model.vocabulary,
                "temperature": model.config["temperature"], "top_k": model.config["top_k"]}
