"""A learner's progress through the lessons, remembered between sessions in one small JSON file.

The file lives in $DLSIM_DATA_DIR, else $XDG_DATA_HOME/dlsim, else ~/.local/share/dlsim.

Nothing a learner has done is lost:
- a save re-reads the file under a lock and changes only the lessons this session touched, so two
  sessions open at once keep each other's lessons;
- the file is written whole to a temporary file beside it and moved into place (os.replace), so a
  crash never leaves half a file; a symlinked progress.json is written through to its target;
- a file that cannot be read, or holds something that does not fit the schema (progress_schema), is
  copied aside first as progress.json.bad (then .bad.2, .bad.3, …: none is ever overwritten);
- a file from a newer dlsim keeps its version and every key this version does not know.
What went wrong is said once per process (`untold`), never as a traceback: the lesson plays on.
"""
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

from dlsim.lesson.progress_schema import Unfit, check_file, split

try:
    import fcntl
except ImportError:            # Windows: no advisory locks; saves still merge, just without one
    fcntl = None

VERSION = 1
MAX_BYTES = 4 * 2**20          # a real file is a few kB; anything this large is not progress
_told: set[str] = set()        # messages already said in this process


def data_dir() -> Path:
    if os.environ.get("DLSIM_DATA_DIR"):
        return Path(os.environ["DLSIM_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "dlsim"


class Progress:
    """Per lesson: the step reached, the steps there are, whether it was finished, answers given."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path or data_dir() / "progress.json")
        self.lessons: dict[str, dict] = {}
        self.notes: list[str] = []         # what went wrong with the file, for the learner
        self._dirty: set[str] = set()      # lessons this session changed: the only ones it writes
        self._frozen = False               # a newer file we cannot read fully: never written
        self.load()

    # --- what the app and the player call -------------------------------------------------------
    def get(self, name: str) -> dict:
        """{'step': int, 'steps': int, 'completed': bool, 'answers': {str(step): {...}}} or {}."""
        return dict(self.lessons.get(name, {}))

    def visit(self, name: str, step: int, steps: int) -> None:
        entry = self.lessons.setdefault(name, {})
        entry.update(step=step, steps=steps, updated=time.strftime("%Y-%m-%dT%H:%M:%S"))
        entry["completed"] = bool(entry.get("completed")) or step == steps - 1
        self._changed(name)

    def answer(self, name: str, step: int, choice: str, correct: bool) -> None:
        entry = self.lessons.setdefault(name, {})
        entry.setdefault("answers", {})[str(step)] = {"choice": choice, "correct": bool(correct)}
        self._changed(name)

    def clear_answers(self, name: str) -> None:
        """A fresh go at a finished lesson's questions."""
        if self.lessons.get(name, {}).pop("answers", None) is not None:
            self._changed(name)

    def summary(self, name: str) -> str:
        """'done', 'step 3/9', or '' for a lesson not started."""
        entry = self.lessons.get(name)
        if not entry:
            return ""
        if entry.get("completed"):
            return "done"
        return f"step {entry.get('step', 0) + 1}/{entry.get('steps', '?')}"

    def untold(self) -> list[str]:
        """What went wrong with the file that this process has not said yet; each is said once."""
        fresh = [note for note in dict.fromkeys(self.notes) if note not in _told]
        _told.update(fresh)
        return fresh

    # --- the file -------------------------------------------------------------------------------
    @property
    def target(self) -> Path:
        """The file really written: progress.json, or what it links to."""
        return Path(os.path.realpath(self.path))

    def load(self) -> None:
        if not self.target.parent.is_dir():
            self.lessons = {}
            return
        with self._locked():
            self.lessons = split(self._read()[1])[0]

    def save(self) -> None:
        """Merge this session's lessons into the file as it is now; a read-only or full disk only
        loses the memory (said once), never the lesson."""
        if self._frozen:
            return
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                data, lessons = self._read()
                for name in self._dirty:
                    if name in self.lessons:   # keep keys a newer version wrote into the entry
                        lessons[name] = {**(lessons.get(name) or {}), **self.lessons[name]}
                    else:
                        lessons.pop(name, None)
                data["lessons"], data["version"] = lessons, max(data.get("version", VERSION), VERSION)
                self._write(data)
            self._dirty.clear()
            self.lessons = split(lessons)[0]     # other sessions' lessons, as they are now
        except OSError as why:
            self._note(f"progress is not being saved: cannot write {self.target} "
                       f"({why.strerror or why})")

    def _changed(self, name: str) -> None:
        self._dirty.add(name)
        self.save()

    def _read(self) -> tuple[dict, dict]:
        """(the file's data, its lessons that fit), setting aside whatever does not fit first."""
        target = self.target
        try:
            raw = target.read_bytes() if target.stat().st_size <= MAX_BYTES else None
        except FileNotFoundError:
            return {"version": VERSION}, {}
        except OSError as why:
            self._note(f"progress is not being saved: cannot read {target} ({why.strerror or why})")
            self._frozen = True
            return {"version": VERSION}, {}
        try:
            if raw is None:
                raise Unfit(f"the file is larger than {MAX_BYTES // 2**20} MB")
            data = json.loads(raw.decode("utf-8"))
            version, lessons = check_file(data)
        except (ValueError, RecursionError) as why:     # Unfit and JSON/UTF-8 errors are ValueErrors
            reason = str(why) if isinstance(why, Unfit) else "not valid JSON"
            self._set_aside(raw or target.read_bytes(), f"could not be read ({reason})", drop=True)
            return {"version": VERSION}, {}
        fit, wrong = split(lessons)
        if wrong and version > VERSION:
            self._frozen = True
            self._note(f"progress is not being saved: {target} was written by a newer dlsim "
                       f"(version {version}) and this one cannot read all of it ({wrong[0]})")
        elif wrong:
            kept = self._set_aside(raw, f"had progress that does not fit ({wrong[0]}" + (
                f", and {len(wrong) - 1} more" if len(wrong) > 1 else "") + ")")
            data["lessons"] = dict(fit)
            try:
                if not kept:
                    return data, dict(fit)                # so that the next start does not find (and report) it again
                self._write(data)
            except OSError as why:
                self._note(f"progress is not being saved: cannot write {target} "
                           f"({why.strerror or why})")
        return data, dict(fit)

    def _set_aside(self, raw: bytes, what: str, drop: bool = False) -> bool:
        """Copy the file to the first free progress.json.bad[.N]; `drop` removes the original."""
        target = self.target
        for n in range(1, 10**4):
            aside = target.with_name(target.name + ".bad" + (f".{n}" if n > 1 else ""))
            try:
                with open(aside, "xb") as out:      # x: never overwrite an earlier one
                    out.write(raw)
                break
            except FileExistsError:
                continue
            except OSError as why:
                self._frozen = True
                self._note(f"progress is not being saved: {target} {what}, and it cannot be set "
                           f"aside ({why.strerror or why})")
                return False
        if drop:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        self._note(f"progress file {target} {what}; it was kept as {aside.name}, and "
                   + ("progress starts afresh" if drop else "the lessons that did not fit start afresh"))
        return True

    def _write(self, data: dict) -> None:
        target = self.target
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    @contextlib.contextmanager
    def _locked(self):
        """Hold an exclusive lock on progress.json.lock beside the file while reading and writing."""
        target = self.target
        try:
            fd = os.open(target.with_name(target.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:          # a read-only directory: reading needs no lock, writing will fail
            yield
            return
        try:
            if fcntl:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)         # closing releases the lock

    def _note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)
