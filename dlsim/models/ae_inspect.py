"""What the autoencoder's pictures show, computed by the model through its kernels: the sample in
hand as its events computed it (its input, the input as corrupted, its code, its reconstruction),
and the code of every test input (the 2-D code plane, coloured by class, that moves as it trains).
A mixin of the AE class; the app's view lays these out, lessons quote them by these names."""
import numpy as np

from dlsim.models.per_weights import kept
from dlsim.protocol.events import Level

INSPECTED = {
    "sample": "the training sample (row of the data) whose forward, loss or backward pass is in hand",
    "x": "that sample's clean input (the target it is rebuilt to)",
    "corrupted": "that sample's input as the network got it: each value dropped (0) where its uniform "
                 "number fell below denoise (NaN: not drawn yet)",
    "sample_code": "that sample's code: the bottleneck layer's outputs, as its forward pass computed them so far "
            "(NaN: not yet)",
    "reconstruction": "that sample's rebuilt input: the output layer, as its forward pass computed it so far "
                      "(NaN: not yet)",
    "test_codes": "the code of every test input (rows: test inputs; columns: code units), for the code plane",
}


class AEInspect:
    inspected = INSPECTED

    def sample_in_hand(self, last):
        """The row of data whose forward, loss or backward pass `last` belongs to (None between samples)."""
        if last is None or last.level >= Level.BATCH or last.phase not in ("forward", "loss", "backward"):
            return None
        rows = self.batch_rows()
        k = self.sample if last.closes < Level.SAMPLE else self.sample - 1   # the cursor moved on
        return int(rows[k]) if 0 <= k < len(rows) else None

    def _traced_layer(self, trace, l, op="activation", key="a"):
        row = np.full(int(self.sizes[l + 1]), np.nan)
        for j in range(len(row)):
            event = trace.get((op, f"{self.name}.layer[{l}].neuron[{j}]"))
            if event is not None:
                row[j] = event.values[key]
        return row

    def test_rows(self) -> np.ndarray:
        """The test inputs, one flat float64 row each (as self.X), an empty set included: (0, inputs)."""
        X = self.data.X_test
        return np.ascontiguousarray(X.reshape(len(X), self.X.shape[1]), np.float64)

    def test_codes(self, kernels=None):
        """(M, code): each test input's code, computed again only when a weight changed."""
        kernels = kernels or self.kernels_now()
        test = self.test_rows()
        return kept(self, "_codes_kept", kernels.name, lambda: self.encode(test, kernels)).copy()

    def inspect(self, last=None, trace=None):
        out = {}
        if len(self.data.X_test):
            out["test_codes"] = self.test_codes()
        s = self.sample_in_hand(last)
        if s is None or not trace:
            return out
        out["sample"], out["x"] = s, self.X[s].copy()
        if self.config.get("denoise", 0) > 0:
            row = np.full(self.X.shape[1], np.nan)
            for k in range(len(row)):
                event = trace.get(("corrupt", f"ae.input[{k}]"))
                if event is not None:
                    row[k] = event.values["input"]
            out["corrupted"] = row
        out["sample_code"] = self._traced_layer(trace, self.code_layer)
        out["reconstruction"] = self._traced_layer(trace, len(self.sizes) - 2)
        return out

    def plane_codes(self, kernels=None):
        """(codes, their classes, whose): what the code plane draws: every test input's code, or,
        without a test set, every training input's (whose: "test" or "training")."""
        if len(self.data.X_test):
            return self.test_codes(kernels), self.data.y_test, "test"
        kernels = kernels or self.kernels_now()
        codes = kept(self, "_train_codes_kept", kernels.name, lambda: self.encode(self.X, kernels)).copy()
        return codes, self.data.y, "training"

    def code_span(self, kernels=None):
        """((lo, hi) of code unit 1, (lo, hi) of code unit 2): the extent of the codes the code plane
        draws (plane_codes); unit 2 is (0, 0) for a 1-unit code."""
        codes = self.plane_codes(kernels)[0]
        codes = codes[np.isfinite(codes).all(axis=1)]
        if not len(codes):
            return (-1.0, 1.0), (0.0, 0.0)
        spans = [(float(codes[:, u].min()), float(codes[:, u].max())) if u < codes.shape[1] else (0.0, 0.0)
                 for u in (0, 1)]
        return tuple(spans)

    def decoded_grid(self, across, down, kernels=None):
        """The decoded grid across the code plane: (points (down, across, code), decodings (down,
        across, features)). Point (r, c) is cell (r, c)'s centre over code_span (row 0 at the top,
        code unit 2 highest); code units past the second are 0."""
        (lo_x, hi_x), (lo_y, hi_y) = self.code_span(kernels)
        xs = lo_x + (np.arange(across) + 0.5) / across * (hi_x - lo_x)
        ys = hi_y - (np.arange(down) + 0.5) / down * (hi_y - lo_y)
        points = np.zeros((down, across, self.code))
        points[:, :, 0] = xs[None, :]
        if self.code > 1:
            points[:, :, 1] = ys[:, None]
        decoded = self.decode(points.reshape(-1, self.code), kernels or self.kernels_now())
        return points, decoded.reshape(down, across, -1)

    def exercise(self):
        """Compile what the pictures call beyond training: encoding, decoding, reconstructing."""
        super().exercise()
        self.test_codes(self.kernels)
        self.decoded_grid(2, 2, self.kernels)
        self.reconstruct(self.X[:2], self.kernels)
