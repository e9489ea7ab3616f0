"""One way of counting and writing, as a learner reads it: the status line, the math panel, the
headless summary and a lesson's "after {epoch} epochs" name the same sample, the same unit and the
same numbers (the README's rule: places from 1, rows by their index #i, three decimals, 6,653)."""
import json
import re

import dlsim
from dlsim.cli import main
from dlsim.lesson.text import fmt
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import num
from dlsim.sim.formulas import describe
from dlsim.tui.session import Session
from dlsim.tui.summary import summarize
from dlsim.tui.views import view_for
from dlsim.tui.widgets.panel import UiState
from dlsim.tui.widgets.status_bar import StatusBar


def status_line(session, width=120) -> str:
    view = view_for(session.name)(session)
    frame = session.frame(view.extras)
    return "".join(text for text, _ in StatusBar(view).rows(frame, UiState(), width, 1)[0])


def test_status_line_and_math_panel_name_the_same_sample():
    session = Session(dlsim.make("perceptron", seed=0, dataset="and"))
    for _ in range(3):
        session.step(Level.SAMPLE)
    last = session.sim.last
    row = last.values["sample"]
    line, panel = status_line(session), describe(last)
    # the third sample of four, which is the data's row `row`, as the path perceptron.sample[row] says
    assert f"sample 3/4 #{row}" in line, line
    assert panel.startswith(f"sample #{row} done"), panel
    assert last.path == f"perceptron.sample[{row}]"
    assert f"sample 3/4 #{row}" in status_line(session, width=80)   # kept at 80 columns too


def test_the_gans_unit_is_one_word_on_the_status_line_and_in_ran_n():
    session = Session(dlsim.make("gan", seed=0))
    session.sim.train(epochs=3)
    line, ran = status_line(session), describe(session.sim.last)
    assert "iteration 3 " in line and "epoch" not in line, line
    assert ran.startswith("ran 3 iterations on the compiled path: iterations 1–3"), ran
    assert "iter 3 " in status_line(session, width=80)
    session.step(Level.EPOCH)
    assert describe(session.sim.last).startswith("iteration 4 done"), describe(session.sim.last)


def test_the_gans_headless_summary_and_trace_count_iterations(capsys, tmp_path):
    path = tmp_path / "gan.jsonl"
    code = main(["run", "gan", "--headless", "--epochs", "2", "--trace", str(path), "--trace-level", "epoch"])
    out = capsys.readouterr().out
    assert code == 0 and "gan on ring: 2 iterations" in out and "epoch" not in out, out
    header = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert header["unit"] == "iteration"


def test_headless_summary_numbers_follow_the_rule(capsys):
    code = main(["run", "perceptron", "--headless", "--dataset", "xor", "--epochs", "1200"])
    out = capsys.readouterr().out
    assert code == 0 and "1,200 epochs, 4,800 steps" in out, out
    figures = out.splitlines()[1]
    assert re.search(r"\d\.\d{4}", figures) is None, figures   # three decimals, not four
    assert any(f"train accuracy after it: {acc}" in figures for acc in ("0.250", "0.500", "0.750")), figures


def test_numbers_read_one_way():
    assert num(0.002) == "0.002" and num(0.02) == "0.020"      # gan-mode-collapse's two learning rates
    assert num(0.00357) == "0.004" and num(0.007) == "0.007"   # one quantity, one format
    assert num(0.000357) == "0.000357" and num(-9.31e-7) == "−9.31e−7"
    assert fmt(6653) == "6,653" and fmt(-1) == "−1"            # a lesson's {epoch}: a count


def test_a_run_begun_inside_an_epoch_counts_it_as_the_lesson_does():
    # a lesson's `@step 4 layer` then `@run epochs=30`: "after {epoch} epochs" must match the panel
    session = Session(dlsim.make("mlp", seed=0, dataset="xor"))
    session.step(Level.SAMPLE)
    before = session.flat()
    session.sim.train(epochs=30)
    assert session.model.epoch == 30
    lines = summarize(Level.EPOCH, [], session.sim.last, session.layout, before, session.flat(),
                      session.sim.history)
    assert lines[0] == "finished epoch 1, then ran 29 epochs on the compiled path: epochs 2–30", lines
    assert lines[1].startswith("epoch 30,"), lines
    session.sim.train(epochs=298)   # mlp-learning-rate: "after {epoch} steps" reads 328 here
    assert describe(session.sim.last) == "ran 298 epochs on the compiled path: epochs 31–328"


def test_a_lessons_after_epoch_epochs_agrees_with_the_panel(tmp_path):
    # rnn-vanishing's shape: a few steps into the first epoch, then `@run epochs=N`
    from dlsim.lesson.parse import parse
    from dlsim.lesson.player import Player
    path = tmp_path / "count.md"
    path.write_text("---\ntitle: Count\nnetwork: mlp\ndataset: xor\n---\n\n## One\n\n@step 3 layer\n\n"
                    "Three layers in.\n\n## Two\n\n@run epochs=12\n\nAfter {epoch} epochs.\n", encoding="utf-8")
    lesson, problems = parse(path, path.read_text(encoding="utf-8"))
    assert not problems
    player = Player(lesson)
    player.start()
    view = player.next()
    panel = describe(player.sim.last)
    assert "After 12 epochs." in view.text
    assert panel == "finished epoch 1, then ran 11 epochs on the compiled path: epochs 2–12", panel
