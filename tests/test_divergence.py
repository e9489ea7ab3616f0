"""One divergence detector for every loss: it says what happened, and never cries wolf on a run that learns."""
import itertools

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.sim.watchdog import Watchdog


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_mse_with_a_huge_learning_rate_is_reported_and_says_how(optimizer):
    sim = dlsim.make("mlp", loss="mse", lr=1000, optimizer=optimizer)
    summary = sim.train(epochs=200)
    assert summary["diverged"] is True and sim.diverged()
    assert "saturated" in summary["divergence"] or "weights grew" in summary["divergence"]


def test_headless_mse_run_says_it_diverged(capsys):
    code = main(["run", "mlp", "--headless", "--set", "loss=mse", "--set", "lr=1000"])
    out = capsys.readouterr().out
    assert code == 0
    assert "diverged: at epoch" in out and "the outputs saturated" in out


def test_a_trace_and_a_fused_run_report_the_same_divergence(tmp_path, capsys):
    trace = tmp_path / "t.jsonl"
    main(["run", "mlp", "--headless", "--epochs", "40", "--set", "loss=mse", "--set", "lr=1000"])
    plain = capsys.readouterr().out.splitlines()[2]
    main(["run", "mlp", "--headless", "--epochs", "40", "--set", "loss=mse", "--set", "lr=1000",
          "--trace", str(trace), "--trace-level", "epoch"])
    traced = capsys.readouterr().out.splitlines()[2]
    assert plain == traced and "diverged" in plain


@pytest.mark.parametrize("loss, optimizer", list(itertools.product(["mse", "bce", "softmax_ce"],
                                                                   ["sgd", "momentum", "adam"])))
def test_a_normal_run_is_never_flagged(loss, optimizer):
    sim = dlsim.make("mlp", loss=loss, optimizer=optimizer)
    summary = sim.train(epochs=200)
    assert summary["divergence"] is None and not sim.diverged()


def test_weights_that_grow_while_nothing_is_learnt_are_named():
    dog = Watchdog(start=np.ones(4))                       # ‖w‖ = 2
    history = [{"epoch": e, "loss": 0.5 + 0.01 * (e % 2)} for e in range(1, 4)]
    assert dog.history(history, flat=np.ones(4)) is None
    found = dog.history([{"epoch": 4, "loss": 0.5}], flat=np.full(4, 50.0))
    assert found is not None and "weights grew ×50" in found[1] and "did not go down" in found[1]


def test_weights_that_grow_while_the_loss_falls_are_fine():
    dog = Watchdog(start=np.ones(4))
    history = [{"epoch": e, "loss": 1.0 / e} for e in range(1, 30)]
    assert dog.history(history, flat=np.full(4, 100.0)) is None


def test_an_oscillating_loss_is_named():
    swings = [{"epoch": e, "loss": 0.9 if e % 2 else 0.4} for e in range(1, 30)]
    found = Watchdog().history(swings)
    assert found is not None and "oscillated between 0.400 and 0.900" in found[1]
    damped = [{"epoch": e, "loss": (0.9 if e % 2 else 0.4) * 0.8 ** e} for e in range(1, 30)]
    assert Watchdog().history(damped) is None     # it bounces but goes down: learning


def test_follow_starts_over_after_a_rewind():
    sim = dlsim.make("mlp", loss="mse", lr=1000)
    sim.train(epochs=30)
    assert sim.diverged()
    sim.reset()
    sim.set("lr", 0.3)
    sim.train(epochs=30)
    assert not sim.diverged()


def test_non_finite_weights_still_stop_a_streamed_run():
    sim = dlsim.make("mlp", hidden=[4])
    sim.model.theta[0] = np.inf
    sim.on_event.append(lambda event: None)      # stream, do not fuse
    sim.train(epochs=5)
    assert sim.epoch == 0 and sim.divergence() == "a weight overflowed to ∞"


def test_the_app_pauses_on_a_saturated_mse_run_and_says_why():
    from dlsim.tui.session import Session      # the app's UI-free half: no textual needed
    session = Session(dlsim.make("mlp", loss="mse", lr=1000))
    for _ in range(100):
        if session.run_chunk() == "diverged":
            break
    assert session.diverged and "the outputs saturated" in session.diverged
