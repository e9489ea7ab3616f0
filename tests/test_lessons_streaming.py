"""A lesson step of any length plays in flat memory: it keeps what its narration reads, not its events.

`@step 100000 epoch` once held every event it pulled (gigabytes, then a MemoryError); a window of
the latest 20,000 still grew with the step up to its cap, and lost the names older than it. Here a
step is made long by epochs of a tiny network (not by time), and the same lesson with four times
the epochs must peak at the same memory.
"""
import gc
import tracemalloc

import pytest

from dlsim.cli import main
from dlsim.lesson.library import load
from dlsim.lesson.player import Player
from dlsim.sim.stepper import Stepper

HISTORY = 300_000   # bytes of rewind history: small, so that it is full long before the step ends

LESSON = """---
title: A long step
network: perceptron
dataset: and
seed: 0
options: lr=0.5 init=random
---

Start: w = {{w}}.

## Many epochs

@step {epochs} epoch

After {{epoch}} epochs w = {{w}}, and the last weighted sum was z = {{z}}.
@expect epoch == {epochs}
"""


@pytest.fixture
def small_history(monkeypatch):
    made = Stepper.__init__

    def small(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self.memory = HISTORY
    monkeypatch.setattr(Stepper, "__init__", small)


def lesson(tmp_path, epochs: int):
    path = tmp_path / f"long{epochs}.md"
    path.write_text(LESSON.format(epochs=epochs), encoding="utf-8")
    return load(path)


def peak_of_long_step(tmp_path, epochs: int) -> tuple[int, Player]:
    player = Player(lesson(tmp_path, epochs))
    player.start()
    gc.collect()
    tracemalloc.start()
    try:
        view = player.next()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert view.outcomes and all(o.ok for o in view.outcomes)
    assert f"After {epochs} epochs" in view.text and "z = –" not in view.text
    return peak, player


def test_a_step_four_times_longer_peaks_at_the_same_memory(tmp_path, small_history):
    short, _ = peak_of_long_step(tmp_path, 150)      # ~4,000 events: the rewind history is full
    long, player = peak_of_long_step(tmp_path, 600)  # ~17,000 events
    # only the epochs' metrics may grow (about 300 bytes an epoch, thinned past 20,000 epochs);
    # the events of 450 more epochs would be some 6 MB
    assert long - short < 450 * 1000, (short, long)
    # what the player keeps is what the narration reads: one event a kind, no window of them
    assert len(player.view.events) == 1 and len(player._recent) < 20
    # and the learner can still step back from the end of the long step, exactly
    w = player.sim["w"].copy()
    player.sim.back("epoch")
    assert player.sim.epoch == 599
    player.sim.step("epoch")
    assert (player.sim["w"] == w).all()


def test_formulas_of_a_long_step_keep_a_bounded_window(tmp_path, monkeypatch):
    from dlsim.lesson import kept_events
    monkeypatch.setattr(kept_events, "KEPT_EVENTS", 50)
    path = tmp_path / "formulas.md"
    path.write_text("---\ntitle: F\nnetwork: perceptron\ndataset: and\n---\n\n## One\n\n"
                    "@step 10 epoch\n\n```\n{formulas}\n```\n", encoding="utf-8")
    view = Player(load(path)).start()
    assert len(view.events) == 50 and view.text.count("\n") >= 50


def test_a_prediction_of_change_over_a_long_step_compares_its_start_and_end(tmp_path, monkeypatch):
    """The first update of the step says where the weight started, however many events followed
    (a window of the latest events lost it, and compared a later value)."""
    from dlsim.lesson import kept_events
    monkeypatch.setattr(kept_events, "KEPT_EVENTS", 50)
    path = tmp_path / "change.md"
    path.write_text("---\ntitle: C\nnetwork: perceptron\ndataset: and\noptions: init=zeros\n---\n\n"
                    "## Ask\n\n@predict change(b) = down\n\n## Many\n\n@step 300 epoch\n\nb = {b}.\n",
                    encoding="utf-8")
    player = Player(load(path))
    player.start()
    view = player.next()
    assert view.outcomes[0].ok, view.outcomes[0].text
    assert "(b: 0.000 → " in view.outcomes[0].text


def test_a_long_step_plays_headless(tmp_path, small_history, capsys):
    path = tmp_path / "long.md"
    path.write_text(LESSON.format(epochs=400), encoding="utf-8")
    assert main(["lesson", str(path), "--headless"]) == 0
    text = capsys.readouterr().out
    assert "After 400 epochs" in text and "passed: 2 steps" in text
