"""What a configuration costs is known before it is built; one that cannot fit is refused in one line."""
import itertools

import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.lesson.heavy_actions import heavy_actions
from dlsim.lesson.parse import parse
from dlsim.protocol.events import Level
from dlsim.sim.memory_budget import budget

DEEP = ",".join(["1024"] * 300)


@pytest.fixture
def small_machine(monkeypatch):
    monkeypatch.setenv("DLSIM_MEMORY_BUDGET", "4G")


def test_a_network_too_big_for_the_machine_is_refused_before_allocating(small_machine, capsys):
    code = main(["run", "mlp", "--headless", "--set", f"hidden={DEEP}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "needs about" in err[0] and "GB of memory" in err[0] and "but 4.0 GB fits" in err[0]


def test_a_million_samples_through_wide_layers_is_refused(small_machine):
    with pytest.raises(UserError, match="largest part: working buffers"):
        dlsim.make("mlp", samples=1_000_000, hidden=[1024, 1024])


def test_a_refused_change_leaves_the_simulation_as_it_was(small_machine):
    sim = dlsim.make("mlp", hidden=[4])
    sim.train(epochs=3)
    with pytest.raises(UserError, match="needs about"):
        sim.set("hidden", [1024] * 300)
    assert sim.epoch == 3 and sim.config["hidden"] == (4,)


def test_the_budget_is_half_the_available_memory_unless_set(monkeypatch):
    monkeypatch.delenv("DLSIM_MEMORY_BUDGET", raising=False)
    allowed, source = budget()
    assert allowed is None or (allowed > 0 and "half of the" in source)
    monkeypatch.setenv("DLSIM_MEMORY_BUDGET", "lots")
    with pytest.raises(UserError, match="DLSIM_MEMORY_BUDGET"):
        budget()


def _events_per_epoch(sim):
    """Count one epoch's events, stepped one at a time, by the coarsest unit each closes."""
    counts = dict.fromkeys(Level, 0)
    while True:
        event = sim.step(Level.OP)
        for level in Level:
            counts[level] += event.closes >= level
        if event.closes >= Level.EPOCH:
            return counts


@pytest.mark.parametrize("model, options", [
    ("mlp", {"hidden": [3, 2], "samples": 8, "test": 2, "batch": 3}),
    ("mlp", {"hidden": [3], "samples": 6, "test": 0, "loss": "softmax_ce"}),
    ("mlp", {"hidden": [2], "samples": 4, "loss": "mse", "dataset": "spiral"}),
    ("perceptron", {"dataset": "and"}),
    ("perceptron", {"dataset": "blobs", "samples": 5}),
    ("som", {"rows": 2, "cols": 3, "samples": 5}),
    ("som", {"rows": 1, "cols": 2, "samples": 3, "dataset": "iris"}),
])
def test_the_estimated_work_is_the_events_a_run_really_steps(model, options):
    sim = dlsim.make(model, **options)
    assert _events_per_epoch(sim) == dict(sim.estimate.per_epoch)


@pytest.mark.parametrize("hidden, optimizer", itertools.product([[4], [16, 16]], ["sgd", "adam"]))
def test_the_estimated_parameter_memory_is_what_the_model_holds(hidden, optimizer):
    sim = dlsim.make("mlp", hidden=hidden, optimizer=optimizer)
    held = sum(getattr(sim.model, name).nbytes for name in ("theta", "grad", "m", "v"))
    assert sim.estimate.memory["parameters and optimizer state"] == held


def test_lesson_check_says_what_a_heavy_step_costs(tmp_path, capsys):
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: Long\nnetwork: mlp\ndataset: xor\n---\n\n## One\n\nText.\n\n"
                    "@step 100000 epoch\n\n## Two\n\n@run epochs=50\n\nDone.\n", encoding="utf-8")
    code = main(["lesson", "check", str(path)])
    out, err = capsys.readouterr()
    assert code == 0 and "1 warning" in out
    assert f"{path}:11: warning: @step 100000 epoch will take about" in err and "days" in err
    assert "'@run epochs=100000' trains as many on the compiled path" in err
    assert "@run epochs=50" not in err       # a short run is not worth a word


def test_the_shipped_lessons_have_no_heavy_step():
    from dlsim.lesson.library import lesson_files
    for path in lesson_files():
        lesson, _ = parse(path, path.read_text(encoding="utf-8"))
        assert heavy_actions(lesson) == [], path


def test_a_headless_run_that_will_take_long_says_so_first(capsys):
    code = main(["run", "mlp", "--headless", "--set", "hidden=64,64", "--set", "samples=100000",
                 "--epochs", "1000000", "--trace", "/dev/full"])
    err = capsys.readouterr().err
    assert code == 2          # the trace fails at once: nothing long actually runs
    assert "dlsim: 1,000,000 epochs will take about" in err and "Ctrl+C stops" in err


def test_dlsim_list_says_how_much_memory_a_configuration_may_use(monkeypatch, capsys):
    monkeypatch.setenv("DLSIM_MEMORY_BUDGET", "2G")
    assert main(["list"]) == 0
    assert "memory: a configuration may use up to 2.0 GB" in capsys.readouterr().out
