"""What the variational autoencoder's pictures show, computed by the model through its kernels: the
autoencoder's (the sample in hand, its reconstruction, every test input's code — its mean μ — and
the decoded grid) with the VAE's own: the sample's μ, log σ², ε and z as its events computed them.
A mixin of the VAE class; the app's view lays these out, lessons quote them by these names."""
import numpy as np

from dlsim.models.ae_inspect import INSPECTED as AE_INSPECTED
from dlsim.models.ae_inspect import AEInspect

INSPECTED = {
    **{k: v for k, v in AE_INSPECTED.items() if k not in ("corrupted", "sample_code", "test_codes")},
    "sample_mu": "that sample's μ head: the mean of its code (NaN: not computed yet)",
    "sample_logvar": "that sample's log σ² head: the log-variance of its code (NaN: not yet)",
    "sample_sigma": "that sample's σ = e^(½·log σ²), as z's draw computed it (NaN: not yet)",
    "sample_eps": "that sample's ε, drawn from N(0, 1) for its epoch and row (NaN: not drawn yet)",
    "sample_code": "that sample's code z = μ + σ·ε, as its forward pass computed it (NaN: not yet)",
    "test_codes": "the mean code μ of every test input (rows: test inputs; columns: code units), for the code plane",
}


class VAEInspect(AEInspect):
    inspected = INSPECTED

    def _traced(self, trace, op, path, key, n):
        row = np.full(n, np.nan)
        for j in range(n):
            event = trace.get((op, path.format(j)))
            if event is not None:
                row[j] = event.values[key]
        return row

    def inspect(self, last=None, trace=None):
        out = super().inspect(last, trace)
        if "x" not in out:
            return out
        c = self.code
        heads = self._traced_layer(trace, self.code_layer)   # (2C,): μ, then log σ²
        out["sample_mu"], out["sample_logvar"] = heads[:c], heads[c:]
        out["sample_eps"] = self._traced(trace, "draw", "vae.eps[{}]", "eps", c)
        out["sample_sigma"] = self._traced(trace, "reparameterise", "vae.z[{}]", "sigma", c)
        out["sample_code"] = self._traced(trace, "reparameterise", "vae.z[{}]", "z", c)
        return out
