"""A learner's progress through the lessons, remembered between sessions in one small JSON file.

The file lives in $DLSIM_DATA_DIR, else $XDG_DATA_HOME/dlsim, else ~/.local/share/dlsim. It is
written whole to a temporary file beside it and moved into place (os.replace), so a crash never
leaves half a file; one that cannot be read is set aside as progress.json.bad and started afresh.
"""
import json
import os
import tempfile
import time
from pathlib import Path

VERSION = 1


def data_dir() -> Path:
    if os.environ.get("DLSIM_DATA_DIR"):
        return Path(os.environ["DLSIM_DATA_DIR"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "dlsim"


class Progress:
    """Per lesson: the step reached, the steps there are, whether it was finished, answers given."""

    def __init__(self, path: Path | None = None):
        self.path = path or data_dir() / "progress.json"
        self.lessons: dict[str, dict] = {}
        self.load()

    def load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            lessons = data.get("lessons", {}) if isinstance(data, dict) else None
            if not isinstance(lessons, dict):
                raise ValueError("no 'lessons' table")
            self.lessons = {k: v for k, v in lessons.items() if isinstance(v, dict)}
        except FileNotFoundError:
            self.lessons = {}
        except (OSError, ValueError):
            self.lessons = {}
            try:
                os.replace(self.path, self.path.with_suffix(".json.bad"))
            except OSError:
                pass

    def get(self, name: str) -> dict:
        """{'step': int, 'steps': int, 'completed': bool, 'answers': {str(step): {...}}} or {}."""
        return dict(self.lessons.get(name, {}))

    def visit(self, name: str, step: int, steps: int) -> None:
        entry = self.lessons.setdefault(name, {})
        entry.update(step=step, steps=steps, updated=time.strftime("%Y-%m-%dT%H:%M:%S"))
        entry["completed"] = bool(entry.get("completed")) or step == steps - 1
        self.save()

    def answer(self, name: str, step: int, choice: str, correct: bool) -> None:
        entry = self.lessons.setdefault(name, {})
        entry.setdefault("answers", {})[str(step)] = {"choice": choice, "correct": bool(correct)}
        self.save()

    def forget(self, name: str) -> None:
        self.lessons.pop(name, None)
        self.save()

    def save(self) -> None:
        """Write atomically; a read-only or missing home only loses the memory, never the lesson."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump({"version": VERSION, "lessons": self.lessons}, out, indent=1, sort_keys=True)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            pass

    def summary(self, name: str) -> str:
        """'done', 'step 3/9', or '' for a lesson not started."""
        entry = self.lessons.get(name)
        if not entry:
            return ""
        if entry.get("completed"):
            return "done"
        return f"step {int(entry.get('step', 0)) + 1}/{entry.get('steps', '?')}"
