"""A configuration whose one epoch would take longer than the time budget is refused before
anything runs, in one line naming what takes the longest and what to shrink; the budget can be
lifted (DLSIM_TIME_BUDGET, --force, force=True)."""
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.sim.time_budget import TooLong, budget

LARGEST_SOM = ["--set", "rows=200", "--set", "cols=200", "--set", "samples=1000000"]


@pytest.fixture(autouse=True)
def default_budget(monkeypatch):
    monkeypatch.delenv("DLSIM_TIME_BUDGET", raising=False)


def test_the_largest_som_is_refused_in_one_line_before_it_runs(capsys):
    code = main(["run", "som", "--headless", *LARGEST_SOM])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "one epoch of som with these options would take about" in err[0]
    assert "1,000,000 samples" in err[0] and "40,000 nodes" in err[0]      # the largest part
    assert "over the 10 min limit" in err[0] and "choose fewer samples, rows or cols" in err[0]
    assert "--force" in err[0] and "DLSIM_TIME_BUDGET" in err[0]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_network_names_its_largest_part_when_over_the_budget(name, monkeypatch):
    monkeypatch.setenv("DLSIM_TIME_BUDGET", "0.0000000001")
    largest = r"; the largest part: .*" if name != "perceptron" else ""   # its epoch is not broken down
    with pytest.raises(TooLong, match=r"would take about .* \(an estimate" + largest + r"\), over the .* "
                                      r"limit \(DLSIM_TIME_BUDGET=.*\); choose .*, or lift the limit") as refused:
        dlsim.make(name)
    assert "\n" not in str(refused.value)
    assert dlsim.make(name, force=True).epoch == 0       # forced: built, nothing refused


def test_the_budget_can_be_raised_or_lifted(monkeypatch):
    assert budget()[0] == 600
    for given, seconds in (("3600", 3600), ("90min", 5400), ("2h", 7200), ("inf", float("inf"))):
        monkeypatch.setenv("DLSIM_TIME_BUDGET", given)
        assert budget()[0] == seconds
    monkeypatch.setenv("DLSIM_TIME_BUDGET", "soon")
    with pytest.raises(UserError, match="DLSIM_TIME_BUDGET"):
        budget()


def test_force_on_the_command_line_runs_what_the_budget_refuses(monkeypatch, capsys):
    monkeypatch.setenv("DLSIM_TIME_BUDGET", "0.0000000001")
    assert main(["run", "mlp", "--headless", "--epochs", "1"]) == 2
    assert "over the" in capsys.readouterr().err
    assert main(["run", "mlp", "--headless", "--epochs", "1", "--force"]) == 0
    assert "mlp on" in capsys.readouterr().out


def test_a_change_over_the_budget_is_refused_and_leaves_the_simulation_as_it_was():
    sim = dlsim.make("som", rows=200, cols=200, samples=1000)
    sim.train(epochs=2)
    with pytest.raises(TooLong, match="choose fewer samples, rows or cols"):
        sim.set("samples", 1_000_000)
    assert sim.epoch == 2 and sim.config["samples"] == 1000


def test_a_live_change_over_the_budget_is_refused_too(monkeypatch):
    """A live option (the GAN's k) changes no sizes but lengthens every iteration: the API refuses it
    as it refuses a rebuild, and the simulation goes on as it was."""
    sim = dlsim.make("gan", batch=256)
    sim.train(epochs=2)
    one = type(sim.model).estimate({**sim.config, "k": 1}, sim.model.data, 0).epoch_seconds
    monkeypatch.setenv("DLSIM_TIME_BUDGET", repr(one * 20))
    with pytest.raises(TooLong, match="one iteration of gan with k=100"):
        sim.set("k", 100)
    assert sim.config["k"] == 1 and sim.epoch == 2
    sim.set("k", 2)   # within the budget
    assert sim.config["k"] == 2


def test_a_forced_simulation_stays_forced_when_rebuilt(monkeypatch):
    sim = dlsim.make("mlp", force=True)
    monkeypatch.setenv("DLSIM_TIME_BUDGET", "0.0000000001")
    sim.set("hidden", [8])     # a rebuild
    assert sim.config["hidden"] == (8,)


def test_a_gan_generator_is_at_most_sixteen_layers_deep(capsys):
    deep = ",".join(["2"] * 60_000)
    assert main(["run", "gan", "--headless", "--set", f"g_hidden={deep}"]) == 2
    err = capsys.readouterr().err
    assert "at most 16 layers" in err and len(err.strip().splitlines()) == 1
    assert dlsim.make("gan", g_hidden=[2] * 16, d_hidden=[2] * 16).config["g_hidden"] == (2,) * 16
