"""What the MLP's and the perceptron's pictures show, computed by the models (mlp_inspect,
perceptron_inspect): the decision surface and neuron maps equal a plain NumPy forward pass, the
inspected values equal the events and what `dlsim run --headless --trace-inspect` writes, the
probabilities are the network's outputs, and wrong shapes are refused in one line."""
import json
import math

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.console.trace_file import plain, read_trace
from dlsim.errors import UserError
from dlsim.models.mlp_inspect import SUMMARY_GRID
from dlsim.protocol.plane import grid

ACTS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def mlp(**options):
    config = dict(dataset="circle", hidden=(5, 3), samples=16, test=4)
    return dlsim.make("mlp", seed=0, **{**config, **options})


def plain_forward(model, X):
    """Every layer's outputs for X, written out in NumPy from the named parameters."""
    params, a, layers = model.params, X, []
    n = len(model.sizes) - 1
    for l in range(n):
        z = a @ params[f"layer[{l}].W"] + params[f"layer[{l}].b"]
        if l < n - 1:
            a = ACTS[model.config["activation"]](z)
        elif z.shape[1] == 1:
            a = ACTS["sigmoid"](z)
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        layers.append(a)
    return layers


# --- over the plane ---------------------------------------------------------------------------------
@pytest.mark.parametrize("options", [{}, {"activation": "relu", "loss": "softmax_ce"}])
def test_the_surface_and_maps_are_a_plain_forward_pass_over_the_grid(options):
    sim = mlp(**options)
    sim.train(epochs=3)
    model = sim.model
    points = grid(model.plane(), 7, 6)
    found = model.over_plane(points, (6, 7))
    layers = plain_forward(model, points)
    out = layers[-1]
    assert np.allclose(found["surface"], (out[:, 1] if out.shape[1] > 1 else out[:, 0]).reshape(6, 7),
                       rtol=0, atol=1e-12)
    for maps, a in zip(found["units"], layers):
        assert maps.shape == (a.shape[1], 6, 7)
        assert np.allclose(maps, a.T.reshape(-1, 6, 7), rtol=0, atol=1e-12)
    if options:   # relu: unbounded, the layer's largest output over the plane is "full"
        assert found["unit_scales"][0] == pytest.approx((0.0, float(np.abs(layers[0]).max())), abs=1e-12)
    else:
        assert found["unit_scales"][0] == (0.0, 1.0) and found["unit_scales"][-1] == (0.5, 0.5)


def test_the_plane_summary_counts_the_class1_side_and_each_neurons_positive_side():
    sim = mlp()
    sim.train(epochs=300)                                     # the circle learnt: class 1 inside
    model, n = sim.model, SUMMARY_GRID
    layers = plain_forward(model, grid(model.plane(), n, n))
    seen = sim.inspect()
    assert seen["surface_class1"] == pytest.approx(np.mean(layers[-1][:, 0] > 0.5), abs=1.5 / n ** 2)
    assert 0.0 < seen["surface_class1"] < 1.0
    on = seen["neuron_on"]                                     # (hidden layers, widest): 5 and 3 neurons
    assert on.shape == (2, 5) and np.isnan(on[1, 3:]).all()
    assert np.allclose(on[0], (layers[0] > 0).mean(axis=0), atol=1.5 / n ** 2)
    assert np.allclose(on[1, :3], (layers[1] > 0).mean(axis=0), atol=1.5 / n ** 2)


def test_the_plane_spans_the_data_with_a_margin():
    model = mlp().model
    x0, x1, y0, y1 = model.plane()
    X = np.concatenate([model.data.X, model.data.X_test])
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1 and y0 < X[:, 1].min() and X[:, 1].max() < y1
    assert x1 - x0 == pytest.approx(1.3 * np.ptp(X[:, 0]))


# --- probabilities ----------------------------------------------------------------------------------
@pytest.mark.parametrize("loss", ["bce", "softmax_ce"])
def test_probabilities_are_the_networks_outputs_one_row_per_point(loss):
    sim = mlp(loss=loss)
    sim.train(epochs=5)
    X = sim.data.X_test
    p = sim.probabilities(X)
    out = plain_forward(sim.model, X)[-1]
    assert p.shape == (len(X), 2) and np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    expected = np.column_stack([1 - out[:, 0], out[:, 0]]) if loss == "bce" else out
    assert np.allclose(p, expected, rtol=0, atol=1e-12)
    assert np.array_equal(p[:, 1], sim.model.scores(X))
    assert np.array_equal(p.argmax(axis=1), sim.predict(X))


def test_the_perceptron_says_why_it_gives_no_probabilities():
    sim = dlsim.make("perceptron", dataset="and")
    with pytest.raises(UserError) as refused:
        sim.probabilities([[0.0, 1.0]])
    message = str(refused.value)
    assert "\n" not in message and "threshold" in message and "predict" in message


# --- wrong shapes -----------------------------------------------------------------------------------
ENTRY_POINTS = {"mlp": ("scores", "predict", "ties", "probabilities", "forward", "outputs"),
                "perceptron": ("scores", "predict", "ties")}


@pytest.mark.parametrize("net", ENTRY_POINTS)
@pytest.mark.parametrize("X", [np.zeros((3, 1)), np.zeros((3, 3)), np.zeros(2), [[0.0, math.nan]]],
                         ids=["one column", "three columns", "one row unwrapped", "nan"])
def test_every_entry_point_refuses_the_wrong_shape_in_one_line(net, X):
    model = dlsim.make(net, dataset="and").model
    for name in ENTRY_POINTS[net]:
        with pytest.raises(UserError) as refused:
            getattr(model, name)(X)
        assert "\n" not in str(refused.value) and str(refused.value).startswith("inputs must be")


def test_gradients_refuse_inputs_and_targets_that_do_not_pair():
    model = mlp().model
    with pytest.raises(UserError, match="rows of 2 numbers"):
        model.gradients(np.zeros((3, 1)), np.zeros((3, 1)))
    with pytest.raises(UserError, match="3 inputs but 2 target rows"):
        model.gradients(np.zeros((3, 2)), np.zeros((2, 1)))


# --- the sample in hand -----------------------------------------------------------------------------
def _through_forward(sim):
    """Step op by op until the loss of the first sample: its whole forward pass is traced."""
    while sim.step("op").op != "loss":
        pass


def test_the_sample_in_hands_numbers_are_its_events():
    sim = mlp(loss="softmax_ce")
    assert "activations" not in sim.inspect() and "sample" not in sim.inspect()   # nothing in hand yet
    sim.step("op")                                           # neuron 0's weighted sum only
    seen = sim.inspect()
    assert np.isnan(seen["activations"]).all() and seen["sums"][0, 0] == sim.last.values["z"]
    _through_forward(sim)
    seen, loss = sim.inspect(), sim.last
    s = loss.values["sample"]
    assert seen["sample"] == s and np.array_equal(seen["x"], sim.data.X[s])
    for l, n in enumerate(sim.model.sizes[1:-1]):
        for j in range(n):
            event = sim.trace.get("activation", f"mlp.layer[{l}].neuron[{j}]")
            assert seen["activations"][l, j] == event.values["a"]
    assert np.array_equal(seen["sample_probabilities"], loss.values["prediction"])
    assert np.allclose(seen["sample_probabilities"], sim.probabilities(sim.data.X[s:s + 1])[0], rtol=0, atol=1e-15)
    assert "deltas" not in seen
    sim.step("op")                                           # the first output δ
    assert sim.inspect()["deltas"][2, 0] == sim.last.values["delta"]
    sim.step("batch")
    assert "activations" not in sim.inspect()                # a batch's update: no sample in hand


def test_a_single_sigmoid_outputs_probabilities_are_one_minus_y_hat_and_y_hat():
    sim = mlp()
    _through_forward(sim)
    y_hat = sim.last.values["prediction"][0]
    assert tuple(sim.inspect()["sample_probabilities"]) == (1.0 - y_hat, y_hat)


def test_the_perceptrons_line_and_whether_the_rule_moved_it():
    sim = dlsim.make("perceptron", dataset="and", lr=0.5, init="zeros")
    assert sim.inspect() == {"line": (0.0, 0.0, 0.0)}
    sim.step("sample")                                       # (0, 0) fires on z = 0, but is 0: b goes down
    seen = sim.inspect()
    assert seen["line"] == (0.0, 0.0, -0.5) and seen["line_before"] == (0.0, 0.0, 0.0)
    assert seen["line_moved"] is True and seen["sample"] == 0
    sim.step("sample")                                       # (0, 1): z = −0.5, right: nothing moves
    seen = sim.inspect()
    assert seen["line_before"] == seen["line"] == (0.0, 0.0, -0.5) and seen["line_moved"] is False
    sim.step("epoch")
    assert set(sim.inspect()) == {"line"}


def test_the_perceptron_predicts_what_its_rule_would_on_the_line_itself():
    model = dlsim.make("perceptron", dataset="and").model
    model.set_param("w", [1.0, -1e-17])
    model.set_param("b", [-1.0])
    # the rule sums b + w₀x₀ = 0 exactly, then −1e-17: silent; X @ w + b would round
    # (w₀x₀ + w₁x₁) to 1 and fire on 0
    x = np.array([1.0, 1.0])
    rule = model.ops.threshold(model.ops.weighted_sum(x, model.theta[:-1], model.theta[-1]))
    assert rule == 0.0 and model.predict(x[None, :])[0] == 0 and model.scores(x[None, :])[0] == 0.0


# --- the headless trace -----------------------------------------------------------------------------
@pytest.mark.parametrize("net, options", [
    ("mlp", ["--set", "hidden=3", "--set", "samples=4", "--set", "test=2", "--dataset", "circle"]),
    ("perceptron", ["--dataset", "and"])])
def test_the_headless_trace_carries_what_the_model_inspects(tmp_path, capsys, net, options):
    path = tmp_path / "t.jsonl"
    assert main(["run", net, "--headless", "--epochs", "1", "--trace", str(path),
                 "--trace-level", "op", "--trace-inspect", *options]) == 0
    capsys.readouterr()
    lines = read_trace(path)   # each event's inspected values made whole (a line holds what changed)
    events = [line for line in lines if line["type"] == "event"]
    sim = dlsim.make(net, **lines[0]["config"])
    for record in events:
        event = sim.step("op")
        assert (event.op, event.path) == (record["op"], record["path"])
        expected = json.loads(json.dumps(_plain(sim.inspect())))
        assert record["inspect"] == expected, f"event {record['n']} {event.op} {event.path}"
    names = set().union(*(record["inspect"] for record in events))
    wanted = {"mlp": {"activations", "sums", "deltas", "sample_probabilities", "surface_class1",
                      "neuron_on"},
              "perceptron": {"line", "line_before", "line_moved", "sample"}}[net]
    assert wanted <= names


def _plain(value):
    return plain(value)
