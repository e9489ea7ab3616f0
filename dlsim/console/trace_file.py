"""JSON Lines traces: one object per line, byte-identical for the same seed and options.

Line 1 is a header, then one line per event, then a summary:
  {"type": "header", "dlsim": "0.1.0", "schema": 1, "model": "mlp", "unit": "epoch", "config": {...}}
  {"type": "event", "n": 1, "epoch": 0, "op": "batch", "phase": "update", "path": "mlp",
   "level": "batch", "closes": "batch", "values": {"step": 1, "loss": 0.69, "params": {...}, "grads": {...}}}
  {"type": "summary", "epochs": 10, "steps": 10, "train_acc": 0.98, ...}
A run stopped by Ctrl+C or SIGTERM ends instead with {"type": "interrupted", "epochs": 3, "steps": 40}
(the epochs and updates done when it stopped; the lines before it are complete).
With --trace-inspect each event line also has "inspect": what the app's pictures show at that event
(Simulator.inspect: the names the network's model lists in `inspected`), written when it changed:
the first line has every name; each later line only the names whose value changed since the line
before (a picture of the whole plane is kilobytes: repeated on every op it made traces 40 times
bigger). A name that has no value any more is written as null. Replaying the lines in order gives
the whole picture at every event.
"unit" is what the network calls the pass that "epoch" and "epochs" count (a GAN's: "iteration",
k D steps then a G step), the word its screens and summaries use. Arrays become nested lists; numbers that are not finite become the strings "nan", "inf", "-inf".
Wall-clock times are never written, so two runs give the same bytes.
"""
import json
import math
import os
from collections.abc import Mapping

import numpy as np

from dlsim.version import __version__
from dlsim.errors import UserError
from dlsim.protocol.events import Event

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


class TraceError(Exception):
    """Writing the trace failed (a full disk, an I/O error). Not a UserError on purpose: the lesson
    player turns those into a problem at a lesson line; this one is the file's, and ends the run."""


def check_path(path: str, inputs: tuple[str, ...] = ()) -> None:
    """UserError for a trace path that cannot be right: empty, or a file the run reads."""
    if not path or not path.strip():
        raise UserError("--trace needs a file name")
    for source in inputs:
        same = os.path.realpath(path) == os.path.realpath(source)
        try:
            same = same or os.path.samefile(path, source)
        except OSError:
            pass      # the trace does not exist yet: it cannot be an input
        if same:
            also = "" if path == source else f" ({source})"
            raise UserError(f"--trace {path} is a file this run reads{also}; writing the trace "
                            "there would overwrite it: choose another file")


class TraceWriter:
    """Writes whole lines only: lines are buffered and written in blocks, and if a write fails the
    file is cut back to its last complete line, so that what is there stays valid JSON Lines."""
    BLOCK = 1 << 20     # bytes buffered before a write

    def __init__(self, path: str, inputs: tuple[str, ...] = (), inspect: bool = False):
        """`inputs`: the files the run reads, which the trace must not overwrite; `inspect`: each
        event written with a simulation also carries what its pictures show then (sim.inspect())."""
        check_path(path, inputs)
        self.path = path
        self.inspect = inspect
        self._shown: dict = {}   # the inspected values as last written (copies, as the model gave them)
        self.count = 0
        self.failed: TraceError | None = None
        self._pending: list[bytes] = []
        self._buffered = 0
        self._written = 0      # bytes on file, every one of them in a complete line
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as error:
            raise UserError(f"cannot write trace file '{path}': {error.strerror or error}") from None

    def _line(self, record: dict) -> None:
        if self.failed:
            return
        line = (json.dumps(plain(record), ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
        self._pending.append(line)
        self._buffered += len(line)
        if self._buffered >= self.BLOCK:
            self.flush()

    def flush(self) -> None:
        """Write what is buffered; TraceError (once) if the file cannot take it."""
        if self.failed or not self._pending:
            return
        data = b"".join(self._pending)
        self._pending, self._buffered = [], 0
        done = 0
        try:
            while done < len(data):
                done += os.write(self._fd, data[done:])
        except BaseException as error:   # OSError, or Ctrl+C in the middle of a block
            kept = self._written + data.rfind(b"\n", 0, done) + 1   # through the last whole line
            try:
                os.ftruncate(self._fd, kept)
                os.lseek(self._fd, kept, os.SEEK_SET)
            except OSError:
                pass     # not a regular file (/dev/full): nothing partial can stay there anyway
            self._written = kept
            if not isinstance(error, OSError):
                raise
            self.failed = TraceError(f"cannot write trace file '{self.path}': {error.strerror or error} "
                                     f"(the lines written before it are complete)")
            raise self.failed from None
        self._written += done

    @property
    def bytes(self) -> int:
        return self._written + self._buffered

    def header(self, model: str, config: dict, unit: str = "epoch", data: dict | None = None) -> None:
        """`data`: where the learner's own data came from (its file and SHA-256), when it did."""
        self._line({"type": "header", "dlsim": __version__, "schema": SCHEMA, "model": model,
                    "unit": unit, "config": config, **({"data": data} if data else {})})

    def write(self, event: Event, sim=None) -> None:
        if self.failed:
            return
        self.count += 1
        record = {"type": "event", "n": self.count}
        if sim is not None:
            record["epoch"] = sim.model.epoch
        record.update(op=event.op, phase=event.phase, path=event.path, level=event.level.name.lower(),
                      closes=event.closes.name.lower(), values=event.values)
        if self.inspect and sim is not None:
            record["inspect"] = self._changed(sim.inspect())
        self._line(record)

    def _changed(self, shown: dict) -> dict:
        """The inspected values that differ from the last line's (None for a name gone since), made
        JSON-ready: only those are converted (converting every array on every op was most of the time)."""
        changed = {k: plain(v) for k, v in shown.items() if k not in self._shown or not _same(self._shown[k], v)}
        changed.update({k: None for k in self._shown if k not in shown})
        self._shown = {k: np.array(v) if isinstance(v, np.ndarray) else v for k, v in shown.items()}
        return changed

    def summary(self, summary: dict) -> None:
        self._line({"type": "summary", **summary})

    def interrupted(self, epochs: int, steps: int) -> None:
        """The last line of a run stopped by Ctrl+C or SIGTERM, in place of the summary."""
        self._line({"type": "interrupted", "epochs": epochs, "steps": steps})

    def close(self) -> None:
        """Write what is left and close; TraceError if the last write fails (the file is closed)."""
        if self._fd is None:
            return
        try:
            self.flush()
        finally:
            os.close(self._fd)
            self._fd = None


def _same(a, b) -> bool:
    """Whether two inspected values would be written the same (arrays: same shape, type and numbers,
    NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):   # containers holding arrays
        return plain(a) == plain(b)


def read_trace(path) -> list[dict]:
    """A trace's lines, with each event's "inspect" made whole again (every name's value at that
    event, from the changes written): what an autograder reading a --trace-inspect trace wants."""
    records, shown = [], {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if "inspect" in record:
                shown = {k: v for k, v in {**shown, **record["inspect"]}.items() if v is not None}
                record["inspect"] = dict(shown)
            records.append(record)
    return records
