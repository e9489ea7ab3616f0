"""The perceptron's convergence told one way: the app (→ by epochs, space, f), headless and the
lesson name the same epoch, and say "converged" as soon as the error-free epoch ends; a run that
cannot converge stops at exactly the epoch count the README gives."""
import re
from pathlib import Path

import dlsim
from dlsim.cli import main
from dlsim.tui.runner import Runner
from dlsim.tui.session import Session

from .conftest import make_app, settle, sim_view, until

README = Path(__file__).resolve().parents[2] / "README.md"


def converged_epoch_headless(capsys) -> int:
    assert main(["run", "perceptron", "--headless", "--dataset", "and"]) == 0
    said = re.search(r"converged after (\d+) epochs", capsys.readouterr().out)
    assert said, "headless says when it converged"
    return int(said.group(1))


async def test_stepping_by_epochs_says_converged_at_the_epoch_headless_names(capsys):
    epoch = converged_epoch_headless(capsys)
    assert epoch == 6   # what the perceptron-and lesson expects too
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("5")                                  # epoch level
        for _ in range(epoch - 1):
            await pilot.press("right")
        await settle(pilot)
        assert "converged" not in sim.ui.notice and not sim.session.model.converged()
        await pilot.press("right")
        await settle(pilot)
        assert sim.session.model.epoch == epoch and sim.session.model.history[-1]["errors"] == 0
        assert "converged" in sim.ui.notice
        await pilot.press("f")                                  # a run from there has nothing to do
        assert await until(pilot, lambda: sim.runner is None)
        await settle(pilot)
        assert sim.session.model.epoch == epoch and "converged" in sim.ui.notice


async def test_space_at_epoch_level_stops_at_the_converged_epoch_and_says_so(capsys):
    epoch = converged_epoch_headless(capsys)
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("5", "space")
        assert await until(pilot, lambda: not sim.playing, timeout=5)
        await settle(pilot)
        assert sim.session.model.epoch == epoch and "converged" in sim.ui.notice


async def test_full_speed_from_the_start_converges_at_the_same_epoch(capsys):
    epoch = converged_epoch_headless(capsys)
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is None and sim.session.model.converged())
        await settle(pilot)
        assert sim.session.model.epoch == epoch and "converged" in sim.ui.notice


async def test_a_weight_typed_in_after_converging_lets_the_run_train_again():
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is None and sim.session.model.converged())
        epoch = sim.session.model.epoch
        sim.set_weight("b", (0,), "5")                         # now every row fires: wrong again
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is None and sim.session.model.epoch > epoch)
        await settle(pilot)
        assert sim.session.model.converged() and sim.session.model.params["b"][0] < 5


def test_the_readme_and_the_run_agree_on_when_a_run_gives_up():
    said = re.search(r"stops after ([\d,]+) epochs at full speed", README.read_text().replace("\n", " "))
    assert said and int(said.group(1).replace(",", "")) == Runner.PATIENCE


def test_no_chunk_of_a_run_goes_past_the_epochs_it_is_allowed():
    session = Session(dlsim.make("perceptron", dataset="xor"))
    session.chunk = 64                                          # a run well under way
    assert session.run_chunk(1.0, most=5) is None and session.model.epoch == 5


async def test_xor_at_full_speed_stops_at_exactly_the_patience():
    app = make_app("perceptron", dataset="xor")
    async with app.run_test(size=(120, 40)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")
        assert await until(pilot, lambda: sim.runner is None, timeout=20)
        await settle(pilot)
        assert sim.session.model.epoch == Runner.PATIENCE == 1_000
        assert f"{Runner.PATIENCE:,} epochs without converging" in sim.ui.notice


def test_only_a_configuration_that_can_converge_gets_a_limit_of_epochs():
    """The RBF's delta rule and DQN without a `solved` return never say converged: a run of them goes
    on until paused (the delta rule's ran 1,000 epochs, 50 ms, and stopped as "not converging")."""
    cases = {("rbf", "solve"): True, ("rbf", "delta"): False, ("perceptron", None): True, ("mlp", None): False}
    for (name, fit), limited in cases.items():
        options = {"fit": fit} if fit else {}
        assert Session(dlsim.make(name, backend="numpy", **options)).converges() is limited, (name, fit)
    assert not Session(dlsim.make("dqn", backend="numpy")).converges()
    assert Session(dlsim.make("dqn", backend="numpy", solved=195)).converges()
