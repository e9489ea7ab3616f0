"""dlsim: a terminal-first deep-learning simulator for learning how neural networks work."""
from dlsim.version import __version__  # noqa: F401  (dlsim.__version__, said by `dlsim --version`)


def make(name: str, seed: int = 0, **config):
    """Build a simulator: `dlsim.make("mlp", seed=1, hidden=[8], lr=0.1, dataset="circle")`."""
    from dlsim.sim.simulator import Simulator
    return Simulator(name, seed=seed, **config)


def open(path):   # noqa: A001  (dlsim.open, as the README writes it; the builtin is untouched outside)
    """A saved session (`sim.save(path)`, `dlsim run … --save`, the app's S), standing where it was
    saved: `dlsim.open("run.dlsim").train(epochs=10)` goes on as if it had never been closed."""
    from dlsim.sim.session_file import load as load_session
    return load_session(path)


load = open   # the same, for code that would rather not shadow the builtin's name


def parse_config(text: str):
    """(network, options) from a configuration string such as 'mlp:dataset=spiral,hidden=16.16,lr=0.1'."""
    from dlsim.sim.config_string import parse_config as parse
    return parse(text)


def sweep(net=None, grid=None, seeds=(0,), epochs=None, **more):
    """Many runs at once on Dask: `dlsim.sweep("mlp", {"lr": [0.01, 0.1, 1]}, seeds=range(3))` returns
    each run's record (configuration, metrics, curves, pass/fail), in the grid's order. See
    dlsim.sweeps.sweep for `expect`, `lesson`, `configs`, `client` and `out`."""
    from dlsim.sweeps import sweep as run_sweep
    return run_sweep(net, grid, seeds, epochs, **more)
