"""A sweep's results file: JSON Lines, one run a line, appended as each run finishes.

Each line is written whole with one write and pushed to the disk before the next run's result is
taken (os.fsync), so a sweep stopped any way (Ctrl+C, a killed process, a lost cluster) keeps every
result it reported. `--resume` reads the file back: a last line cut short by a kill is dropped (and
cut from the file), the runs it holds are not run again, the missing ones are.
"""
import json
import os
from pathlib import Path

from dlsim.errors import UserError
from dlsim.sweeps.plan import RunSpec, run_key
from dlsim.sweeps.user_file import read_bytes


def spec_key(record: dict) -> tuple:
    """A record's RunSpec.key: what it is the result of."""
    return run_key(record.get("config"), record.get("epochs_asked"), record.get("expect"), record.get("lesson"))


def read(path: str) -> list[dict]:
    """Every whole record of a results file (a last line cut short is left out)."""
    records, _ = _read(Path(path))
    return records


def _read(path: Path) -> tuple[list[dict], int]:
    """(records, the length of the file's whole lines)."""
    data = read_bytes(path, str(path), "a sweep's results, written by 'dlsim sweep … --out FILE'")
    records, whole, at = [], 0, 0
    for number, line in enumerate(data.split(b"\n"), 1):
        end = at + len(line) + 1
        if end > len(data):   # the last piece, after the last newline: a line being written when it stopped
            break
        at = end
        if not line.strip():
            whole = end
            continue
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise UserError(f"{path}:{number}: not a line a sweep writes (JSON, one run a line)") from None
        if not isinstance(record, dict) or "config" not in record:
            raise UserError(f"{path}:{number}: not a sweep's record (it has no 'config')")
        records.append(record)
        whole = end
    return records, whole


class ResultsFile:
    """Opened for a sweep: new (refused where it exists, unless overwrite), or resumed. The file is
    made when the first result arrives: a sweep that never got one (a scheduler that cannot be
    reached, Ctrl+C while the cluster starts) leaves nothing behind to refuse the next try."""

    def __init__(self, path: str, resume: bool = False, overwrite: bool = False):
        self.path = Path(path)
        self.records: list[dict] = []
        self.resume = resume
        self._fd = None
        if resume and overwrite:
            raise UserError("--resume and --overwrite contradict each other: resume keeps the file's results")
        exists = self.path.exists()
        if exists and self.path.is_dir():
            raise UserError(f"--out {path}: a folder; name a file (e.g. sweep.jsonl)")
        if resume and not exists:
            raise UserError(f"--resume: {path} does not exist; start the sweep without --resume")
        if exists and not resume and not overwrite:
            raise UserError(f"{path} already exists; --resume finishes that sweep, --overwrite starts again")
        folder = self.path.parent
        if not folder.is_dir():
            raise UserError(f"--out {path}: there is no folder '{folder}'")
        if not os.access(folder, os.W_OK) or (exists and not os.access(self.path, os.W_OK)):
            raise UserError(f"--out {path}: cannot write it (permission denied)")
        if resume:
            self.records, whole = _read(self.path)
            if whole < self.path.stat().st_size:
                os.truncate(self.path, whole)   # the line cut short is run again
        self.done = {spec_key(r) for r in self.records}

    def missing(self, runs: list[RunSpec]) -> list[RunSpec]:
        return [spec for spec in runs if spec.key not in self.done]

    def append(self, record: dict) -> None:
        if self._fd is None:
            flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if self.resume else os.O_TRUNC)
            try:
                self._fd = os.open(self.path, flags, 0o644)
            except OSError as error:
                raise UserError(f"--out {self.path}: cannot write it ({error.strerror or error})") from None
        line = (json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n").encode()
        written = os.write(self._fd, line)
        while written < len(line):   # a short write (a full disk answers with an error instead)
            written += os.write(self._fd, line[written:])
        os.fsync(self._fd)
        self.records.append(record)
        self.done.add(spec_key(record))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
