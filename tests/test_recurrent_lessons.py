"""The RNN's and the LSTM's lessons say the sequence length they set (it was `steps`, which lessons
read as the updates made: 0), and quote what the pictures show (the gates, ‖δh_t‖ per step)."""
import pytest

from dlsim.lesson import Player, load


@pytest.mark.parametrize("name,words", [("rnn-unrolling", "The sequences have 5 steps."),
                                        ("rnn-vanishing", "then come 5 steps of loud"),
                                        ("lstm-forget", "then 20 steps of loud noise")])
def test_the_first_page_says_the_length(name, words):
    text = " ".join(Player(load(name)).start().text.split())
    assert words in text


def test_the_lstm_lesson_quotes_the_forget_gate_the_app_draws():
    player = Player(load("lstm-forget"))
    player.start()
    view = player.next()   # "One gate": the first op, unit 0's forget gate at t = 0
    seen = player.sim.inspect()
    assert seen["gate_f"][0, 0] == player.sim.last.values["value"]   # the gate the model computed
    assert f"f = {seen['gate_f'][0, 0]:.3f}" in " ".join(view.text.split())
