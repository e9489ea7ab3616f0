"""Saved sessions: a whole simulation in one `.dlsim` file, and the same simulation back from it.

The file is a zip (what NumPy's .npz is) holding `session.json` — schema version, dlsim version,
network, configuration, the dataset's identity, where the run stands (its cursor), the metrics history
and the model's state — and `.npy` arrays beside it: the data itself (X, y and the test set, so the
file needs nothing else to open) and every array of the state. Data, never code: the arrays are read
with allow_pickle=False, the JSON by json (dlsim.sim.session_codec).

A state is written as it stands at a point where a fresh event stream continues exactly (the last
sample's end): the model's state there is all there is to keep. Saved in the middle of a sample
(stepped to some op), the file holds the state at that sample's start, the number of ops taken since
and the edits typed in meanwhile; opening it replays those ops, so the state is the very one that
was saved, and stepping and training go on bit for bit as if the session had never been closed.

Writing is atomic (a temporary file beside the target, then a rename), and an existing file is never
replaced unless asked. A file that is not a session, is damaged, or comes from a newer dlsim is
refused in one line naming the file and what is wrong.

The writing half is dlsim.sim.session_save (this module re-exports its `save`); this one opens.
"""
import dataclasses
import json
import math
import os
import zipfile
import zlib

import numpy as np

from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.protocol import datasets
from dlsim.protocol.environments import ENVIRONMENTS
from dlsim.protocol.events import Event, Level
from dlsim.sim import edits as edit_kinds
from dlsim.sim.session_codec import Malformed, decode
from dlsim.sim.session_save import DATA, FORMAT, JSON_NAME, SCHEMA, SUFFIX, as_path, first_line, refuse_overwrite, save
from dlsim.sim.simulator import Simulator, dataset_identity
from dlsim.version import __version__

__all__ = ["SUFFIX", "load", "read", "refuse_overwrite", "save"]


class SessionFileError(UserError):
    """A file that cannot be opened as a session: one line naming it and what is wrong."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")


# --- opening --------------------------------------------------------------------------------------
def load(path) -> Simulator:
    """The simulation saved in `path`, standing where it was saved; SessionFileError (one line) for a
    file that is not a session, is damaged, or was written by a newer dlsim."""
    path = as_path(path)
    document, arrays = read(path)
    try:
        return _rebuild(path, document, arrays)
    except SessionFileError:
        raise
    except UserError as error:   # an option or a shape this dlsim refuses
        raise SessionFileError(path, str(error)) from None
    # the net under the checks: a part of another type than saved reaches code that reads it as such
    except (Malformed, KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
        raise SessionFileError(path, f"the session is damaged ({first_line(error)})") from None


def read(path: str) -> tuple[dict, dict[str, np.ndarray]]:
    """(session.json, the arrays by name) from the file, every part checked to be what a session holds."""
    if not os.path.exists(path):
        raise SessionFileError(path, "no such file")
    if os.path.isdir(path):
        raise SessionFileError(path, "a folder, not a session file")
    if not os.path.isfile(path):   # a pipe would be waited on forever
        raise SessionFileError(path, "not a regular file (a pipe, a socket or a device), not a session file")
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            if JSON_NAME not in names:
                raise SessionFileError(path, f"not a dlsim session (no {JSON_NAME} inside)")
            _within_budget(path, zf)
            document = _json(path, zf.read(JSON_NAME))
            arrays = {name[:-4]: _array(path, zf, name) for name in names if name.endswith(".npy")}
    except zipfile.BadZipFile:
        raise SessionFileError(path, "not a dlsim session (not a zip file, or cut short)") from None
    except zlib.error as error:   # a damaged compressed member
        raise SessionFileError(path, f"damaged: a part does not decompress ({first_line(error)})") from None
    except (OSError, EOFError, zipfile.LargeZipFile) as error:
        raise SessionFileError(path, f"cannot be read ({first_line(error)})") from None
    return document, arrays


def _within_budget(path: str, zf: zipfile.ZipFile) -> None:
    """Refuse, from the zip's directory, a file whose parts would unpack to more than the memory
    budget (a few compressed bytes can inflate to gigabytes)."""
    from dlsim.sim.memory_budget import budget
    unpacked, most = sum(info.file_size for info in zf.infolist()), budget()[0]
    if most is not None and unpacked > most:
        raise SessionFileError(path, f"its parts unpack to {unpacked / 1e6:,.1f} MB, more than the "
                               f"{most / 1e6:,.1f} MB memory budget (DLSIM_MEMORY_BUDGET)")


def _json(path: str, raw: bytes) -> dict:
    try:
        document = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise SessionFileError(path, f"{JSON_NAME} is not a session's (nested too deep)") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise SessionFileError(path, f"{JSON_NAME} is not valid JSON ({first_line(error)})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SessionFileError(path, f"not a dlsim session ({JSON_NAME} does not say format '{FORMAT}')")
    schema = document.get("schema")
    if isinstance(schema, bool) or not isinstance(schema, int) or schema < 1:
        raise SessionFileError(path, f"the session's schema version is not a whole number from 1 up: {schema!r}")
    if schema > SCHEMA:
        raise SessionFileError(path, f"saved by a newer dlsim ({document.get('dlsim', '?')}, session schema "
                               f"{schema}); this dlsim {__version__} reads schema {SCHEMA}: upgrade dlsim to open it")
    return document


def _array(path: str, zf: zipfile.ZipFile, name: str) -> np.ndarray:
    try:
        with zf.open(name) as entry:
            _sized(path, name, entry, zf.getinfo(name).file_size)
            return np.lib.format.read_array(entry, allow_pickle=False)
    except ValueError as error:   # object arrays (pickles) among them: refused, never unpickled
        raise SessionFileError(path, f"array '{name[:-4]}' cannot be read ({first_line(error)})") from None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise SessionFileError(path, f"array '{name[:-4]}' is damaged ({first_line(error)})") from None


def _sized(path: str, name: str, entry, stored: int) -> None:
    """Refuse an array whose header claims more numbers than its member holds (NumPy would allocate
    them all first); leave `entry` at its start for read_array."""
    version = np.lib.format.read_magic(entry)
    header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _, dtype = header(entry)
    if dtype.itemsize * math.prod(shape) > stored:
        raise SessionFileError(path, f"array '{name[:-4]}' is damaged (its header says shape {shape}, "
                               f"more than the {stored:,} bytes it holds)")
    entry.seek(0)


def _rebuild(path: str, document: dict, arrays: dict[str, np.ndarray]) -> Simulator:
    network = document.get("network")
    if network not in MODELS:
        raise SessionFileError(path, f"network {network!r} is not one this dlsim has ({', '.join(MODELS)})")
    config = decode(document["config"], arrays)
    if not isinstance(config, dict):
        raise Malformed("config is not a table of options")
    data = _dataset(path, document, arrays)
    cls = MODELS[network]
    seed = config.pop("seed", 0)
    from dlsim.models.options import resolve
    resolved = resolve(network, cls.options, {"seed": seed, **config})
    own = _own_file(path, network, document.get("dataset", {}), data)
    sim = None
    if own is not None:   # the learner's file, unchanged: read again (class names, sequences' targets)
        sim = Simulator(network, seed=seed, force=True, data=own, **config)
        if not all(np.array_equal(getattr(sim.data, a), getattr(data, a)) for a in DATA):
            if data.kind.name in ("sequences", "text"):   # read another way than the session's (scale=False?)
                raise SessionFileError(path, f"its data file {own.name} reads as other numbers than the "
                                       "session's (read with other scaling?); open it from Python with that data")
            sim = None
    if sim is None:
        sim = Simulator(network, seed=seed, force=True, given_data=(dataset_identity(cls, resolved), data), **config)
    state = decode(document["state"], arrays)
    _check_state(path, state, sim.model.state(), cls.options)
    history = decode(document["history"], arrays)
    if not isinstance(history, list) or not all(isinstance(h, dict) and all(
            value is None or _number(value) for value in h.values()) for h in history):
        raise Malformed("the history is not a list of epochs, each a table of numbers")
    last = decode(document["last"], arrays)
    trace = decode(document.get("trace", []), arrays)
    if not (last is None or isinstance(last, Event)) or not isinstance(trace, list) \
            or not all(isinstance(event, Event) for event in trace):
        raise Malformed("the last event or the sample's events are not events")
    sim.resume(state, history, last)
    for event in trace:
        sim.trace.add(event, sim.position)
    _replay(sim, int(document.get("ops", 0)), decode(document.get("edits", []), arrays))
    updates, total = sim.model.epoch_progress()
    if not 0 <= updates <= total or sim.cursor.sample > len(sim.model.batch_rows()):
        raise SessionFileError(path, f"the session stands at ({sim.cursor}), where no state of this run is")
    saved_at = tuple(document.get("cursor", ()))
    if tuple(sim.cursor) != saved_at:
        raise SessionFileError(path, f"the session does not continue where it was saved: it stands at "
                               f"({sim.cursor}), saved at {saved_at}")
    return sim


def _own_file(path: str, network: str, identity: dict, saved: datasets.Dataset):
    """The learner's own data file the session was made from, read again where it is still there and
    unchanged (its SHA-256) and gives the saved arrays: what arrays alone do not hold (class names, a
    sequence task's targets) comes back with it. None where the session's data is not a file's, or
    the file is gone or changed and the saved arrays are enough; SessionFileError where they are not
    (a sequence network's own data)."""
    source, digest = identity.get("path"), identity.get("sha256")
    if not source or not digest:
        return None
    from dlsim.sim.own_data import read as read_own
    sequences = saved.kind.name in ("sequences", "text")
    try:
        own = read_own(network, source)
    except UserError as error:
        if sequences:
            raise SessionFileError(path, f"its data comes from {source}, which cannot be read now "
                                   f"({first_line(error)}); the sequences' targets are in that file") from None
        return None
    if own.identity.as_dict().get("sha256") != digest:
        if sequences:
            raise SessionFileError(path, f"its data file {source} has changed since the session was saved "
                                   "(another SHA-256); the sequences' targets are in that file")
        return None
    return own


def _dataset(path: str, document: dict, arrays: dict[str, np.ndarray]) -> datasets.Dataset:
    """The data itself, checked: inputs with one row per label, a test set of the same shape."""
    for name in DATA:
        if f"data.{name}" not in arrays:
            raise SessionFileError(path, f"the data is missing its array '{name}'")
    X, y, X_test, y_test = (arrays[f"data.{name}"] for name in DATA)
    identity = document.get("dataset", {})
    if not isinstance(identity, dict):
        raise Malformed("the data's description is not a table")
    problem = None
    if X.ndim < 2 or X_test.shape[1:] != X.shape[1:] or X.dtype.kind not in "fiu" or X_test.dtype.kind not in "fiu":
        problem = f"inputs of shape {X.shape} and test inputs of shape {X_test.shape} do not fit together"
    elif y.shape != X.shape[:1] or y_test.shape != X_test.shape[:1] or y.dtype.kind not in "iu":
        problem = f"{y.shape[0] if y.ndim else 0} labels for {X.shape[0]} inputs (or labels that are not class numbers)"
    elif not (np.all(np.isfinite(X)) and np.all(np.isfinite(X_test))):
        problem = "inputs that are not finite numbers"
    if problem:
        raise SessionFileError(path, f"the data is damaged: {problem}")
    kind = datasets.KINDS.get(identity.get("kind"))
    if kind is None:
        raise SessionFileError(path, f"the data's kind {identity.get('kind')!r} is not one this dlsim has")
    classes = int(identity.get("classes", 2))
    if y.size and (y.min() < 0 or y.max() >= classes) or y_test.size and (y_test.min() < 0 or y_test.max() >= classes):
        raise SessionFileError(path, f"the data is damaged: labels outside 0..{classes - 1}")
    name = str(identity.get("set", identity.get("name", "saved")))
    environment = None
    if kind is datasets.ENVIRONMENT:   # the arrays are its probe; the description comes by its name
        environment = ENVIRONMENTS.get(name)
        if environment is None:
            raise SessionFileError(path, f"the environment {name!r} is not one this dlsim has")
    data = datasets.Dataset(name, X, y, X_test, y_test, classes, kind, environment=environment)
    extra = {f.name for f in dataclasses.fields(datasets.Dataset)} & {"path", "sha256"}
    return dataclasses.replace(data, **{k: identity[k] for k in extra if k in identity})


def _check_state(path: str, state, fresh: dict, options) -> None:
    """The saved state has every part the model keeps, each array of the shape and type that this
    configuration's model has, each count a count, and the options the model was built with (a
    damaged file is refused here, before a kernel reads past an end)."""
    if not isinstance(state, dict) or set(state) != set(fresh):
        raise SessionFileError(path, "the model's state does not have the parts this network keeps")
    _same_arrays(path, "state", state, fresh)
    for key, value in fresh.items():   # a count stays a count: the cursor indexes arrays with them
        saved = state[key]
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            if isinstance(saved, bool) or not isinstance(saved, (int, np.integer)) or (value >= 0 > saved) \
                    or not -2**62 < saved < 2**62:   # the kernels count in 64 bits
                raise SessionFileError(path, f"the model's '{key}' is {saved!r}, not a count")
        elif isinstance(value, float) and not _number(saved):   # a running loss, added to as it trains
            raise SessionFileError(path, f"the model's '{key}' is {saved!r}, not a number")
    live = {o.name: o for o in options if o.live}
    if not isinstance(state["config"], dict):
        raise SessionFileError(path, "the model's options are not a table")
    for key in live.keys() & state["config"].keys():   # changed while it ran: still one it allows
        state["config"][key] = live[key].value(state["config"][key])
    for key, value in fresh["config"].items():   # what the model was built with, the sizes above all
        if key not in live and state["config"].get(key) != value:
            raise SessionFileError(path, f"the model's state says {key}={state['config'].get(key)!r}, "
                                   f"its options {key}={value!r}")


def _number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _same_arrays(path: str, where: str, saved, fresh) -> None:
    if isinstance(fresh, np.ndarray):
        if not isinstance(saved, np.ndarray) or saved.shape != fresh.shape or saved.dtype != fresh.dtype:
            got = f"shape {saved.shape} of {saved.dtype}" if isinstance(saved, np.ndarray) else type(saved).__name__
            raise SessionFileError(path, f"array '{where}' has {got}, where this configuration has "
                                   f"shape {fresh.shape} of {fresh.dtype}")
    elif isinstance(fresh, dict) and isinstance(saved, dict):
        for key in fresh:
            if key in saved:
                _same_arrays(path, f"{where}.{key}", saved[key], fresh[key])


def _replay(sim: Simulator, ops: int, saved_edits: list) -> None:
    """Take the `ops` events of the sample in progress again, with the edits typed in between."""
    if ops < 0 or not isinstance(saved_edits, list):
        raise Malformed("a negative count of ops, or edits that are not a list")
    by_op: dict[int, list] = {}
    for entry in saved_edits:
        fields = dict(entry)
        after, kind = fields.pop("after"), edit_kinds.KINDS[fields.pop("kind")]
        by_op.setdefault(int(after), []).append(kind(**fields))
    with sim.muted():
        for op in range(1, ops + 1):
            event = sim.stepper.step(Level.OP)
            if op < ops and event.closes >= Level.SAMPLE:
                raise Malformed("more ops in the sample than it has")
            for change in by_op.get(op, ()):
                sim.stepper.edit(change)
