"""An event's path, parsed once: `mlp.layer[1].W[2,3]` → network `mlp`, parts
(('layer', (1,)), ('W', (2, 3))). Every consumer that needs to know what an event touched (which
network's formulas write it, whether it is a bias, which parameter a lesson asks about) reads it
through here instead of a regular expression of its own."""
import re
from dataclasses import dataclass
from functools import lru_cache

_PART = re.compile(r"([^.\[]+)(?:\[([^\]]*)\])?")


@dataclass(frozen=True)
class Path:
    network: str                                  # the first part: the model's name
    parts: tuple[tuple[str, tuple], ...]          # (name, index) after it; index () if none

    @property
    def leaf(self) -> str:
        """The name of what was touched last: 'W' in mlp.layer[1].W[2,3]; the network for 'mlp'."""
        return self.parts[-1][0] if self.parts else self.network

    def is_bias(self) -> bool:
        """mlp.layer[0].b[2] and perceptron.b are biases; …W[1,2] and perceptron.w[0] are weights."""
        return self.leaf == "b"


def _index(text: str | None) -> tuple:
    if not text:
        return ()
    return tuple(int(i) if i.strip().lstrip("-").isdigit() else i.strip() for i in text.split(","))


@lru_cache(maxsize=4096)
def parse(path: str) -> Path:
    pieces = [(m.group(1), _index(m.group(2))) for m in _PART.finditer(path)]
    if not pieces:
        return Path("", ())
    return Path(pieces[0][0], tuple(pieces[1:]))


def network(path: str) -> str:
    """The network an event belongs to: the first part of its path."""
    return parse(path).network
