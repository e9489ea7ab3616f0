"""The player API the app uses, progress remembered between sessions, and `dlsim lesson` exit codes."""
import json
import os
from pathlib import Path

import pytest

from dlsim.cli import main
from dlsim.lesson import LessonError, Player, Progress, load
from dlsim.lesson.progress import data_dir

PLAY = Path(__file__).parent / "fixtures" / "lessons" / "play"


@pytest.fixture(autouse=True)
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("DLSIM_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_checkpoints_are_asked_and_graded():
    player = Player(load("perceptron-and"))
    view = player.start()
    assert view.index == 0 and view.total == len(player.lesson.steps)
    view = player.next()
    cp = view.checkpoint
    assert cp.kind == "sign" and cp.choices == ("positive", "negative", "zero")
    assert view.question and view.because
    wrong = player.answer("positive")
    assert not wrong.correct and wrong.answer == "negative" and wrong.because == view.because
    assert player.answer(cp.choices.index("negative")).correct
    settled = player.next().outcomes[0]
    assert settled.kind == "predict" and settled.ok


def test_exploring_the_simulation_does_not_derail_the_lesson():
    player = Player(load("perceptron-and"))
    player.start()
    player.next()
    reference = Player(load("perceptron-and"))
    reference.start()
    reference.next()
    player.sim.set("lr", 5.0)        # the learner plays with the simulation inside a step...
    player.sim.step("epoch")
    assert player.moved()
    assert player.next().text == reference.next().text   # ...and the lesson carries on as written
    player.sim.step("sample")
    player.restore()
    assert not player.moved()


def test_progress_is_remembered_between_sessions(data):
    player = Player(load("perceptron-xor"), progress=Progress())
    player.start()
    player.next()                 # "Three epochs" asks whether w[0] will change
    player.answer("same")
    player.next()
    saved = json.loads((data / "progress.json").read_text())
    entry = saved["lessons"]["perceptron-xor"]
    assert entry["step"] == 2 and entry["steps"] == len(player.lesson.steps) and not entry["completed"]
    again = Player(load("perceptron-xor"), progress=Progress())
    assert again.resume().index == 2
    assert Progress().summary("perceptron-xor") == f"step 3/{len(player.lesson.steps)}"
    assert not [p for p in data.iterdir() if p.name.endswith(".tmp")]   # written atomically


def test_progress_location_and_a_corrupt_file(data, monkeypatch):
    assert data_dir() == data
    monkeypatch.delenv("DLSIM_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", "/somewhere")
    assert data_dir() == Path("/somewhere/dlsim")
    monkeypatch.setenv("DLSIM_DATA_DIR", str(data))
    data.mkdir(parents=True)
    (data / "progress.json").write_text("{not json")
    progress = Progress()
    assert progress.lessons == {} and (data / "progress.json.bad").exists()
    progress.visit("x", 0, 1)
    assert Progress().summary("x") == "done"


def test_lesson_list_prints_one_lesson_a_line_name_first(capsys):
    code, out, _ = run(capsys, "lesson", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[0] == "perceptron-threshold"
    assert "perceptron-and" in [line.split()[0] for line in lines]


def test_lesson_check(capsys, monkeypatch):
    """`lesson check` with no argument checks every shipped lesson: each parsed and validated here,
    each played through by the rehearsal, which is recorded rather than run (tests/test_lessons.py
    plays every lesson headless, and a headless play stops at any placeholder a rehearsal reports)."""
    from dlsim.lesson import rehearsal
    from dlsim.lesson.library import lesson_files
    rehearsed = []
    monkeypatch.setattr(rehearsal, "rehearse", lambda lesson: rehearsed.append(lesson.path.stem) or [])
    code, out, _ = run(capsys, "lesson", "check")
    assert code == 0 and "no problems" in out
    assert sorted(rehearsed) == sorted(path.stem for path in lesson_files())
    bad = Path(__file__).parent / "fixtures" / "lessons" / "unknown-directives.md"
    code, _, err = run(capsys, "lesson", "check", str(bad))
    assert code == 2
    assert f"{bad}:9: unknown directive '@stpe' (did you mean '@step'?)" in err
    code, _, err = run(capsys, "lesson", "check", str(bad.parent))     # a whole folder
    assert code == 2 and "bad-set.md:10:" in err and "problems in 10 lesson files" in err


def test_headless_exit_codes(capsys):
    code, out, _ = run(capsys, "lesson", "perceptron-threshold", "--headless")
    assert code == 0 and "passed:" in out
    code, _, err = run(capsys, "lesson", str(PLAY / "failing-expectation.md"), "--headless")
    assert code == 1 and "failing-expectation.md:13: expectation does not hold: converged" in err
    code, _, err = run(capsys, "lesson", str(PLAY / "wrong-answer.md"), "--headless")
    assert code == 1 and "wrong-answer.md:9:" in err and "it was 'down'" in err
    code, _, err = run(capsys, "lesson", str(PLAY / "missing-value.md"), "--headless")
    assert code == 2 and "missing-value.md:9: {z}" in err
    code, out, _ = run(capsys, "lesson", str(PLAY / "inside-sample.md"), "--headless")
    assert code == 0 and "The weights are" in out   # mid-sample, the weights are the ones shown
    malformed = Path(__file__).parent / "fixtures" / "lessons" / "bad-set.md"
    code, _, err = run(capsys, "lesson", str(malformed), "--headless")
    assert code == 2 and "bad-set.md:10:" in err


def test_headless_trace_and_user_errors(capsys, tmp_path):
    trace = tmp_path / "t.jsonl"
    code, out, _ = run(capsys, "lesson", "perceptron-and", "--headless", "--trace", str(trace))
    records = [json.loads(line) for line in trace.read_text().splitlines()]
    assert code == 0 and records[0]["type"] == "header" and records[-1]["type"] == "summary"
    assert any(r.get("op") == "weighted_sum" for r in records)
    code, _, err = run(capsys, "lesson", "perceptron-adn", "--headless")
    assert code == 2 and "did you mean 'perceptron-and'" in err
    code, _, err = run(capsys, "lesson", "perceptron-and", "--trace", str(trace))
    assert code == 2 and "--trace needs --headless" in err


def test_a_lesson_error_lists_every_problem():
    bad = Path(__file__).parent / "fixtures" / "lessons" / "unknown-directives.md"
    with pytest.raises(LessonError) as error:
        load(str(bad))
    assert len(error.value.problems) == 7
    assert str(error.value).startswith(f"{bad}:9: ") and "and 6 more problems" in str(error.value)
    assert not os.environ.get("DLSIM_DATA_DIR", "").startswith(str(Path.home()))


def test_a_long_step_keeps_a_bounded_number_of_events(tmp_path):
    """`@step N` pulls every event of N units: the player keeps the latest event of each kind (for
    lookups) and, without {formulas} to list, only the step's last (a big @step grew one process by
    gigabytes). tests/test_lessons_streaming.py plays long steps in flat memory."""
    from dlsim.lesson import kept_events
    from dlsim.lesson.parse import parse
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: Long\nnetwork: mlp\ndataset: xor\n---\n\n## One\n\n"
                    "@step 2 epoch\n\nThe loss is {train_loss}.\n", encoding="utf-8")
    lesson, problems = parse(path, path.read_text(encoding="utf-8"))
    assert not problems
    keep, kept_events.KEPT_EVENTS = kept_events.KEPT_EVENTS, 500
    try:
        player = Player(lesson)
        view = player.start()
    finally:
        kept_events.KEPT_EVENTS = keep
    assert len(view.events) == 1 and len(player._last_step) == 1
    assert len(player._recent) == 500    # an MLP of 16,16 has more kinds of event than that
    assert "The loss is" in view.text
