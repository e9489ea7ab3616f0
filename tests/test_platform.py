"""The shared layers ask the model: its formulas, its metrics, its learning rule."""
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.protocol.events import UPDATE, Event
from dlsim.sim.formulas import describe


def small(name: str, **options) -> dict:
    """Options for a quick simulation of network `name`: its warm-up size (what the app's warm-up runs)."""
    return {**MODELS[name].warm_up_size, **options}


def variants():
    """(network, options) for every registered network at its warm-up size: each variant whose compiled
    code differs (warm_up_configs), and one with each optional path it has switched on (Adam, clipping)."""
    for name, cls in MODELS.items():
        for config in cls.warm_up_configs:
            yield name, small(name, **config)
        has = {option.name for option in cls.options}
        extra = {key: value for key, value in (("optimizer", "adam"), ("clip", 0.01)) if key in has}
        if extra:
            yield name, small(name, **extra)


def test_a_network_without_gradients_names_its_own_rule():
    with pytest.raises(UserError, match="Kohonen's rule"):
        dlsim.make("som").gradients()
    with pytest.raises(UserError, match="perceptron rule"):
        dlsim.make("perceptron").gradients()


def test_formulas_are_looked_up_in_the_events_own_network():
    """Two networks may use one op name: each event is written by its own network's table."""
    values = {"old": 0.0, "lr": 0.5, "new": 0.5, "optimizer": "sgd", "grad": 0.1, "error": 1.0, "input": 1.0}
    som = Event("pull", UPDATE, "som.node[0,0]", {"old": (0.0, 0.0), "x": (1.0, 1.0), "lr": 0.5, "h": 1.0,
                                                  "new": (0.5, 0.5)})
    mlp = Event("update", UPDATE, "mlp.layer[0].W[0,0]", values)
    perceptron = Event("update", UPDATE, "perceptron.w[0]", values)
    assert describe(som).startswith("w ← w + lr·h·(x − w)")
    assert describe(mlp).startswith("w ← w − lr·∂L/∂w")
    assert describe(perceptron).startswith("w ← w + lr·error·x")


def test_an_epoch_line_reports_the_networks_own_metrics():
    sim = dlsim.make("som", rows=3, cols=3, samples=20)
    line = describe(sim.step("epoch"))
    assert "quantization error" in line and "topographic error" in line


@pytest.mark.parametrize("name", list(MODELS))
def test_every_op_a_network_emits_has_its_formula(name):
    sim = dlsim.make(name, **small(name))
    ops = {e.op for e in (sim.step("op") for _ in range(400))}
    ops |= {sim.step("epoch").op}
    assert ops <= set(MODELS[name].formulas)


@pytest.mark.parametrize("name", list(MODELS))
def test_every_dataset_a_network_offers_is_of_a_kind_it_takes(name):
    from dlsim.protocol import datasets
    cls = MODELS[name]
    for offered in cls.datasets:
        kind = datasets.kind_of(cls.dataset_source.get(offered, offered))
        assert kind.name in cls.kinds, (offered, kind.name)


def test_dataset_options_belong_to_the_networks_that_have_them():
    """The SOM has no test split: it is given no test points (it used to get 64 it never used)."""
    som = dlsim.make("som", samples=30)
    assert som.data.X.shape == (30, 3) and som.data.X_test.shape == (0, 3)
    assert som.data.kind.name == "vectors" and som.data.shape == (3,)
    mlp = dlsim.make("mlp", samples=30, test=5)
    assert mlp.data.X_test.shape == (5, 2) and mlp.data.kind.name == "points"


def test_inputs_are_checked_against_the_datasets_sample_shape():
    with pytest.raises(UserError, match=r"rows of 3 numbers \(shape \(N, 3\)\)"):
        dlsim.make("som").predict([[0.1, 0.2]])


@pytest.mark.parametrize("name, options", [("perceptron", {"dataset": "blobs"}),
                                           ("som", {"rows": 3, "cols": 4, "samples": 30})])
def test_every_network_runs_on_the_numpy_backend_to_the_same_bits(name, options):
    """The NumPy references train the perceptron and the SOM exactly as the compiled kernels do."""
    import numpy as np
    numpy, cpu = dlsim.make(name, backend="numpy", **options), dlsim.make(name, **options)
    assert numpy.model.kernels.name == "numpy" and not numpy.model.kernels.compiles
    numpy.train(epochs=2)
    cpu.train(epochs=2)
    for key, value in cpu.params.items():
        assert np.array_equal(numpy.params[key], value), key


STEP_EVERY_WAY = """
import sys, dlsim
for name, options in {cases}:
    sim = dlsim.make(name, backend="numpy", **options)
    for _ in range(1500):
        sim.step("op")
    sim.step("batch"); sim.step("epoch"); sim.train(epochs=2); sim.back(); sim.back("op"); sim.step("op")
    sim.predict(sim.data.X[:3])
print("numba" in sys.modules)
"""


def test_the_numpy_backend_never_loads_numba(tmp_path):
    """backend="numpy" compiles nothing on any path: op by op, a batch, fused epochs, rewinding
    (stepping runs the scalar kernels by Python)."""
    import subprocess
    import sys
    code = STEP_EVERY_WAY.format(cases=list(variants()))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "DLSIM_CACHE_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_stepping_on_the_numpy_backend_shows_the_compiled_numbers():
    """The op-by-op numbers on the numpy backend are those the compiled scalar kernels give."""
    import numpy as np
    events = {}
    for backend in ("cpu", "numpy"):
        sim = dlsim.make("mlp", dataset="xor", backend=backend)
        events[backend] = [sim.step("op") for _ in range(120)]
    for a, b in zip(events["cpu"], events["numpy"]):
        assert a.op == b.op and a.path == b.path
        for key, value in a.values.items():
            if isinstance(value, float):
                assert np.isclose(value, b.values[key], rtol=1e-12, atol=1e-15), (a.op, key)


def test_cli_takes_backend_as_a_flag(capsys):
    from dlsim.cli import main
    assert main(["run", "som", "--headless", "--backend", "gpu"]) == 2
    assert "option 'backend': 'gpu' is not allowed (did you mean 'cpu'?); one of: cpu, numpy, cuda" in capsys.readouterr().err


@pytest.mark.parametrize("name", list(MODELS))
def test_a_snapshot_holds_everything_training_changes(name):
    """Snapshots copy the fields a network names (`saved`), not all it has: whatever training changes
    must be among them, or stepping back would not restore it."""
    import copy

    import numpy as np
    sim = dlsim.make(name, **small(name))
    before = {k: copy.deepcopy(v) for k, v in vars(sim.model).items() if k not in ("history", "kernels")}
    sim.set(MODELS[name].learning_rates[0], 0.25)
    for _ in range(3):
        sim.step("sample")
    sim.step("epoch")
    changed = {k for k, v in before.items()
               if not (np.array_equal(v, getattr(sim.model, k)) if isinstance(v, np.ndarray)
                       else v is getattr(sim.model, k) or _same(v, getattr(sim.model, k)))}
    assert changed and changed <= set(type(sim.model).saved), changed - set(type(sim.model).saved)


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except ValueError:   # containers of arrays
        return repr(a) == repr(b)
