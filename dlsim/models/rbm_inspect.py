"""What the RBM's pictures show, computed by the model through its kernels: the batch's positive and
negative statistics and the ΔW they make, the weights and each hidden unit's receptive field, the
sample in hand's chain (v₀, h₀, its reconstruction, v_k) from the ops that ran, samples from the
model after `gibbs` Gibbs steps, and pattern completion (the top half of some training images
clamped, the chain filling in the rest). A mixin of the RBM class; the app's view lays these out,
lessons quote them by these names, headless traces carry them.
"""
import numpy as np

from dlsim.models import rbm_data
from dlsim.models.per_weights import kept
from dlsim.protocol.events import Level

SHOWN = 8           # images in the samples' and the completion's rows
START_SALT = 37     # the pictures' chains start from default_rng([seed, START_SALT]) (random pixels)

INSPECTED = {
    "positive": "(V, H) the data's statistics ⟨v₀·p(h₀)⟩ over the batch's samples so far (the positive phase)",
    "negative": "(V, H) the model's statistics ⟨v_k·p(h_k)⟩ over the batch's samples so far (the negative phase)",
    "delta_w": "(V, H) ΔW = lr·(positive − negative): the update CD makes of them",
    "counted": "how many samples the positive and negative statistics hold",
    "weights": "(V, H) the weights W",
    "fields": "(H, side, side) each hidden unit's weights as an image: its receptive field",
    "samples": "(8, side, side) p(v) after `gibbs` Gibbs steps from random pixels: what the model dreams",
    "completion": "(8, side, side) the first training images with part clamped (bars-and-stripes: the top row and "
                  "left column; digits: the top half), p(v) after `gibbs` steps: the model fills in the rest",
    "completion_error": "the share of the filled-in pixels wrong after rounding p(v) at 0.5",
    "sample": "the training sample (row of the data) whose chain is in hand",
    "v0": "that sample's image v₀ (the data)",
    "h0": "its hidden states h₀ drawn in the positive phase (NaN: not yet)",
    "reconstruction": "p(v | h₀), the reconstruction its error is measured on (NaN: not yet)",
    "vk": "the chain's last visible states v_k, the negative phase's (NaN: not yet)",
}


class RBMInspect:
    inspected = INSPECTED

    def _images(self, rows):
        """rows (M, V) as (M, side, side) where the data are square images."""
        return rows.reshape(len(rows), self.side, self.side) if self.side else rows

    def clamp_mask(self):
        """(V,) 1 where completion holds a pixel at the data's value: on bars-and-stripes the top row
        and the left column (the row tells a bars pattern, the column a stripes one: the rest follows),
        elsewhere the top half of the image."""
        mask = np.zeros(self.V)
        if self.data.name in (rbm_data.BARS, rbm_data.SMALL_BARS):
            image = mask.reshape(self.side, self.side)
            image[0, :] = image[:, 0] = 1.0
        else:
            mask[:self.V // 2] = 1.0
        return mask

    def dream(self, starts, clamp, kernels=None):
        """p(v) (M, V) after the `gibbs` steps of the chains from `starts` (M, V), clamped pixels held."""
        v, pv = np.ascontiguousarray(starts, np.float64), np.zeros((len(starts), self.V))
        (kernels or self.kernels_now()).rbm.gibbs(self.theta, self.V, self.H, v, clamp, int(self.config["gibbs"]),
                                                  int(self.config["seed"]), pv)
        return pv

    def _starts(self, m):
        rng = np.random.default_rng([self.config["seed"], START_SALT])
        return (rng.random((m, self.V)) < 0.5).astype(np.float64)

    def model_samples(self, kernels=None):
        kernels = kernels or self.kernels_now()
        key = (kernels.name, int(self.config["gibbs"]))
        return kept(self, "_samples_kept", key,
                    lambda: self.dream(self._starts(SHOWN), np.zeros(self.V), kernels)).copy()

    def completed(self, kernels=None):
        """(the images clamped (M, V), p(v) after the chain (M, V))."""
        kernels = kernels or self.kernels_now()
        clamp = self.clamp_mask()
        images = self.X[:SHOWN]
        starts = np.where(clamp > 0, images, self._starts(len(images)))
        key = (kernels.name, int(self.config["gibbs"]))
        return images, kept(self, "_completion_kept", key, lambda: self.dream(starts, clamp, kernels)).copy()

    def _stats(self, buf):
        n = max(self.counted, 1)
        return self._named(buf)["W"] / n

    def inspect(self, last=None, trace=None):
        pos, neg = self._stats(self.pos), self._stats(self.neg)
        out = {"positive": pos, "negative": neg, "delta_w": float(self.config["lr"]) * (pos - neg),
               "counted": int(self.counted), "weights": self.params["W"].copy()}
        W = self.params["W"]
        out["fields"] = self._images(np.ascontiguousarray(W.T))
        out["samples"] = self._images(self.model_samples())
        images, filled = self.completed()
        out["completion"] = self._images(filled)
        free = self.clamp_mask() == 0
        out["completion_error"] = float(np.mean((filled[:, free] > 0.5) != (images[:, free] > 0.5)))
        s = self.sample_in_hand(last)
        if s is None or not trace:
            return out
        out["sample"], out["v0"] = s, self.X[s].copy()
        out["h0"] = self._traced(trace, "sample_h", "rbm.step[0].h", self.H, "state")
        rebuilt = trace.get(("reconstruct", "rbm.reconstruction"))
        out["reconstruction"] = np.array(rebuilt.values["p"]) if rebuilt else np.full(self.V, np.nan)
        out["vk"] = self._traced(trace, "sample_v", f"rbm.step[{self.k}].v", self.V, "state")
        return out

    @staticmethod
    def _traced(trace, op, where, size, key):
        row = np.full(size, np.nan)
        for q in range(size):
            event = trace.get((op, f"{where}[{q}]"))
            if event is not None:
                row[q] = event.values[key]
        return row

    def sample_in_hand(self, last):
        """The row of data whose chain `last` belongs to (None between samples)."""
        if last is None or last.level >= Level.BATCH or last.phase not in ("positive", "negative", "loss"):
            return None
        rows = self.batch_rows()
        k = self.sample if last.closes < Level.SAMPLE else self.sample - 1   # the cursor moved on
        return int(rows[k]) if 0 <= k < len(rows) else None

    def exercise(self):
        """Compile what the pictures and the API call beyond training."""
        super().exercise()
        self.model_samples(self.kernels)
        self.completed(self.kernels)
        self.hidden_probabilities(self.X[:2], self.kernels)
        if self.enumerable():
            self.log_partition(self.kernels)
