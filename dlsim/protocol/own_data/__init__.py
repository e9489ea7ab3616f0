"""The learner's own data: `dlsim run NET --data FILE`, `dlsim.make(NET, data=...)` and the app's
file picker all come here. `load` reads a file (or arrays) as the network's kind of data, checks
every value, and refuses a bad one in one line naming the file and the line or index; the result
(`OwnData`) says what it did (`notes`), names its source (`identity`: path and SHA-256) and makes
the seeded train/test split a simulation trains on (`dataset(config)`)."""
from dlsim.protocol.own_data.identity import Identity  # noqa: F401
from dlsim.protocol.own_data.load import FORMATS, kinds_said, load  # noqa: F401
from dlsim.protocol.own_data.result import OwnData, OwnDataset  # noqa: F401

__all__ = ["FORMATS", "Identity", "OwnData", "OwnDataset", "kinds_said", "load"]
