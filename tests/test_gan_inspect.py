"""What the GAN's pictures show comes from the model (GAN.inspect): the fakes from the fixed
evaluation z and G's push on each, D's mean verdict on the real and the generated points, G's image
of a grid of z, and the point being stepped through. Checked against a NumPy computation through
the reference kernels; the same numbers in the app's view and in a headless trace; the GAN's entry
points refuse a wrong width in one line; a step's latent draws are public."""
import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.kernels import gan_reference as ref
from dlsim.kernels import readiness
from dlsim.protocol.events import Level
from dlsim.console.trace_file import read_trace

SMALL = {"samples": 16, "batch": 3, "d_hidden": (3,), "g_hidden": (4,)}
ROOT = Path(__file__).resolve().parents[1]


def small(**extra):
    return dlsim.make("gan", seed=1, **{**SMALL, **extra})


def to_the_first_push(sim):
    """Step op by op into the G step, up to the push D gives its first fake point."""
    while True:
        event = sim.step("op")
        if event.op == "fake_grad":
            return event


def reference(model):
    """What the pictures should show, computed here with the NumPy reference kernels."""
    tg, sg, ag = model.part(model.theta, "G"), model.sizes["G"], model.acts["G"]
    td, sd, ad = model.part(model.theta, "D"), model.sizes["D"], model.acts["D"]

    def G(Z):
        out = np.empty((len(Z), 2))
        ref.generate(tg, sg, ag, np.ascontiguousarray(Z, np.float64), out)
        return out

    def D(X):
        logits, probs = np.empty(len(X)), np.empty(len(X))
        ref.discriminate(td, sd, ad, np.ascontiguousarray(X), logits, probs)
        return probs

    Z = model.z_eval[:96]
    grads = np.empty((2, len(Z)))
    ref.g_gradients(tg.copy(), np.zeros_like(tg), sg, ag, td, sd, ad, model.g_kind(), np.ascontiguousarray(Z), grads)
    if model.config["z_dim"] == 2:
        a = np.linspace(-1.0, 1.0, 11) * (1.0 if model.config["latent"] == "uniform" else 2.0)
        mesh = G(np.array([[u, v] for u in a for v in a])).reshape(11, 11, 2)   # [z₁ row, z₂ column]
    else:
        a = np.linspace(-1.0, 1.0, 44) * (1.0 if model.config["latent"] == "uniform" else 2.0)
        mesh = G(a[:, None])
    return {"fakes": G(Z), "push": -grads.T, "d_real": float(np.mean(D(model.X))),
            "d_fake": float(np.mean(D(G(model.z_eval)))), "g_map": mesh}, G


@pytest.mark.parametrize("extra", [{}, {"z_dim": 1, "latent": "normal", "g_loss": "saturating"}],
                         ids=["default", "z1-normal-saturating"])
def test_inspected_values_are_the_reference_computation(extra):
    sim = small(**extra)
    sim.train(epochs=5)
    event = to_the_first_push(sim)
    shown = sim.inspect()
    want, G = reference(sim.model)
    assert set(shown) == set(sim.model.inspected)   # inside a G step at a push: every name has a value
    for name, value in want.items():
        np.testing.assert_allclose(shown[name], value, rtol=1e-12, atol=1e-12, err_msg=name)
    z = sim.model.latent()[0]            # the G step's first point
    assert shown["point_kind"] == "fake" and shown["point_z"] == tuple(z)
    np.testing.assert_allclose(shown["point_xy"], G(z[None])[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(shown["point_xy"], event.values["x"], rtol=1e-12, atol=1e-12)
    assert shown["point_push"] == tuple(-g for g in event.values["grad"])   # the push the step computed


def test_a_real_point_in_a_d_step_and_nothing_in_hand_between_steps():
    sim = small()
    assert "point_xy" not in sim.inspect()              # nothing stepped yet
    event = sim.step("op")                              # D's first neuron on the first real point
    shown = sim.inspect()
    assert shown["point_kind"] == "real" and shown["point_xy"] == event.values["inputs"]
    assert "point_push" not in shown and "point_z" not in shown
    sim.step("batch")                                   # the D step done: no point in hand
    assert "point_xy" not in sim.inspect()


def test_the_pictures_follow_the_parameters_forward_and_back():
    """Kept between events that change nothing, computed again when a step moves G or D."""
    sim = small()
    before = sim.inspect()
    sim.step("batch")                                   # D moves: its verdicts change, G's fakes do not
    after_d = sim.inspect()
    assert np.array_equal(after_d["fakes"], before["fakes"]) and after_d["d_real"] != before["d_real"]
    sim.step("batch")                                   # G moves
    after_g = sim.inspect()
    assert not np.array_equal(after_g["fakes"], before["fakes"])
    np.testing.assert_allclose(after_g["fakes"], reference(sim.model)[0]["fakes"], rtol=1e-12, atol=1e-12)
    sim.back("batch")
    sim.back("batch")
    again = sim.inspect()
    for name in ("fakes", "push", "g_map", "d_real", "d_fake"):
        assert np.array_equal(again[name], before[name]), name


def test_while_the_app_compiles_the_pictures_come_from_the_numpy_references():
    sim = small()
    sim.train(epochs=2)
    want = reference(sim.model)[0]
    compiled = sim.inspect()
    readiness.getting_ready("gan")
    try:
        meanwhile = sim.inspect()
    finally:
        readiness.mark_ready("gan")
    for name in want:   # the very calls made above: the same bits
        assert np.array_equal(meanwhile[name], want[name]), name
    Z = np.ascontiguousarray(sim.model.z_eval[:96])
    fakes = np.empty((len(Z), 2))
    sim.model.kernels.gan.generate(*sim.model.net("G"), Z, fakes)   # the compiled kernel, once ready
    assert np.array_equal(sim.inspect()["fakes"], fakes) and np.array_equal(compiled["fakes"], fakes)


def _trace(tmp_path, capsys, level):
    path = tmp_path / "trace.jsonl"
    args = ["run", "gan", "--headless", "--epochs", "1", "--trace", str(path), "--trace-inspect",
            "--trace-level", level, "--seed", "1", "--set", "samples=16", "--set", "batch=3",
            "--set", "d_hidden=3", "--set", "g_hidden=4"]
    assert main(args) == 0
    capsys.readouterr()
    return [r for r in read_trace(path) if r["type"] == "event"]


def test_the_app_draws_what_the_headless_trace_carries(tmp_path, capsys):
    """Stepped op by op in the app's session to the first push, then to the iteration's end: the
    view's fakes, pushes, G's map and highlighted point are the trace's inspected values there."""
    from dlsim.tui.session import Session
    from dlsim.tui.views import view_for
    events = _trace(tmp_path, capsys, "op")
    n = next(i for i, e in enumerate(events) if e["op"] == "fake_grad")
    session = Session(small())
    view = view_for("gan")(session)
    for at in (n, len(events) - 1):
        while session.sim.position < at + 1:
            session.step("op")
        assert session.sim.last.op == events[at]["op"]
        traced, drawn = events[at]["inspect"], view.extras(session.model)
        assert np.array_equal(drawn["fakes"], traced["fakes"]) and np.array_equal(drawn["push"], traced["push"])
        assert np.array_equal(drawn["mesh"], traced["g_map"])
        assert session.sim.inspect()["d_real"] == traced["d_real"]
        assert session.sim.inspect()["d_fake"] == traced["d_fake"]
        if at == n:
            assert drawn["current"] == (tuple(traced["point_xy"]), True, tuple(traced["point_push"]),
                                        traced["point_d"], traced["point_loss"])
            assert traced["point_push"] == [-g for g in events[at]["values"]["grad"]]
        else:
            assert drawn["current"] is None and "point_xy" not in traced


def test_a_batch_level_trace_carries_d_real_per_step(tmp_path, capsys):
    events = _trace(tmp_path, capsys, "batch")
    assert [e["op"] for e in events] == ["d_step", "g_step", "epoch"]
    sim = small()
    for event in events:
        sim.step("batch")
        assert event["inspect"]["d_real"] == sim.inspect()["d_real"]
        assert event["inspect"]["d_fake"] == sim.inspect()["d_fake"]


# --- the entry points check widths --------------------------------------------------------------
WRONG_LATENT = [(np.zeros((4, 1)), r"shape \(4, 1\)"), (np.zeros((4, 3)), r"shape \(4, 3\)"),
                (np.zeros(2), r"shape \(2,\)"), ([[0.0, float("nan")]], "finite"), ([["a", "b"]], "numbers")]


@pytest.mark.parametrize("Z, message", WRONG_LATENT, ids=["1 column", "3 columns", "1-D", "nan", "text"])
@pytest.mark.parametrize("call", ["generate", "g_gradients", "d_gradients"])
def test_a_latent_batch_of_the_wrong_width_is_refused_in_one_line(call, Z, message):
    model = small().model
    args = (model.X[:3], Z) if call == "d_gradients" else (Z,)
    with pytest.raises(UserError, match=message) as refused:
        getattr(model, call)(*args)
    assert "\n" not in str(refused.value)
    if "shape" in message:
        assert "z_dim is 2" in str(refused.value)


def test_a_one_dimensional_latent_takes_one_number_a_row():
    model = small(z_dim=1).model
    assert model.generate([[0.5], [-0.5]]).shape == (2, 2)
    with pytest.raises(UserError, match=r"rows of 1 numbers .*z_dim is 1\), got shape \(2, 2\)"):
        model.generate([[0.5, 0.5], [0.1, 0.1]])


@pytest.mark.parametrize("call", ["scores", "predict", "ties", "probabilities", "discriminate"])
def test_points_of_the_wrong_width_are_refused_in_one_line(call):
    model = small().model
    with pytest.raises(UserError, match=r"rows of 2 numbers \(shape \(N, 2\)\), got shape \(5, 3\)"):
        getattr(model, call)(np.zeros((5, 3)))
    with pytest.raises(UserError, match=r"got shape \(5, 1\)"):
        getattr(model, call)(np.zeros((5, 1)))


def test_d_gradients_checks_its_real_points_too():
    model = small().model
    with pytest.raises(UserError, match=r"real points must be rows of 2 numbers"):
        model.d_gradients(np.zeros((3, 1)), model.z_eval[:3])


# --- D's probabilities --------------------------------------------------------------------------
def test_probabilities_are_ds_fake_and_real_columns():
    sim = small()
    sim.train(epochs=20)
    X = np.concatenate([sim.data.X, sim.model.generate(sim.model.z_eval)])
    P = sim.probabilities(X)
    assert P.shape == (len(X), 2)
    assert np.array_equal(P[:, 1], sim.model.scores(X))
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert np.array_equal(P.argmax(axis=1), sim.predict(X))   # column 0 fake, column 1 real


def test_a_sure_d_still_gives_the_fake_probability_its_digits():
    """σ(−logit), not 1 − P(real): at a logit of 40, P(real) rounds to 1 and 1 − P(real) to 0."""
    sim = small()
    sim["D.layer[1].b"] = [40.0]
    P = sim.probabilities([[0.0, 0.0]])
    assert P[0, 1] == 1.0 and 0 < P[0, 0] < 1e-15


# --- a step's latent draws ------------------------------------------------------------------------
def test_latent_gives_the_z_each_fake_of_a_step_comes_from():
    sim = small(k=2)
    steps = []   # the latent points each step's fakes started from, as the stepped events show them
    while sim.model.epoch < 1:
        event = sim.step("op")
        if event.op == "latent":
            steps[-1].append(event.values["z"]) if steps and event.values["point"] > 0 else steps.append([event.values["z"]])
    assert len(steps) == 3                               # D step 0, D step 1, the G step
    for step, zs in enumerate(steps):
        assert np.array_equal(sim.model.latent(0, step), np.array(zs))
    rows = sim.model.real_rows(0, 1)
    assert rows.shape == (3,) and np.array_equal(sim.model.draws(0)[0][1], rows)


def test_latent_defaults_to_the_step_at_the_cursor():
    sim = small(k=2)
    sim.step("batch")                                    # D step 0 done: the cursor at D step 1
    assert np.array_equal(sim.model.latent(), sim.model.latent(0, 1))
    first_real = sim.step("op").values["inputs"]
    assert first_real == tuple(sim.data.X[sim.model.real_rows()[0]])
    sim.step("batch")
    assert np.array_equal(sim.model.latent(), sim.model.latent(0, 2))   # the G step
    sim.set("train", "G")
    sim.step("epoch")
    assert np.array_equal(sim.model.latent(), sim.model.latent(1, 2))   # G steps take the last draw


@pytest.mark.parametrize("call, args, message", [
    ("latent", (0, 3), r"step must be 0 to 2 \(D steps 0 to 1, the G step 2\), got 3"),
    ("latent", (-1, 0), r"iteration must be a whole number from 0, got -1"),
    ("latent", (0, 1.5), r"step must be 0 to 2"),
    ("real_rows", (0, 2), r"step 2 is the G step, which takes no real points \(they go to D steps 0 to 1\)"),
])
def test_a_step_that_is_not_there_is_refused(call, args, message):
    with pytest.raises(UserError, match=message):
        getattr(small(k=2).model, call)(*args)


# --- the view lays out ------------------------------------------------------------------------------
def test_the_gan_view_and_its_widgets_compute_nothing():
    """No kernels, no warm-up, no exercise of their own: the model computes what they draw."""
    from dlsim.tui.views.gan import GANView
    files = [ROOT / "dlsim/tui/views/gan.py", *sorted((ROOT / "dlsim/tui/widgets/gan").glob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                assert not name.startswith("dlsim.kernels") and name != "dlsim.tui.warmup", (path.name, name)
                if isinstance(node, ast.ImportFrom) and name == "dlsim.tui":
                    assert "warmup" not in [a.name for a in node.names], path.name
    assert "exercise" not in vars(GANView)


COMPILES_NOTHING_MORE = """
import sys
import numpy as np
import dlsim
from dlsim.kernels import jit

def signatures():
    return {(name, key): set(map(str, value.signatures)) for name, module in list(sys.modules.items())
            if name.startswith("dlsim.kernels.") for key, value in vars(module).items()
            if hasattr(value, "signatures") and not isinstance(value, (jit.Lazy, type))}

for z_dim in (1, 2):
    sim = dlsim.make("gan", samples=16, batch=2, d_hidden=(3,), g_hidden=(3,), z_dim=z_dim)
    sim.model.exercise()
    before = signatures()
    while sim.step("op").op != "fake_grad":
        sim.inspect()
    sim.inspect(); sim.model.scores(np.zeros((7, 2))); sim.probabilities(np.zeros((3, 2)))
    print(sorted(key for key, value in signatures().items() if value - before.get(key, set())))
"""


def test_exercise_compiles_what_inspect_runs():
    """The app's warm-up runs GAN.exercise(); what the pictures then ask (for a 1-D and a 2-D z)
    compiles nothing more, so nothing compiles on the app's UI thread."""
    out = subprocess.run([sys.executable, "-c", COMPILES_NOTHING_MORE], capture_output=True, text=True,
                         timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-2:] == ["[]", "[]"]
