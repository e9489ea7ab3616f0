"""Finding and loading lessons: by name from the lessons/ folder, or from any file path."""
from pathlib import Path

from dlsim.errors import UserError, suggest
from dlsim.lesson.document import Lesson, LessonError, Problem
from dlsim.lesson.parse import parse
from dlsim.lesson.validate import validate
from dlsim.data_files import lessons_dir


def lesson_files(folder: Path | None = None) -> list[Path]:
    """Every lesson file in the folder (README.md is the format's documentation, not a lesson)."""
    folder = lessons_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if p.name.lower() != "readme.md")


def names() -> list[str]:
    return [p.stem for p in lesson_files()]


def find(name: str) -> Path:
    """A lesson's file from its name (`perceptron-and`) or a path to a .md file."""
    as_path = Path(name)
    if as_path.suffix == ".md" or "/" in name or "\\" in name:
        if not as_path.is_file():
            raise UserError(f"no lesson file '{name}'")
        return as_path
    path = lessons_dir() / f"{name}.md"
    if name.lower() == "readme" or not path.is_file():
        known = names()
        raise UserError(f"unknown lesson '{name}'{suggest(name, known)}; "
                        f"see 'dlsim lesson list'" + ("" if known else " (no lessons found)"))
    return path


def check(path: Path) -> tuple[Lesson | None, list[Problem]]:
    """Parse and validate a lesson file; returns every problem found."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(str(path), 1, "not a UTF-8 text file")]
    except OSError as why:
        raise UserError(f"cannot read lesson '{path}': {why.strerror or why}") from None
    lesson, problems = parse(path, text)
    lesson, more = validate(lesson)
    unique = list(dict.fromkeys(problems + more))
    return lesson, sorted(unique, key=lambda p: p.line)


def load(name_or_path: str | Path) -> Lesson:
    """A validated Lesson; raises LessonError (a UserError) listing the problems."""
    path = find(str(name_or_path))
    lesson, problems = check(path)
    if problems:
        raise LessonError(problems)
    return lesson


def catalog() -> list[tuple[Lesson | None, Path, list[Problem]]]:
    """Every lesson in curriculum order, with its problems if any: grouped by network in the
    registry's order (perceptron, MLP, SOM, CNN, RNN, LSTM, GAN), then by its `order:` and name."""
    from dlsim.models import MODELS
    rank = {name: k for k, name in enumerate(MODELS)}
    entries = []
    for path in lesson_files():
        lesson, problems = _parsed(path)
        entries.append((lesson, path, problems))
    last = len(rank)   # a lesson that did not parse, or names no known network: at the end
    return sorted(entries, key=lambda e: (rank.get(e[0].network, last) if e[0] else last + 1,
                                          e[0].order if e[0] else 10**6, e[1].stem))


_PARSED: dict[Path, tuple[tuple[int, int], tuple[Lesson | None, list[Problem]]]] = {}


def _parsed(path: Path) -> tuple[Lesson | None, list[Problem]]:
    """A lesson file parsed, once for as long as the file stays as it was (the home screen lists
    every lesson each time it opens: 41 files took ~80 ms; an author's edit is read again)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    kept = _PARSED.get(path)
    if kept is None or kept[0] != stamp:
        kept = _PARSED[path] = (stamp, parse(path, path.read_text(encoding="utf-8")))
    return kept[1]
