"""The changes a learner makes by hand (a weight typed in, a live option set), as data.

The stepper applies each edit again whenever a replay passes its position (stepping back replays
them). Written as small records rather than closures, an edit can also be written into a saved
session and applied again after it is opened (dlsim.sim.session_file): a weight typed in the middle
of a sample is then still typed in at the same op.
"""
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)   # slots: the history counts the value it holds
class SetParam:
    """Write `value` into parameter `name` (one element of it, where `index` is given)."""
    name: str
    value: np.ndarray
    index: tuple | None = None

    def __call__(self, model) -> None:
        model.set_param(self.name, self.value, self.index)


@dataclass(frozen=True, slots=True)   # slots: the history counts the value it holds
class SetOption:
    """Set the live option `name` (a learning rate, say) to `value`."""
    name: str
    value: Any

    def __call__(self, model) -> None:
        model.set_option(self.name, self.value)


KINDS = {"param": SetParam, "option": SetOption}   # how a saved session names each
