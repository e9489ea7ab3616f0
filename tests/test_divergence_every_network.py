"""A learning rate of 10⁶ is told the same way for every network: the summary's line, exit 0 and the
trace's summary record, as the MLP's; a GAN says which of its networks diverged. A network whose
learning rate cannot reach 10⁶ refuses it in one line."""
import json

import pytest

import dlsim
from dlsim.cli import main

HUGE = {"mlp": ["lr=1e6"], "cnn": ["lr=1e6"], "rnn": ["lr=1e6"], "lstm": ["lr=1e6"],
        "gan": ["d_lr=1e6", "g_lr=1e6", "d_optimizer=sgd", "g_optimizer=sgd"]}


@pytest.mark.parametrize("name", sorted(HUGE))
def test_a_huge_learning_rate_is_reported_as_the_mlp_reports_it(name, tmp_path, capsys):
    trace = tmp_path / "t.jsonl"
    options = [arg for option in HUGE[name] for arg in ("--set", option)]
    code = main(["run", name, "--headless", "--epochs", "3", *options, "--trace", str(trace),
                 "--trace-level", "epoch"])
    out = capsys.readouterr().out
    word = dlsim.make(name).model.epoch_word
    assert code == 0
    line = next(line for line in out.splitlines() if "diverged" in line)
    assert line.startswith(f"  diverged: at {word} ") and line.endswith("(try a smaller learning rate)")
    last = json.loads(trace.read_text(encoding="utf-8").splitlines()[-1])
    assert last["type"] == "summary" and last["diverged"] is True
    assert last["divergence"].startswith(f"at {word} ") and last["divergence"] in line


def test_a_gan_says_which_network_diverged():
    sim = dlsim.make("gan", d_lr=1e6, g_lr=1e6, d_optimizer="sgd", g_optimizer="sgd")
    summary = sim.train(epochs=3)
    assert "D's loss exploded" in summary["divergence"] or "G's loss exploded" in summary["divergence"]


@pytest.mark.parametrize("name", ["cnn", "rnn", "lstm"])
def test_a_loss_that_blows_up_in_the_first_epoch_is_told_at_that_epoch(name):
    """The loss before training is the start: the first epoch's loss is already far past it."""
    sim = dlsim.make(name, lr=1e6)
    sim.stepper.run(1)                     # one fused epoch, nothing measured yet
    trained = sim.params
    summary = sim.summary()
    assert summary["divergence"].startswith("at epoch 1, the loss exploded from ")
    assert all((sim.params[k] == v).all() for k, v in trained.items())   # measuring the start changed nothing


@pytest.mark.parametrize("name", ["perceptron", "som"])
def test_a_network_whose_rate_is_bounded_refuses_a_huge_one(name, capsys):
    assert main(["run", name, "--headless", "--set", "lr=1e6"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "option 'lr'" in err[0]


@pytest.mark.parametrize("name, options", [("mlp", {}), ("cnn", {}), ("rnn", {}), ("lstm", {}), ("gan", {}),
                                           ("gan", {"k": 5}), ("gan", {"g_loss": "saturating"})])
def test_a_run_that_learns_is_never_flagged(name, options):
    sim = dlsim.make(name, **options)
    assert sim.train(epochs=60)["diverged"] is False
