"""dlsim: a terminal-first deep-learning simulator for learning how neural networks work."""
from dlsim.version import __version__  # noqa: F401  (dlsim.__version__, said by `dlsim --version`)


def make(name: str, seed: int = 0, **config):
    """Build a simulator: `dlsim.make("mlp", seed=1, hidden=[8], lr=0.1, dataset="circle")`."""
    from dlsim.sim.simulator import Simulator
    return Simulator(name, seed=seed, **config)
