"""The shared layers ask the model: its formulas, its metrics, its learning rule."""
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.protocol.events import UPDATE, Event
from dlsim.sim.formulas import describe


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


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_op_a_network_emits_has_its_formula(name):
    sim = dlsim.make(name, **({"rows": 2, "cols": 2, "samples": 8} if name == "som" else {}))
    ops = {e.op for e in (sim.step("op") for _ in range(400))}
    ops |= {sim.step("epoch").op}
    assert ops <= set(MODELS[name].formulas)
