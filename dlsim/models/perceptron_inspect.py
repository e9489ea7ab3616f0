"""What the perceptron's pictures show, computed by the model: its line w·x + b = 0 over the data,
where that line was when the sample in hand came in, and whether the rule has moved it since.

The app's view lays these out; lessons quote them by the names in `INSPECTED`, and headless traces
carry them (`--trace-inspect`). A mixin of the Perceptron class.
"""
from dlsim.protocol.events import Level

INSPECTED = {
    "sample": "the training sample (row of the data) the rule is working on",
    "line": "(w[0], w[1], b): the line w[0]·x₀ + w[1]·x₁ + b = 0 the neuron fires on one side of, now",
    "line_before": "the line as it was when the sample in hand came in (its weighted sum's weights)",
    "line_moved": "whether the rule has moved the line during the sample in hand: an error moves it, "
                  "a right answer leaves it where it was",
}


class PerceptronInspect:
    inspected = INSPECTED

    def line(self) -> tuple[float, float, float] | None:
        """(w[0], w[1], b) of a neuron with two inputs (else None: no line in a plane)."""
        w, b = self.theta[:-1], self.theta[-1]
        return (float(w[0]), float(w[1]), float(b)) if len(w) == 2 else None

    def sample_sum(self, last, trace):
        """The weighted-sum event that opened the sample `last` belongs to, if the trace holds it."""
        if last is None or last.level > Level.SAMPLE or not trace:
            return None
        ws = trace.get(("weighted_sum", "perceptron.neuron"))
        if ws is None or last.values.get("sample", ws.values["sample"]) != ws.values["sample"]:
            return None   # a step that skipped the trace (a coarse one) ended on another sample
        return ws

    def sample_in_hand(self, last, trace) -> int | None:
        """The sample (row of data.X) the rule is working on at `last`, if any."""
        if last is not None and last.level <= Level.SAMPLE and "sample" in last.values:
            return int(last.values["sample"])
        ws = self.sample_sum(last, trace)
        return int(ws.values["sample"]) if ws is not None else None

    def line_before(self, last, trace) -> tuple[float, float, float] | None:
        """The line when the sample in hand came in: the weights its weighted sum used."""
        ws = self.sample_sum(last, trace)
        if ws is None or len(ws.values["weights"]) != 2:
            return None
        w = ws.values["weights"]
        return float(w[0]), float(w[1]), float(ws.values["bias"])

    def inspect(self, last=None, trace=None):
        out = {}
        line = self.line()
        if line is not None:
            out["line"] = line
        s = self.sample_in_hand(last, trace)
        if s is not None:
            out["sample"] = s
        before = self.line_before(last, trace)
        if before is not None and line is not None:
            out["line_before"], out["line_moved"] = before, before != line
        return out

    def exercise(self):
        """Run what the pictures and inspect() call beyond training (all NumPy: nothing to compile)."""
        super().exercise()
        self.scores(self.X[:2])
        self.inspect()
