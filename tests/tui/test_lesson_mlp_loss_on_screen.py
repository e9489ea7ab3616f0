"""The MLP lessons quote the loss after a run ("After one step the loss is 0.740"; mlp-spiral the
test accuracy and loss against the training ones), and at 80×24 the lesson's compact layout showed
the network and the data plot only: those numbers were nowhere on the screen. Those steps highlight
a metric, and the curves take the right-hand column whole (the row that held the data plot stayed
behind, half the column blank, the accuracy chart without a plot). mlp-optimizers' Adam step
quotes the bias's old → new: the weights panel shows that change."""
import re

import pytest

from .conftest import opened_at, settle, text_of, until


@pytest.mark.parametrize("name, index, keys", [
    ("mlp-learning-rate", 1, ["train_loss"]),                          # "lr = 3: the first step"
    ("mlp-spiral", 5, ["train_loss", "test_loss", "train_acc", "test_acc"]),   # training and test points
    ("mlp-backprop", 9, ["train_loss", "train_acc"]),                  # four corners, a thousand times
])
async def test_the_loss_a_step_quotes_is_in_the_curves_at_80x24(data_dir, name, index, keys):
    app = opened_at(name, index)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        evaluated = app.screen.player.sim.model.evaluate()
        curves, column = app.screen.query_one("#curves"), app.screen.query_one("#right")
        for key in keys:
            value = f"{evaluated[key]:.3f}"
            assert value in app.screen.narration.view.text and value in text_of(curves), key
        assert curves.region.height == column.region.height   # the whole column, no blank rows above
        assert "accuracy" in text_of(curves)


async def test_the_bias_change_an_adam_step_quotes_is_in_the_weights_panel_at_80x24(data_dir):
    app = opened_at("mlp-optimizers", 8)                   # "Adam: the first step", then on
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        await pilot.press("a", "n")                          # the question answered, "Adam: the second step"
        assert await until(pilot, lambda: app.screen.player.index == 9, timeout=30)
        await settle(pilot, 0.3)
        old, new = re.search(r"went on up:\s+([\d.]+) → ([\d.]+)", app.screen.narration.view.text).groups()
        last = next(line for line in text_of(app.screen.query_one("#weights")).splitlines() if "last:" in line)
        before, after = (float(n) for n in re.findall(r"[\d.]+(?= →)|(?<=→ )[\d.]+", last))
        assert (f"{before:.3f}", f"{after:.3f}") == (old, new)


async def test_a_weight_changed_by_a_step_that_rebuilt_the_network_reads_from_the_new_build(data_dir):
    """mlp-optimizers' momentum starts from the same weights again (@set optimizer rebuilds) and
    steps once: the inspector read "last: −3.049831 → −1.179727", from where plain gradient descent
    had left the weight, against the narration's −1.248 − 0.300·(−0.229) = −1.180."""
    app = opened_at("mlp-optimizers", 2)                   # plain gradient descent, trained
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        await pilot.press("a", "n")                          # "Momentum: the first step"
        assert await until(pilot, lambda: app.screen.player.index == 3, timeout=30)
        await settle(pilot, 0.3)
        formula = re.search(r"(−?[\d.]+) − [\d.]+·\(−?[\d.]+\) = (−?[\d.]+)", app.screen.narration.view.text)
        last = next(line for line in text_of(app.screen.query_one("#weights")).splitlines() if "last:" in line)
        before, after = re.search(r"(−?[\d.]+) → (−?[\d.]+)", last).groups()
        shown = [f"{float(n.replace('−', '-')):.3f}".replace("-", "−") for n in (before, after)]
        assert shown == list(formula.groups())
