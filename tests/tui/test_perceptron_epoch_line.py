"""The perceptron's epoch line says when each of its numbers is measured: the errors while the rule
still moved the weights, the accuracy on the weights the epoch ends on. 'train acc 0.250, errors 2'
on AND's four rows read as two numbers that disagree (two errors, yet one row in four right)."""
import dlsim
from dlsim.protocol.numbers import count, num
from dlsim.tui.summary import epochs, headline
from dlsim.tui.widgets.math_panel import MathPanel

from .conftest import make_app, settle, text_of


def _said(last: dict) -> str:
    return f"errors during the last epoch: {count(last['errors'])}, train acc after it: {num(last['train_acc'])}"


async def test_the_math_panel_names_the_errors_during_the_epoch_and_the_accuracy_after_it_at_80x24():
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "right")
        await settle(pilot)
        last = app.screen.simview.session.sim.history[-1]
        shown = " ".join(text_of(app.screen.query_one(MathPanel)).split())   # its lines unwrapped
        assert f"epoch 1 done, {_said(last)}" in shown, shown


def test_the_line_after_a_run_of_many_epochs_says_the_same():
    sim = dlsim.make("perceptron", dataset="and")
    sim.train(epochs=3)
    last = sim.history[-1]
    assert epochs(sim.history, headline(sim.model.metrics)) == f"epoch 3, {_said(last)}"


def test_the_plot_legend_names_each_epochs_moment(capsys):
    from dlsim.cli import main
    assert main(["run", "perceptron", "--headless", "--epochs", "3", "--plot"]) == 0
    out = capsys.readouterr().out
    assert "errors during the last epoch: " in out and "train accuracy after it: " in out, out
    assert "errors during each epoch" in out and "train acc after each epoch" in out, out
