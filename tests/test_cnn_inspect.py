"""What the CNN's pictures show, computed by the model (CNN.inspect, dlsim.models.cnn_inspect): the
model's own workspace while a sample is stepped, one forward pass with the weights now otherwise (as
the NumPy reference computes it), the pool window's winner, the probabilities and the confusion
matrix; the same numbers in the app's frame, in a lesson and in a headless trace; wrong images refused."""
from pathlib import Path

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.kernels import cnn_reference as ref
from dlsim.kernels import readiness
from dlsim.models.cnn import CNN
from dlsim.models.cnn_inspect import INSPECTED
from dlsim.protocol.events import Level
from dlsim.tui.session import Session
from dlsim.tui.views.cnn import CNNView
from dlsim.console.trace_file import read_trace

TWO_LAYERS = {"image": 12, "kernels": (2, 3), "padding": "same", "hidden": 3}
CONFIGS = {"one-layer": {}, "two-layers": TWO_LAYERS}
ROOT = Path(__file__).resolve().parents[1]


def small(**extra):
    return dlsim.make("cnn", seed=3, **{"samples": 6, "test": 8, "batch": 2, "kernels": (2,), **extra})


def step_until(sim, done, limit=20_000):
    for _ in range(limit):
        event = sim.step("op")
        if done(event):
            return event
    raise AssertionError("never reached")


def reference(model, s):
    """Every conv layer's (x, z, a, p, winners) and the probabilities of training image s, by NumPy."""
    conv_maps, _ = ref.forward(model.theta, model.conv, model.sizes, model.dense_act, model.X[s:s + 1])
    probs = ref.probabilities(model.theta, model.conv, model.sizes, model.dense_act, model.X[s:s + 1])[0]
    return [tuple(m[0] for m in layer) for layer in conv_maps], probs


# --- while a sample is stepped: the model's workspace ----------------------------------------------
@pytest.mark.parametrize("extra", CONFIGS.values(), ids=CONFIGS.keys())
def test_while_stepping_the_maps_are_the_models_workspace_filling_in(extra):
    sim = small(**extra)
    model = sim.model
    event = step_until(sim, lambda e: e.op == "conv" and e.path.endswith("kernel[1].pos[0,2]"))
    seen = sim.inspect()
    assert (seen["focus_layer"], seen["focus_kernel"], seen["position"]) == (0, 1, (0, 2))
    x, z, a, _ = model.conv_maps(0)
    assert np.array_equal(seen["layer_input"], x) and np.array_equal(seen["z_map"], z[1])
    assert seen["z_map"][0, 2] == event.values["z"]
    assert seen["z_map"][1, 0] == 0.0          # not reached yet: the map fills in
    assert "probs" not in seen                # no softmax yet for this image
    seen["z_map"][0, 2] = 99.0                # a copy: the picture never writes into the model
    assert z[1, 0, 2] == event.values["z"]

    loss = step_until(sim, lambda e: e.op == "loss")
    seen = sim.inspect()
    maps, probs = reference(model, model.current)
    assert np.array_equal(seen["probs"], model.dense_maps(len(model.sizes) - 2)[2])
    assert seen["probs"] == pytest.approx(probs, rel=1e-12, abs=1e-15)
    assert seen["predicted"] == int(np.argmax(probs))
    assert loss.values["label"] == sim.data.y[seen["sample"]]

    step_until(sim, lambda e: e.op == "mask" and e.path.startswith("cnn.layer[0].kernel[1]"))
    seen = sim.inspect()
    _, dz, da, dp = model.conv_maps(0, model.dm)
    assert np.array_equal(seen["delta_map"], dz[1]) and np.array_equal(seen["delta_routed"], da[1])
    assert np.array_equal(seen["delta_pooled"], dp[1])
    for (mine, theirs) in zip((seen["feature_map"], seen["pooled"]), (maps[0][2][1], maps[0][3][1])):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


def test_the_delta_reaching_a_lower_layer_is_shown_on_that_layers_input():
    sim = small(**TWO_LAYERS)
    event = step_until(sim, lambda e: e.op == "below")
    seen = sim.inspect()
    assert seen["focus_layer"] == 0 and seen["position"] == (event.values["y"], event.values["x"])
    step_until(sim, lambda e: e.op == "db" and e.path.startswith("cnn.layer[1]"))
    seen = sim.inspect()
    assert seen["focus_layer"] == 1
    assert np.array_equal(seen["delta_input"], sim.model.conv_maps(1, sim.model.dm)[0])


# --- otherwise: one forward pass with the weights now -------------------------------------------------
@pytest.mark.parametrize("extra", CONFIGS.values(), ids=CONFIGS.keys())
def test_outside_a_sample_the_maps_are_a_forward_pass_of_the_image_with_the_weights_now(extra):
    sim = small(**extra)
    model = sim.model
    before = sim.inspect()
    assert before["sample"] == 0 and "position" not in before and "delta_map" not in before
    sim.step("sample")                     # the image stepped is now the one in hand
    sim.step("batch")                      # the weights move on; the maps follow them
    seen = sim.inspect()
    assert seen["sample"] == model.current >= 0
    maps, probs = reference(model, model.current)
    np.testing.assert_allclose(seen["probs"], probs, rtol=1e-12, atol=1e-15)
    for l, (x, z, a, p, win) in enumerate(maps):
        fresh, _ = model.fresh_maps(model.current, l)
        for key, want in zip(("x", "z", "a", "p"), (x, z, a, p)):
            np.testing.assert_allclose(fresh[key], want, rtol=1e-12, atol=1e-15, err_msg=f"layer {l} {key}")
        assert np.array_equal(fresh["win"], win)
    np.testing.assert_allclose(seen["feature_map"], maps[0][2][0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(seen["layer_input"], model.X[model.current], rtol=0)


def test_while_the_app_compiles_the_pictures_come_from_the_numpy_fallback_with_the_same_numbers():
    sim = small(**TWO_LAYERS)
    sim.step("batch")
    compiled = sim.inspect()
    readiness.getting_ready("cnn")
    try:
        fallback = sim.inspect()
    finally:
        readiness.mark_ready("cnn")
    assert set(fallback) == set(compiled)
    for name, value in compiled.items():
        np.testing.assert_allclose(np.asarray(fallback[name], float), np.asarray(value, float),
                                   rtol=1e-12, atol=1e-15, err_msg=name)


def test_the_numpy_backend_gives_the_compiled_backends_pictures():
    cpu, npy = small(**TWO_LAYERS), small(**TWO_LAYERS, backend="numpy")
    for sim in (cpu, npy):
        step_until(sim, lambda e: e.op == "pool" and e.path.startswith("cnn.layer[1]"))
    a, b = cpu.inspect(), npy.inspect()
    assert a["pool_winner"] == b["pool_winner"]
    np.testing.assert_allclose(b["pooled"], a["pooled"], rtol=1e-12)


# --- the pool window in hand ---------------------------------------------------------------------------
def test_pool_winner_is_the_feature_map_cell_the_window_took():
    sim = small(kernels=(3,))
    seen_a_move = False
    for _ in range(12):
        event = step_until(sim, lambda e: e.op == "pool")
        seen = sim.inspect()
        r, c, w = event.values["r"], event.values["c"], event.values["winner"]
        assert seen["pool_winner"] == (2 * r + w // 2, 2 * c + w % 2)
        assert seen["feature_map"][seen["pool_winner"]] == event.values["value"] == max(event.values["window"])
        assert seen["pool_winners"][r, c] == w
        seen_a_move |= w != 0
    assert seen_a_move
    event = step_until(sim, lambda e: e.op == "pool_back")
    w = event.values["winner"]
    assert sim.inspect()["pool_winner"] == (2 * event.values["r"] + w // 2, 2 * event.values["c"] + w % 2)
    step_until(sim, lambda e: e.op == "mask")
    assert "pool_winner" not in sim.inspect()


def test_mean_pooling_has_no_winner():
    sim = small(pool="mean")
    step_until(sim, lambda e: e.op == "pool")
    seen = sim.inspect()
    assert "pool_winner" not in seen and "pool_winners" not in seen and seen["pooled"].shape == (3, 3)


# --- the test set's confusion matrix -------------------------------------------------------------------
def test_the_confusion_matrix_counts_the_test_predictions_for_the_weights_now():
    sim = small(dataset="shapes", test=30)
    for _ in range(2):
        seen = sim.inspect()
        predicted, y = sim.predict(sim.data.X_test), sim.data.y_test
        want = np.zeros((3, 3), np.int64)
        for t, p in zip(y, predicted):
            if p >= 0:
                want[t, p] += 1
        assert np.array_equal(seen["confusion"], want)
        assert list(seen["misclassified"]) == list(np.flatnonzero(predicted != y))
        assert seen["confusion"].trace() == np.sum(predicted == y)
        sim.train(epochs=3)


def test_the_confusion_matrix_is_computed_again_only_when_the_weights_change():
    sim = small()
    model = sim.model
    first = model.test_confusion()
    assert model.test_confusion() is first
    sim.step("op")                    # a forward op changes no weight
    assert model.test_confusion() is first
    sim.set_param("layer[0].b", 5.0, (0,))
    assert model.test_confusion() is not first


# --- probabilities and the images the API takes ------------------------------------------------------
def test_probabilities_are_the_softmax_of_the_kernels_forward_pass():
    sim = small(**TWO_LAYERS)
    X = sim.data.X_test
    P = sim.probabilities(X)
    m = sim.model
    np.testing.assert_allclose(P, ref.probabilities(m.theta, m.conv, m.sizes, m.dense_act, X), rtol=1e-12)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert np.array_equal(sim.predict(X), P.argmax(axis=1))
    assert np.array_equal(m.scores(X), P[:, 1])


WRONG = {"smaller image": (2, 1, 7, 7), "three channels": (2, 3, 8, 8), "no batch axis": (1, 8, 8),
         "flat rows": (2, 64)}


@pytest.mark.parametrize("shape", WRONG.values(), ids=WRONG.keys())
@pytest.mark.parametrize("entry", ["probabilities", "predict", "scores", "ties", "gradients", "sim.probabilities",
                                   "sim.predict", "sim.gradients"])
def test_images_of_the_wrong_shape_are_refused_in_one_line(entry, shape):
    sim = small()
    X = np.zeros(shape)
    Y = np.eye(2)[np.zeros(shape[0], int)]
    owner, _, name = entry.rpartition(".")
    call = getattr(sim if owner else sim.model, name)
    with pytest.raises(UserError) as error:
        call(X, Y if "gradients" in name else None) if "gradients" in name else call(X)
    message = str(error.value)
    assert "\n" not in message and "(N, 1, 8, 8)" in message and str(shape) in message


def test_images_that_are_not_finite_are_refused():
    sim = small()
    X = sim.data.X_test.copy()
    X[0, 0, 0, 0] = np.nan
    with pytest.raises(UserError, match="finite"):
        sim.model.probabilities(X)


# --- one set of names, the same numbers everywhere ---------------------------------------------------
def test_inspect_gives_only_the_names_it_lists_each_with_one_line():
    assert CNN.inspected is INSPECTED
    assert all(what and "\n" not in what for what in INSPECTED.values())
    sim = small(**TWO_LAYERS)
    seen_names = set(sim.inspect())
    while True:
        event = sim.step("op")
        seen = sim.inspect()
        assert set(seen) <= set(INSPECTED)
        seen_names |= set(seen)
        if event.closes >= Level.SAMPLE:
            break
    assert seen_names == set(INSPECTED)


def test_dlsim_list_names_what_the_cnn_pictures_show(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "pool_winner" in out and "confusion" in out


def test_the_app_shows_what_the_lesson_quotes():
    """The pooling lesson's config, stepped as the lesson does: the view's frame holds the values a
    lesson reads (sim.inspect), and they are the lesson's."""
    session = Session(dlsim.make("cnn", seed=2, kernels=(1,), samples=20, test=20, batch=0))
    view = CNNView(session)
    for level in ("layer", "op", "layer"):
        session.step(level)
    frame = session.frame(view.extras)
    quoted = session.sim.inspect()
    assert frame.extras["pool_winner"] == quoted["pool_winner"] == (5, 5)
    for name, value in quoted.items():
        assert np.array_equal(frame.extras[name], value), name
    for _ in range(5):
        session.step("layer")
    frame = session.frame(view.extras)
    assert np.array_equal(frame.extras["probs"], session.sim.inspect()["probs"])
    assert frame.extras["probs"][0] > 0.5 and frame.extras["predicted"] == 0


def test_a_headless_trace_carries_the_numbers_the_app_shows(tmp_path, capsys):
    options = {"kernels": "2", "samples": "4", "test": "3", "batch": "2"}
    path = tmp_path / "t.jsonl"
    args = ["run", "cnn", "--headless", "--seed", "1", "--steps", "1", "--trace", str(path),
            "--trace-level", "op", "--trace-inspect"]
    for key, value in options.items():
        args += ["--set", f"{key}={value}"]
    assert main(args) == 0
    capsys.readouterr()
    records = read_trace(path)
    events = [r for r in records if r.get("type") == "event"]
    pool = next(r for r in events if r["op"] == "pool" and r["values"]["winner"] != 0)
    loss = next(r for r in events if r["op"] == "loss")
    done = next(r for r in events if r["op"] == "batch")

    session = Session(dlsim.make("cnn", seed=1, kernels=(2,), samples=4, test=3, batch=2))
    view = CNNView(session)
    n = 0
    for record in (pool, loss, done):
        while n < record["n"]:
            event = session.step("op")
            n += 1
        assert (event.op, event.path) == (record["op"], record["path"])
        shown = session.frame(view.extras).extras
        for name, value in record["inspect"].items():
            np.testing.assert_array_equal(np.asarray(shown[name]), np.asarray(value), err_msg=name)
    assert tuple(pool["inspect"]["pool_winner"]) != (2 * pool["values"]["r"], 2 * pool["values"]["c"])


def test_the_cnn_view_and_its_widgets_compute_nothing():
    files = [ROOT / "dlsim/tui/views/cnn.py", *sorted((ROOT / "dlsim/tui/widgets/image").glob("*.py"))]
    for file in files:
        assert "dlsim.kernels" not in file.read_text(), file
    assert not (ROOT / "dlsim/tui/views/cnn_frame.py").exists()
    assert "exercise" not in vars(CNNView)   # the model's exercise() runs what its pictures need


# --- compiled at warm-up, never on the numpy backend ------------------------------------------------
EXERCISE = """
import dlsim
from dlsim.kernels import cnn, readiness
readiness.getting_ready("cnn")   # as during the app's warm-up, when pictures use the fallback
sim = dlsim.make("cnn", samples=4, test=2, batch=2)
sim.model.exercise()
print(len(cnn._forward.signatures), len(cnn.evaluate_rows.signatures))   # what sample_forward and predict (glue) run
"""

NUMPY_PICTURES = """
import sys, dlsim
sim = dlsim.make("cnn", backend="numpy", samples=4, test=2, batch=2)
sim.inspect()
for _ in range(300):
    sim.step("op")
sim.inspect(); sim.step("batch"); sim.inspect(); sim.model.exercise()
print("numba" in sys.modules)
"""


def _run(code: str) -> str:
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split("\n")[-2]


def test_the_models_exercise_compiles_what_its_pictures_run():
    """The app's warm-up calls model.exercise() while the pictures fall back to NumPy: it must still
    compile the model's own kernels, or the first frame after it would compile them in the app."""
    forward, predict = map(int, _run(EXERCISE).split())
    assert forward >= 1 and predict >= 1


def test_the_numpy_backend_draws_its_pictures_without_loading_numba():
    assert _run(NUMPY_PICTURES) == "False"
