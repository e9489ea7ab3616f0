"""`@sweep OPTION=V1,V2,… epochs=N` in a lesson: the same network trained once per value, each from
its own start (the lesson's seed and options, that one option changed), side by side — a small
sweep, run here one after another (a handful of short runs; `dlsim sweep` runs big ones on Dask).

The lesson then reads each run through `swept(METRIC, VALUE)` (its final train_loss, diverged, …)
and asks which value did something first through `first_swept(METRIC)`: the first value, in the
order the lesson lists them, whose run has METRIC true (a yes/no metric such as diverged), or
`none`. Values are written as `dlsim sweep --set` writes them: commas between values, layer sizes
joined by dots (16.16).

Each run's metrics per epoch are kept too (`histories`), so that a screen can draw the runs side by
side, one curve per value, from the runs themselves (Swept.shown).
"""
from dataclasses import dataclass, field

from dlsim.models import MODELS
from dlsim.models.options import current_name, resolve

NONE = "none"   # first_swept's answer when no run has the metric true


@dataclass
class Swept:
    option: str
    words: tuple[str, ...]                 # the values as the lesson wrote them
    runs: dict = field(default_factory=dict)   # value (parsed) -> the run's summary
    histories: dict = field(default_factory=dict)   # value (parsed) -> the run's metrics per epoch

    def run_of(self, network: str, word: str) -> dict:
        value = parse_value(network, self.option, word)
        if value not in self.runs:
            raise KeyError(f"the @sweep ran {self.option} = {', '.join(self.words)}, not {word}")
        return self.runs[value]

    def shown(self) -> list[tuple[str, dict, list[dict]]]:
        """(the value as the lesson wrote it, the run's summary, its metrics per epoch) per run, in
        the lesson's order: what a screen draws of the sweep."""
        return [(word, self.runs[value], self.histories.get(value, []))
                for word, value in zip(self.words, self.runs)]

    def first(self, metric: str) -> str:
        for word, run in zip(self.words, self.runs.values()):   # the runs in the lesson's order
            value = run.get(metric)
            if not isinstance(value, bool):
                raise KeyError(f"first_swept({metric}) needs a yes/no metric (diverged, converged), "
                               f"and {metric} is {value!r}")
            if value:
                return word
        return NONE


def option_of(network: str, key: str) -> str:
    return current_name(network, MODELS[network].options, key)


def parse_value(network: str, option: str, word: str):
    """A value as the option reads it (layer sizes written with dots)."""
    sizes = isinstance(next(o for o in MODELS[network].options if o.name == option).default, tuple)
    return resolve(network, MODELS[network].options, {option: word.replace(".", ",") if sizes else word})[option]


def run_sweep(sim, option: str, words: tuple[str, ...], epochs: int) -> Swept:
    """Train a fresh copy of `sim`'s network once per value, `epochs` epochs each (fewer where it
    converges or its loss stops being finite, as a headless run does)."""
    from dlsim.sim.simulator import Simulator
    swept = Swept(option, words)
    config = {k: v for k, v in sim.config.items() if k != "seed"}
    for word in words:
        value = parse_value(sim.name, option, word)
        run = Simulator(sim.name, seed=sim.config.get("seed", 0), **{**config, option: value})
        swept.runs[value] = run.train(epochs=epochs)
        swept.histories[value] = list(run.history)   # the run is dropped: its curve is kept
    return swept
