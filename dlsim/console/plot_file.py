"""`dlsim plot TRACE.jsonl` (or a saved session, FILE.dlsim): its curves drawn as text (dlsim.console.plot).

The curves are the trace's epoch records (the events at epoch level: the metrics the network
recorded as each epoch closed), which every trace level writes. A file that is not a trace, or a
line that is not one of its records, is refused in one line that names the line.
"""
import json
import os
import math

from dlsim.errors import UserError
from dlsim.console.plot import plot_history
from dlsim.console.trace_file import SCHEMA

NOT_FINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}   # as trace_file.plain wrote them


def main(path: str) -> int:
    if str(path).endswith(".dlsim"):
        return _session(path)
    header, history = read_epochs(path)
    model = header.get("model")
    title = f"{model} on {header.get('config', {}).get('dataset')}"
    if not history:
        raise UserError(f"{path} has no finished {header.get('unit', 'epoch')}: nothing to plot")
    print(plot_history(history, _metrics(model), title=title, unit=header.get("unit") or "epoch"))
    return 0


def _session(path: str) -> int:
    """A saved session's curves (its metrics history as it was saved)."""
    from dlsim.sim.session_file import load
    sim = load(path)
    if not sim.history:
        raise UserError(f"{path} has no finished {sim.model.epoch_word}: nothing to plot")
    title = f"{sim.model.name} on {sim.model.config.get('dataset')}"
    print(plot_history(sim.history, type(sim.model).metrics, title=title, unit=sim.model.epoch_word))
    return 0


def read_epochs(path: str) -> tuple[dict, list[dict]]:
    """The trace's header and the values of its epoch records; UserError naming the line of
    anything that is not a trace's."""
    if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
        raise UserError(f"cannot read {path}: not a regular file (a pipe, a socket or a device)")   # never waited on
    try:
        stream = open(path, "rb")
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    header, history = None, []
    with stream:
        for number, line in enumerate(stream, 1):
            record = _record(path, number, line)
            if header is None:
                if record.get("type") != "header" or "dlsim" not in record:
                    raise UserError(f"{path} line 1: not a dlsim trace (it starts with the header "
                                    "'dlsim run … --trace FILE' writes)")
                if not isinstance(record.get("schema"), int) or record["schema"] > SCHEMA:
                    raise UserError(f"{path} line 1: trace schema {record.get('schema')!r}, "
                                    f"this dlsim reads schema {SCHEMA} (a newer dlsim wrote it?)")
                header = record
            elif record.get("type") == "event" and record.get("level") == "epoch":
                values = record.get("values")
                if not isinstance(values, dict):
                    raise UserError(f"{path} line {number}: an epoch record without its values")
                history.append({k: NOT_FINITE.get(v, v) if isinstance(v, str) else v
                                for k, v in values.items()})
    if header is None:
        raise UserError(f"{path} is empty: not a dlsim trace")
    return header, history


def _record(path: str, number: int, line: bytes) -> dict:
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{path} line {number}: not UTF-8 text (not a dlsim trace?)") from None
    except RecursionError:   # brackets nested thousands deep: no trace writes that
        raise UserError(f"{path} line {number}: not a trace record (JSON nested too deep)") from None
    except json.JSONDecodeError as error:
        cut = " (the file ends in the middle of a line)" if not line.endswith(b"\n") else ""
        raise UserError(f"{path} line {number}: not JSON{cut}: {error.msg} at column {error.colno}") from None
    if not isinstance(record, dict):
        raise UserError(f"{path} line {number}: not a trace record (a JSON object)")
    return record


def _metrics(model):
    """The network's declared metrics (they say which curves share a chart), or None for a network
    this dlsim does not know (every numeric value is then a chart of its own)."""
    from dlsim.models import MODELS
    cls = MODELS.get(model) if isinstance(model, str) else None
    return cls.metrics if cls is not None else None
