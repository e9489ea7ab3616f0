"""The progress file: whatever is in it, dlsim starts and says once what it set aside; two sessions,
symlinks, newer versions and earlier set-aside files never lose a learner's progress."""
import json
import os

import pytest

from dlsim.cli import main
from dlsim.lesson import Player, Progress, load
from dlsim.lesson import progress as progress_module


@pytest.fixture(autouse=True)
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(progress_module, "_told", set())      # each test is a fresh process
    (tmp_path / "data").mkdir()
    return tmp_path / "data"


def entry(**fields):
    return {"step": 1, "steps": 5, "completed": False, **fields}


WRONG = {
    "step is text": entry(step="abc"),
    "step is null": entry(step=None),
    "step is Infinity": entry(step=float("inf")),
    "step is true": entry(step=True),
    "answers is text": entry(answers="x"),
    "an answer is a number": entry(answers={"1": 3}),
    "entry is a list": [1, 2],
}


@pytest.mark.parametrize("bad", WRONG.values(), ids=WRONG.keys())
def test_a_wrong_typed_entry_is_set_aside_and_the_rest_kept(data, capsys, bad):
    (data / "progress.json").write_text(json.dumps(
        {"version": 1, "lessons": {"perceptron-and": bad, "mlp-xor": entry()}}, allow_nan=True))
    progress = Progress()
    assert "perceptron-and" not in progress.lessons and progress.summary("mlp-xor") == "step 2/5"
    assert json.loads((data / "progress.json.bad").read_text(), parse_constant=str)["lessons"]
    notes = progress.untold()
    assert len(notes) == 1 and "perceptron-and" in notes[0] and "progress.json.bad" in notes[0]
    assert Progress().untold() == []                    # said once, and the file no longer needs it
    assert main(["lesson", "list"]) == 0
    player = Player(load("perceptron-and"), progress=Progress())
    player.start()
    player.next()
    player.answer(0)                                    # answering works on the repaired file
    assert Progress().get("perceptron-and")["answers"]["1"]["choice"] == "positive"


@pytest.mark.parametrize("text", ["[" * 100_000, "null", "{\"lessons\": 7}", "{not json", "\xff\xfe"])
def test_an_unreadable_file_is_set_aside_whole(data, text):
    (data / "progress.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    progress = Progress()
    assert progress.lessons == {} and not (data / "progress.json").exists()
    assert (data / "progress.json.bad").read_bytes() == text.encode("utf-8", "surrogateescape")
    assert len(progress.untold()) == 1


def test_lesson_list_says_once_what_was_set_aside(data, capsys):
    (data / "progress.json").write_text('{"lessons": {"perceptron-and": {"step": "abc"}}}')
    assert main(["lesson", "list"]) == 0
    err = capsys.readouterr().err
    assert err.count("dlsim: note:") == 1 and "perceptron-and" in err and "Traceback" not in err


def test_two_sessions_keep_each_others_lessons(data):
    first, second = Progress(), Progress()
    first.visit("perceptron-and", 2, 9)
    second.visit("mlp-xor", 1, 7)
    first.visit("perceptron-and", 3, 9)
    saved = Progress()
    assert saved.summary("perceptron-and") == "step 4/9" and saved.summary("mlp-xor") == "step 2/7"


def test_every_set_aside_file_is_kept(data):
    for n, text in enumerate(["{one", "{two", "{three"]):
        (data / "progress.json").write_text(text)
        Progress()
    kept = sorted(p.name for p in data.iterdir() if ".bad" in p.name)
    assert kept == ["progress.json.bad", "progress.json.bad.2", "progress.json.bad.3"]
    assert (data / "progress.json.bad").read_text() == "{one"


def test_a_newer_file_keeps_its_version_and_unknown_keys(data):
    newer = {"version": 3, "theme": "dark",
             "lessons": {"perceptron-and": entry(stars=5), "mlp-xor": entry(step=0)}}
    (data / "progress.json").write_text(json.dumps(newer))
    Progress().visit("perceptron-and", 4, 5)
    saved = json.loads((data / "progress.json").read_text())
    assert saved["version"] == 3 and saved["theme"] == "dark"
    assert saved["lessons"]["perceptron-and"]["stars"] == 5
    assert saved["lessons"]["perceptron-and"]["completed"] and "mlp-xor" in saved["lessons"]


def test_a_newer_file_this_version_cannot_read_is_never_written(data):
    text = json.dumps({"version": 2, "lessons": {"perceptron-and": entry(step="chapter 3")}})
    (data / "progress.json").write_text(text)
    progress = Progress()
    progress.visit("mlp-xor", 1, 7)
    assert (data / "progress.json").read_text() == text
    assert "progress is not being saved" in progress.untold()[0]


def test_a_symlinked_file_is_written_through(data, tmp_path):
    real = tmp_path / "synced" / "dlsim-progress.json"
    real.parent.mkdir()
    real.write_text(json.dumps({"version": 1, "lessons": {"mlp-xor": entry()}}))
    (data / "progress.json").symlink_to(real)
    Progress().visit("perceptron-and", 1, 9)
    assert (data / "progress.json").is_symlink()
    assert set(json.loads(real.read_text())["lessons"]) == {"mlp-xor", "perceptron-and"}


def test_an_unwritable_data_directory_is_said_once(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path / "a-file" / "dlsim"))
    player = Player(load("perceptron-and"), progress=Progress())
    player.start()
    player.next()
    player.answer(0)
    notes = player.progress.untold()
    assert len(notes) == 1 and notes[0].startswith("progress is not being saved: cannot write")
    player.next()
    assert player.progress.untold() == []


def test_the_lesson_screen_opens_on_a_wrong_typed_file(data):
    (data / "progress.json").write_text('{"lessons": {"perceptron-and": {"step": null}}}')
    from dlsim.tui.lesson_session import open_lesson
    player, _, _ = open_lesson("perceptron-and")
    assert player.index == 0 and len(player.progress.untold()) == 1
    assert os.path.exists(data / "progress.json.bad")


def _visit_many(first: int) -> None:
    progress = Progress()
    for n in range(first, first + 20):
        progress.visit(f"lesson-{n}", 1, 3)


def test_sessions_in_separate_processes_lose_nothing(data):
    import multiprocessing
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_visit_many, args=(20 * i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(Progress().lessons) == 80
