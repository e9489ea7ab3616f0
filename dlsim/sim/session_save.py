"""Saving a session: the writing half of dlsim.sim.session_file (whose docstring says what a .dlsim
file holds). Apart from the opening half, which builds a Simulator, so that `Simulator.save` can
use this one without either module importing the other."""
import copy
import dataclasses
import json
import os
import zipfile
from collections import deque
from pathlib import Path

import numpy as np

from dlsim.atomic_file import write_whole
from dlsim.errors import UserError
from dlsim.sim import config_string, edits as edit_kinds
from dlsim.sim.session_codec import encode
from dlsim.version import __version__

FORMAT = "dlsim-session"
SCHEMA = 1          # the layout of session.json; a file with a larger one is refused
SUFFIX = ".dlsim"
JSON_NAME = "session.json"
DATA = ("X", "y", "X_test", "y_test")


# --- saving ---------------------------------------------------------------------------------------
def refuse_overwrite(path, overwrite: bool) -> str:
    """The path as a string, checked before any work is done: a file already there is kept unless
    `overwrite` (the CLI's --overwrite, the app's confirmation); a folder or a missing folder is refused."""
    path = as_path(path)
    if os.path.isdir(path):
        raise UserError(f"{path} is a folder; give a file name such as run{SUFFIX}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UserError(f"{path}: there is no folder {folder}")
    if os.path.exists(path) and not overwrite:
        raise UserError(f"{path} already exists; nothing was written (to replace it: --overwrite, or "
                        "overwrite=True in Python; or give another name)")
    return path


def save(sim, path, overwrite: bool = False) -> str:
    """Write `sim` to `path` (see the module's docstring); returns the path written."""
    path = refuse_overwrite(path, overwrite)
    document, arrays = describe(sim)
    _write(path, document, arrays, overwrite)
    return path


def describe(sim) -> tuple[dict, dict[str, np.ndarray]]:
    """(session.json's content, its arrays by name) for `sim` as it stands."""
    stepper = sim.stepper
    ops = stepper.since_restart
    start = stepper.position - ops   # the sample's start: a restart point
    state, last, place = _state_at(stepper, start)
    arrays: dict[str, np.ndarray] = {}
    data = sim.data
    for name in DATA:
        arrays[f"data.{name}"] = np.ascontiguousarray(getattr(data, name))
    trace = [] if ops else _trace_events(sim)
    document = {
        "format": FORMAT, "schema": SCHEMA, "dlsim": __version__,
        "network": sim.name,
        "config": encode(dict(sim.config), "config", arrays),
        "config_string": config_string.format_config(
            sim.name, sim.config, data=sim.own_data.identity.path if sim.own_data is not None else None),
        "dataset": _identity(sim),
        "cursor": [*place, ops],   # the stepper's count, not the model's: see _state_at
        "epoch_word": sim.model.epoch_word,
        "state": encode(state, "state", arrays),
        "last": encode(last, "last", arrays),
        "trace": encode(trace, "trace", arrays),
        "ops": ops,
        "edits": encode(_edits_since(stepper, start), "edits", arrays),
        "history": encode(list(sim.history), "history", arrays),
    }
    return document, arrays


def _state_at(stepper, position: int):
    """(the model's state, the event that led there, the model's place) at `position`, the restart
    point at or before the current one, rebuilt on a scratch copy of the model from the history the
    stepper keeps (as stepping back does): the live simulation is not touched, and a run stopped by
    Ctrl+C between two events (the model a unit further on than the events the stepper counted)
    still gives a whole state, the one at the last event counted."""
    model = stepper.model
    scratch = copy.copy(stepper)   # its own lists of what the history holds; the live one's stay as they are
    scratch.model = type(model)(model.config, model.data)
    scratch._snapshots, scratch._marks = deque(stepper._snapshots), deque(stepper._marks)
    scratch._edits = list(stepper._edits)
    scratch.on_event, scratch.on_pull, scratch.on_restart = [], [], []
    scratch._events = scratch._stream = None
    scratch.seek(position)
    return scratch.model.state(), scratch.last, scratch.model.place()


def _edits_since(stepper, start: int) -> list:
    """The edits typed in since the sample's start, each with the op it follows (1 = the first)."""
    out = []
    for position, change, _ in stepper._edits:
        if start < position <= stepper.position:
            kind = next((k for k, cls in edit_kinds.KINDS.items() if isinstance(change, cls)), None)
            if kind is None:
                raise UserError("an edit made in this sample cannot be saved; step to the sample's end and save there")
            fields = {f.name: getattr(change, f.name) for f in dataclasses.fields(change)}
            out.append({"after": position - start, "kind": kind, **fields})
    return out


def _trace_events(sim) -> list:
    """The events of the sample just finished (what the pictures show at its end), the last one last."""
    trace = sim.trace
    events = [e for e in trace.events.values() if e is not trace.last]
    return events + ([trace.last] if trace.last is not None else [])


def _identity(sim) -> dict:
    """The dataset's identity: what it is made from (name, options, seed), its kind and classes, and
    the file it was read from with its SHA-256 where the dataset says so."""
    data = sim.data
    identity = dict(sim.data_identity)
    identity.update(set=data.name, kind=data.kind.name, classes=int(data.classes),
                    samples=int(data.X.shape[0]), test=int(data.X_test.shape[0]))
    for field in ("path", "sha256"):
        value = getattr(data, field, None)
        if value is not None:
            identity[field] = str(value)
    return identity


def _write(path: str, document: dict, arrays: dict[str, np.ndarray], overwrite: bool) -> None:
    def write(raw):
        with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(JSON_NAME, json.dumps(document, indent=1))
            for name, array in arrays.items():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as entry:
                    np.lib.format.write_array(entry, np.asanyarray(array), allow_pickle=False)
    try:
        write_whole(path, write, overwrite, binary=True)
    except FileExistsError:
        raise UserError(f"{path} already exists; nothing was written (to replace it: --overwrite, or overwrite=True in Python)") from None
    except OSError as error:
        raise UserError(f"{path}: cannot be written ({error.strerror or error})") from None


def as_path(path) -> str:
    try:
        text = os.fspath(path)
    except TypeError:
        raise UserError(f"a session file is a path, got {type(path).__name__}") from None
    if not isinstance(text, str) or not text.strip():
        raise UserError("a session file needs a name")
    return str(Path(text).expanduser())


def first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
