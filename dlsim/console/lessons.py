"""`dlsim lesson list | check [PATH] | NAME [--headless] [--trace FILE]`.

`check` parses and validates a lesson, then plays it through headless (what only playing can tell:
whether each placeholder has a value where it is shown).

Problems in a lesson print one a line as `file:line: what is wrong`, and the exit code is 2.
"""
import sys
from pathlib import Path

from dlsim.errors import UserError
from dlsim.lesson.document import LessonError, Problem
from dlsim.lesson.library import catalog, check, find, lesson_files, load


SHOWN = 50      # a file of a million bad lines is summarised, not printed whole


def report(problems: list[Problem]) -> int:
    for problem in problems[:SHOWN]:
        print(problem, file=sys.stderr)
    if len(problems) > SHOWN:
        print(f"… and {len(problems) - SHOWN:,} more", file=sys.stderr)
    files = len({p.path for p in problems})
    print(f"dlsim: {len(problems)} problem{'s' * (len(problems) != 1)} in "
          f"{files} lesson file{'s' * (files != 1)}", file=sys.stderr)
    return 2


def list_lessons() -> int:
    from dlsim.lesson.progress import Progress
    progress = Progress()
    rows = []
    for lesson, path, problems in catalog():
        minutes = f"{lesson.minutes} min" if lesson and lesson.minutes else ""
        title = lesson.title if lesson else path.stem
        if problems:
            note = f"(malformed: run 'dlsim lesson check {path}')"
        else:
            note = progress.summary(path.stem)
        rows.append((path.stem, minutes, title, note))
    for note in progress.untold():
        print(f"dlsim: note: {note}", file=sys.stderr)
    if not rows:
        print("no lessons found", file=sys.stderr)
        return 1
    width = max(len(r[0]) for r in rows)
    for name, minutes, title, note in rows:
        print(f"{name:<{width}}  {minutes:>6}  {title}" + (f"  [{note}]" if note else ""))
    return 0


def check_command(target: str | None) -> int:
    """Validate one lesson (a name or a file), every lesson of a folder, or all of lessons/."""
    if target and Path(target).is_dir():
        paths = lesson_files(Path(target))
    else:
        paths = [find(target)] if target else lesson_files()
    if not paths:
        raise UserError("no lesson files to check")
    from dlsim.lesson.heavy_actions import heavy_actions
    from dlsim.lesson.rehearsal import rehearse
    problems, warnings = [], []
    for path in paths:
        lesson, found = check(Path(path))
        if lesson is not None and not found:
            heavy = heavy_actions(lesson)
            warnings += heavy
            # only a valid lesson can be played: it shows whether each placeholder has a value there;
            # one with an action that takes hours is not (its names were checked, not their values)
            found = rehearse(lesson) if not heavy else []
            if heavy:
                print(f"{path}: not played through (an action above takes long): its placeholders were "
                      "checked by name, not by value", file=sys.stderr)
        problems += found
    for warning in warnings:      # a slow action is allowed: said, not refused
        print(warning, file=sys.stderr)
    if problems:
        return report(problems)
    said = f", {len(warnings)} warning{'s' * (len(warnings) != 1)}" if warnings else ""
    print(f"ok: {len(paths)} lesson{'s' * (len(paths) != 1)} checked, no problems{said}")
    return 0


def main(args, open_in_app) -> int:
    """`open_in_app(lesson)` opens a lesson in the app (given by the CLI: nothing here imports it)."""
    name, path = args.name, getattr(args, "path", None)
    headless, trace = getattr(args, "headless", False), getattr(args, "trace", None)
    if name == "check":
        return _guarded(lambda: check_command(path))
    if path:
        raise UserError(f"'dlsim lesson {name}' takes no path; to validate a file use "
                        f"'dlsim lesson check {path}'")
    if name == "list":
        return list_lessons()
    if trace is not None and not headless:
        raise UserError("--trace needs --headless")
    if headless:
        return _guarded(lambda: play_headless(name, trace))
    lesson = _guarded(lambda: load(name))
    if isinstance(lesson, int):
        return lesson
    return open_in_app(str(lesson.path) if Path(name).suffix == ".md" else lesson.name)


def play_headless(name: str, trace: str | None) -> int:
    """Play a lesson as text. The trace may not overwrite the lesson; a write error ends the run
    with one line (the lines already written stay complete)."""
    from dlsim.lesson.heavy_actions import heavy_actions
    from dlsim.console.lesson_play import play
    from dlsim.console.trace_file import TraceError, check_path
    lesson = load(name)
    if trace is not None:
        check_path(trace, inputs=(str(lesson.path),))
    for warning in heavy_actions(lesson):
        print(warning, file=sys.stderr)
    try:
        return play(lesson, trace=trace)
    except TraceError as error:
        raise UserError(str(error)) from None


def _guarded(thunk):
    try:
        return thunk()
    except LessonError as error:
        return report(error.problems)
