"""`lesson check` refuses a placeholder that would show nothing ("–") where it is shown, and a bare
name that is both an option and a live value (the learner would read one, the lesson mean the
other), each at its file:line. The fixtures are shipped lessons as they were when they did so."""
import re
from pathlib import Path

import pytest

from dlsim.cli import main
from dlsim.lesson import Player, check, load
from dlsim.lesson.library import lesson_files
from dlsim.lesson.quantities import parse_quantity
from dlsim.lesson.rehearsal import rehearse

BEFORE = Path(__file__).parent / "fixtures" / "lessons_before"
HEAD = "---\ntitle: T\nnetwork: perceptron\ndataset: and\n---\n## One\n"


def lines(path: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in check(path)[1]]


@pytest.mark.parametrize("name, line", [("rnn-unrolling", 18), ("rnn-vanishing", 12), ("lstm-forget", 12)])
def test_steps_before_the_rename_to_length_is_named(name, line):
    """`{steps:0}` meant the sequence length (then the option `steps`, now `length`) and showed the
    update count, 0."""
    found = lines(BEFORE / f"{name}.md")
    assert [n for n, _ in found] == [line]
    assert "'steps'" in found[0][1] and "option(steps)" in found[0][1] and "now(steps)" in found[0][1]


def test_the_sigma_the_lesson_set_and_the_one_in_use_are_told_apart():
    found = lines(BEFORE / "som-shrinking.md")
    assert [(n, m.split()[0]) for n, m in found] == [(24, "'sigma'"), (56, "'sigma'"), (56, "'lr'")]
    player = Player(load("som-shrinking"))
    text = player.goto(1).text
    assert "σ = 0.300 from the start" in text            # the lesson's `sigma=0.3`, not the decayed σ
    assert "σ = 0.041" not in text


def test_an_empty_placeholder_is_named_at_its_line(tmp_path, capsys):
    assert [n for n, _ in lines(BEFORE / "mlp-backprop.md")] == [23, 63]    # `{lr}` and `{loss}` first
    said = (BEFORE / "mlp-backprop.md").read_text(encoding="utf-8")
    said = said.replace("is {lr}.", "is {option(lr)}.").replace("\n{loss}.", "\n{now(loss)}.")
    path = tmp_path / "mlp-backprop.md"
    path.write_text(said, encoding="utf-8")
    assert main(["lesson", "check", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}:78: {{fprime}}: 'fprime' is empty") and "–" in err[0]
    assert len(err) == 2


def test_the_fixed_backprop_lesson_shows_the_sigmoid_slope_the_network_computed():
    player = Player(load("mlp-backprop"))
    view = player.goto(4)
    y_hat = player.scope().value(parse_quantity("loss.prediction[0]"))
    assert "ŷ(1 − ŷ) = –" not in view.text
    assert f"ŷ(1 − ŷ) = {y_hat:.3f}·{1 - y_hat:.3f}" in view.text     # 0.638·0.362 ≈ 0.231


def test_the_backprop_lesson_shows_the_value_of_the_sigmoid_slope_not_only_its_factors():
    """Step 5 wrote "ŷ(1 − ŷ) = 0.638·0.362" and left the product to the learner: the slope the
    output's δ does without (cross-entropy cancels it) is `slopes`, f'(z) as the network computes it."""
    player = Player(load("mlp-backprop"))
    view = player.goto(4)
    y_hat = player.scope().value(parse_quantity("loss.prediction[0]"))
    slope = player.sim.inspect()["slopes"][1, 0]
    assert slope == y_hat * (1 - y_hat)
    assert f"ŷ(1 − ŷ) = {y_hat:.3f}·{1 - y_hat:.3f} = {slope:.3f})" in view.text    # … = 0.231


def test_a_name_both_option_and_live_value_is_refused_and_option_now_say_which(tmp_path):
    path = tmp_path / "l.md"
    path.write_text(HEAD + "@step 1 sample\nlr {lr}, {option(lr)}, {now(lr)}\n@expect lr > 0\n", encoding="utf-8")
    found = lines(path)
    assert [n for n, _ in found] == [8, 9]
    path.write_text(HEAD + "@step 1 sample\n{option(lr)} {now(lr)} {option(nope)} {now(nope)}\n", encoding="utf-8")
    found = lines(path)
    assert [n for n, _ in found] == [8, 8] and "not an option" in found[0][1] and "no live value" in found[1][1]


def test_option_and_now_read_the_option_and_the_live_value():
    """A SOM's σ: the option keeps what the lesson set; now() is the decayed one the map uses."""
    player = Player(load("som-shrinking"))
    player.goto(1)
    scope = player.scope()
    assert scope.value(parse_quantity("option(sigma)")) == pytest.approx(0.3)
    assert scope.value(parse_quantity("now(sigma)")) < 0.1


def test_rehearsal_finds_every_empty_placeholder_in_one_pass(tmp_path):
    path = tmp_path / "l.md"
    path.write_text(HEAD + "{now(lr)}\n## Two\n@step 1 sample\nFine: {now(lr)}.\n## Three\n@reset\n{now(lr)}\n",
                    encoding="utf-8")
    lesson, static = check(path)
    assert static == []
    assert [p.line for p in rehearse(lesson)] == [7, 13]


@pytest.mark.parametrize("path", lesson_files(), ids=lambda p: p.stem)
def test_every_shipped_lesson_names_what_it_means(path):
    assert lines(path) == []      # (every placeholder has a value: test_lessons plays each through)


def test_slopes_are_the_f_prime_the_backward_pass_uses():
    """`slopes` is f'(z) of each neuron for the sample in hand: where δ uses it (hidden layers) it is
    the event's own fprime; at a sigmoid output under cross-entropy, where it cancels, it is ŷ(1 − ŷ)."""
    import dlsim
    sim = dlsim.make("mlp", dataset="xor4", seed=8, hidden=(2,), lr=0.5, batch=1)
    seen = {}
    while True:
        event = sim.step("op")
        if event.op == "delta" and event.values.get("fprime") is not None:
            l, j = (int(n) for n in re.findall(r"\[(\d+)\]", event.path))
            seen[(l, j)] = (event.values["fprime"], sim.inspect()["slopes"][l, j])
        if event.op == "delta" and event.path.endswith("layer[0].neuron[1]"):
            break
    assert set(seen) == {(0, 0), (0, 1)}
    assert all(fprime == slope for fprime, slope in seen.values())
    y_hat = sim.inspect()["activations"][1, 0]
    assert sim.inspect()["slopes"][1, 0] == y_hat * (1 - y_hat)
