"""JSON Lines traces: one object per line, byte-identical for the same seed and options.

Line 1 is a header, then one line per event, then a summary:
  {"type": "header", "dlsim": "0.1.0", "schema": 1, "model": "mlp", "config": {...}}
  {"type": "event", "n": 1, "epoch": 0, "op": "batch", "phase": "update", "path": "mlp",
   "level": "batch", "closes": "batch", "values": {"step": 1, "loss": 0.69, "params": {...}, "grads": {...}}}
  {"type": "summary", "epochs": 10, "steps": 10, "train_acc": 0.98, ...}
Arrays become nested lists; numbers that are not finite become the strings "nan", "inf", "-inf".
Wall-clock times are never written, so two runs give the same bytes.
"""
import json
import math
from collections.abc import Mapping

import numpy as np

from dlsim import __version__
from dlsim.errors import UserError
from dlsim.sim.events import Event

SCHEMA = 1


def plain(value):
    """A JSON-ready copy of an event value."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isfinite(value):
            return value
        return "nan" if value != value else ("inf" if value > 0 else "-inf")
    return value


class TraceWriter:
    def __init__(self, path: str):
        self.path = path
        self.count = 0
        try:
            self._file = open(path, "w", encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write trace file '{path}': {error.strerror or error}") from None

    def _line(self, record: dict) -> None:
        self._file.write(json.dumps(plain(record), ensure_ascii=False, allow_nan=False) + "\n")

    def header(self, model: str, config: dict) -> None:
        self._line({"type": "header", "dlsim": __version__, "schema": SCHEMA, "model": model,
                    "config": config})

    def write(self, event: Event, sim=None) -> None:
        self.count += 1
        record = {"type": "event", "n": self.count}
        if sim is not None:
            record["epoch"] = sim.model.epoch
        record.update(op=event.op, phase=event.phase, path=event.path, level=event.level.name.lower(),
                      closes=event.closes.name.lower(), values=event.values)
        self._line(record)

    def summary(self, summary: dict) -> None:
        self._line({"type": "summary", **summary})

    def close(self) -> None:
        self._file.close()
