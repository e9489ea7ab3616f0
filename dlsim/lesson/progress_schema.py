"""The one schema of the progress file: what a file may hold, checked before anything uses it.

    {"version": 1, "lessons": {NAME: {"step": int, "steps": int, "completed": bool,
                                      "updated": str, "answers": {"3": {"choice": str, "correct": bool}}}}}

Keys this version does not know are allowed everywhere (a newer dlsim may have written them) and are
kept when the file is rewritten; a known key with the wrong type is a problem.
"""
MAX_STEP = 10**6          # no lesson has a million steps: a larger number is damage, not progress
MAX_TEXT = 1000


class Unfit(ValueError):
    """The file is JSON but does not fit the schema; the message says where."""


def _whole(value, low: int, where: str) -> int:
    # bool is an int in Python: `true` is not a step number
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= MAX_STEP:
        raise Unfit(f"{where} is {_show(value)}, not a whole number {low}..{MAX_STEP}")
    return value


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_entry(name: str, entry) -> None:
    """Raise Unfit unless `entry` is one lesson's progress as this version reads it."""
    where = f"lessons[{_show(name)}]"
    if not isinstance(entry, dict):
        raise Unfit(f"{where} is {_show(entry)}, not a table")
    for key, kind in (("completed", bool), ("updated", str)):
        if key in entry and not isinstance(entry[key], kind):
            raise Unfit(f"{where}.{key} is {_show(entry[key])}, not a {kind.__name__}")
    if len(entry.get("updated", "")) > MAX_TEXT:
        raise Unfit(f"{where}.updated is too long")
    steps = _whole(entry["steps"], 1, f"{where}.steps") if "steps" in entry else None
    if "step" in entry:
        step = _whole(entry["step"], 0, f"{where}.step")
        if steps is not None and step >= steps:
            raise Unfit(f"{where}.step is {step}, past its {steps} steps")
    answers = entry.get("answers", {})
    if not isinstance(answers, dict):
        raise Unfit(f"{where}.answers is {_show(answers)}, not a table")
    for key, answer in answers.items():
        if not key.isdigit() or len(key) > 7:
            raise Unfit(f"{where}.answers has the key {_show(key)}, not a step number")
        if (not isinstance(answer, dict) or not isinstance(answer.get("choice"), str)
                or len(answer["choice"]) > MAX_TEXT or not isinstance(answer.get("correct"), bool)):
            raise Unfit(f"{where}.answers.{key} is {_show(answer)}, not "
                        "{\"choice\": text, \"correct\": true/false}")


def check_file(data) -> tuple[int, dict]:
    """(version, lessons) of a parsed file whose top level fits; raises Unfit otherwise.

    The lessons are not checked here: `split` sorts them into those that fit and those that do not.
    """
    if not isinstance(data, dict):
        raise Unfit(f"the file holds {_show(data)}, not a table")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Unfit(f"version is {_show(version)}, not a whole number from 1")
    lessons = data.get("lessons", {})
    if not isinstance(lessons, dict):
        raise Unfit(f"lessons is {_show(lessons)}, not a table")
    return version, lessons


def split(lessons: dict) -> tuple[dict, list[str]]:
    """({name: entry} that fit, [what is wrong with each entry that does not])."""
    fit, wrong = {}, []
    for name, entry in lessons.items():
        try:
            check_entry(name, entry)
            fit[name] = entry
        except Unfit as why:
            wrong.append(str(why))
    return fit, wrong
