"""Parameters in one flat buffer, with their gradient and the optimizer's state beside them.

Every gradient-trained network keeps four buffers of one layout: theta (the parameters), grad (the
gradient accumulated over the batch in hand), m and v (momentum's velocity or Adam's moments). The
kernels take the buffers whole; the names a learner sees (`layer[0].W`) are views into them, which
`_named(buf)` — the one thing each network writes — cuts out. The optimizer's settings come from its
options the same way for every network: `optimizer_settings()`.
"""
import numpy as np

from dlsim.kernels import optimizers


class FlatParameters:
    EPS = 1e-8   # Adam's ε

    theta: np.ndarray   # (P,) the parameters
    grad: np.ndarray    # (P,) ∂L/∂θ accumulated over the batch (or step) in hand
    m: np.ndarray       # (P,) momentum velocity or Adam's first moment
    v: np.ndarray       # (P,) Adam's second moment

    def hold(self, theta: np.ndarray) -> None:
        """Take `theta` as the parameters, with a zero gradient and zero optimizer state beside it."""
        self.theta = theta
        self.grad = np.zeros_like(theta)
        self.m = np.zeros_like(theta)
        self.v = np.zeros_like(theta)

    def _named(self, buf: np.ndarray) -> dict[str, np.ndarray]:
        """Each parameter's name → its view into `buf` (theta, or a buffer of the same layout)."""
        raise NotImplementedError

    @property
    def params(self) -> dict[str, np.ndarray]:
        return self._named(self.theta)

    def accumulated_gradients(self) -> dict[str, np.ndarray]:
        return self._named(self.grad)

    def flat_params(self) -> np.ndarray:
        return self.theta   # every parameter already lives in this one buffer

    def optimizer_state(self) -> dict[str, dict[str, np.ndarray]]:
        """What the optimizer remembers of each parameter, by the symbol a learner reads it by:
        momentum's velocity v, Adam's moments m and v (a copy, each by parameter name); nothing for
        plain gradient descent, which remembers nothing between steps."""
        return self.remembered(self.optimizer_settings()[0])

    def remembered(self, kind: int, prefix: str = "") -> dict[str, dict[str, np.ndarray]]:
        """optimizer_state's symbols for the optimizer `kind`, of the parameters named `prefix`… (a
        network of parts, each with an optimizer of its own, asks for each part's)."""
        def named(buf):   # views first, then copies of the part asked for (a GAN's D or G)
            return {k: v.copy() for k, v in self._named(buf).items() if k.startswith(prefix)}
        if kind == optimizers.MOMENTUM:
            return {"v": named(self.m)}
        if kind == optimizers.ADAM:
            return {"m": named(self.m), "v": named(self.v)}
        return {}

    def optimizer_settings(self, side: str = "") -> tuple[int, float, float, float, float, float]:
        """(optimizer code, lr, momentum, β1, β2, ε) from the options (`side`: a network of parts
        names each part's optimizer and learning rate with its prefix, such as a GAN's "d_")."""
        c = self.config
        return (optimizers.CODES[c[f"{side}optimizer"]], float(c[f"{side}lr"]), float(c["momentum"]),
                float(c["beta1"]), float(c["beta2"]), self.EPS)


def merged(states: list[dict[str, dict[str, np.ndarray]]]) -> dict[str, dict[str, np.ndarray]]:
    """Several parts' optimizer_state as one (a GAN's D and G, a DBN's RBMs and classifier), each
    name keeping its own part's symbols: under D's momentum and G's Adam, D's weights have a v (the
    velocity), G's an m and a v. m first, as each optimizer's own state lists them."""
    return {symbol: {name: value for state in states for name, value in state.get(symbol, {}).items()}
            for symbol in ("m", "v") if any(symbol in state for state in states)}
