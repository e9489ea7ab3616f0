"""The GAN as a learner drives it: stepped, per-step compiled and fused paths to the same bits, exact
rewind across both networks and both optimizers, the op stream of a D step and a G step, train D / G
alone, options, the command line."""
import copy
import json

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.protocol.events import Level
from tests.test_stepper import assert_bit_identical, record, same_event


def small(**extra):
    config = {"samples": 16, "batch": 3, "d_hidden": (3,), "g_hidden": (4,), **extra}
    return dlsim.make("gan", seed=1, **config)


def assert_same_state(a, b):
    for key in ("theta", "m", "v"):
        assert np.array_equal(getattr(a.model, key), getattr(b.model, key)), key
    assert (a.model.epoch, a.model.steps, a.model.t_d, a.model.t_g) == (b.model.epoch, b.model.steps,
                                                                        b.model.t_d, b.model.t_g)


VARIANTS = {
    "default": {},
    "saturating-sgd-relu-z1": {"g_loss": "saturating", "d_optimizer": "sgd", "g_optimizer": "momentum",
                               "d_activation": "relu", "g_activation": "relu", "z_dim": 1, "latent": "normal"},
    "k2-moons": {"k": 2, "dataset": "moons", "d_hidden": (2, 3)},
    "train-D": {"train": "D"},
    "train-G": {"train": "G", "dataset": "grid"},
}


@pytest.mark.parametrize("extra", list(VARIANTS.values()), ids=list(VARIANTS))
def test_stepped_per_step_and_fused_paths_write_the_same_bits(extra):
    stepped, per_step, fused = small(**extra), small(**extra), small(**extra)
    for _ in range(2):
        stepped.step("epoch")                                     # op by op, through the stepper
    for event in per_step.model.events(Level.BATCH):              # one compiled call per D or G step
        if event.op == "epoch" and event.values["epoch"] == 2:
            break
    fused.train(epochs=2)                                         # whole iterations in one call
    assert not np.array_equal(stepped.model.theta, small(**extra).model.theta)
    for sim in (per_step, fused):
        assert_same_state(sim, stepped)
        assert sim.history[-1] == stepped.history[-1]
    assert per_step.history == stepped.history


def test_one_iteration_is_k_d_steps_then_one_g_step():
    sim = small(k=3)
    ops = [sim.step("batch").op for _ in range(4)]
    assert ops == ["d_step", "d_step", "d_step", "g_step"]
    assert sim.step("batch").op == "epoch"
    assert (sim.model.t_d, sim.model.t_g, sim.model.steps) == (3, 1, 4)


def test_train_d_or_g_alone_changes_only_that_network():
    """GAN Lab's "train D" / "train G": a live option, so the shared stepper needs nothing special."""
    sim = small()
    d0, g0 = sim.model.part(sim.model.theta, "D").copy(), sim.model.part(sim.model.theta, "G").copy()
    sim.set("train", "D")
    sim.train(epochs=3)
    assert not np.array_equal(sim.model.part(sim.model.theta, "D"), d0)
    assert np.array_equal(sim.model.part(sim.model.theta, "G"), g0)
    assert sim.history[-1]["g_loss"] is None and sim.history[-1]["d_loss"] > 0
    d1 = sim.model.part(sim.model.theta, "D").copy()
    sim.set("train", "G")
    sim.step("epoch")
    assert np.array_equal(sim.model.part(sim.model.theta, "D"), d1)
    assert not np.array_equal(sim.model.part(sim.model.theta, "G"), g0)
    assert sim.history[-1]["d_loss"] is None


def test_a_d_step_op_by_op_real_points_then_fakes_then_ds_update():
    sim = small()
    events = []
    while not events or events[-1].closes < Level.BATCH:
        events.append(sim.step("op"))
    losses = [e for e in events if e.op == "d_loss"]
    assert [e.values["target"] for e in losses] == [1, 1, 1, 0, 0, 0]   # B real, then B fakes
    assert sum(1 for e in events if e.op == "latent") == 3             # each fake starts from its z
    assert {e.path.split(".")[1] for e in events if e.op == "update"} == {"D"}   # G untouched
    assert events[-1].op == "d_step" and events[-1].values["loss"] == losses[-1].values["batch_loss"]
    assert sum(1 for e in events if e.closes == Level.SAMPLE) == 6
    first = events[0]
    assert first.path == "gan.D.layer[0].neuron[0]" and first.values["inputs"] == tuple(sim.data.X[
        sim.model.draws(0)[0][0, 0]])


def test_a_g_step_shows_the_push_d_gives_each_fake_point_before_it_enters_g():
    sim = small()
    sim.step("batch")   # the D step
    _, _, fake_grads = sim.model.g_gradients(sim.model.draws(0)[1][1])   # before G moves
    events = []
    while not events or events[-1].closes < Level.BATCH:
        events.append(sim.step("op"))
    pushes = [e for e in events if e.op == "fake_grad"]
    assert len(pushes) == 3 and pushes[0].path == "gan.fake[0]"
    # ∂L_G/∂x̂ is what the kernel computes for those points
    assert np.array_equal(np.array([e.values["grad"] for e in pushes]), fake_grads)
    after = events.index(pushes[0])
    assert all(e.path.startswith("gan.G.") for e in events[after + 1:after + 4])   # then into G
    assert not any(e.op == "grad" and e.path.startswith("gan.D.") for e in events)   # D frozen
    assert {e.path.split(".")[1] for e in events if e.op == "update"} == {"G"}


PLAN = {"op": (185, 30), "layer": (40, 9), "sample": (4, 7), "batch": (1, 3), "epoch": (1, 2)}


@pytest.mark.parametrize("level", list(PLAN))
def test_back_returns_to_the_same_bits_at_every_level(level):
    sim = small(d_optimizer="adam", g_optimizer="momentum")
    first, further = PLAN[level]
    for _ in range(first):
        sim.step(level)
    here = record(sim)
    forward = [sim.step(level) for _ in range(further)]
    assert not np.array_equal(sim.model.theta, here[2]["theta"])
    for _ in range(further):
        sim.back(level)
    assert_bit_identical(sim, here)
    assert (sim.model.t_d, sim.model.t_g) == (here[2]["t_d"], here[2]["t_g"])
    again = [sim.step(level) for _ in range(further)]
    assert all(same_event(a, b) for a, b in zip(forward, again))


def test_back_after_a_fused_run_and_live_changes_is_exact():
    sim = small()
    sim.train(epochs=3)
    sim.set("g_lr", 0.05)
    sim.set("train", "G")
    here = record(sim)
    sim.step("epoch")
    sim.back("epoch")
    assert_bit_identical(sim, here)


def test_a_snapshot_holds_everything_training_changes():
    sim = small()
    before = {k: copy.deepcopy(v) for k, v in vars(sim.model).items() if k not in ("history", "kernels")}
    for _ in range(5):
        sim.step("sample")
    sim.step("epoch")
    sim.step("op")
    changed = {k for k, v in before.items()
               if not (np.array_equal(v, getattr(sim.model, k)) if isinstance(v, np.ndarray)
                       else repr(v) == repr(getattr(sim.model, k)))}
    assert {"theta", "grad", "m", "v", "t_d", "t_g"} <= changed <= set(type(sim.model).saved)


def test_the_numpy_backend_trains_to_the_same_numbers_within_rounding():
    cpu, numpy = small(), small(backend="numpy")
    assert not numpy.model.kernels.compiles
    cpu.train(epochs=3)
    numpy.train(epochs=3)
    assert np.allclose(cpu.model.theta, numpy.model.theta, rtol=1e-9, atol=1e-12)


def test_the_generator_spreads_over_the_ring_of_eight():
    sim = dlsim.make("gan", seed=0)
    assert sim.evaluate()["distance"] == 1.0   # G starts as a small blob in the middle: no fake on the ring
    summary = sim.train(epochs=1000)
    assert summary["distance"] < 0.6 and 0.3 < summary["d_acc"] < 0.7   # D can no longer tell them apart well
    fakes = sim.model.generate(sim.model.z_eval)
    on_ring = np.abs(np.hypot(*fakes.T) - 1.0) < 0.25
    modes = np.bincount((np.round(np.arctan2(fakes[:, 1], fakes[:, 0]) / (np.pi / 4)) % 8).astype(int)[on_ring],
                        minlength=8)
    assert (modes >= 10).sum() >= 7


def test_the_api_gives_both_networks_gradients():
    sim = small()
    grads = sim.gradients()
    assert set(grads) == set(sim.params) and "G.layer[0].W" in grads and "D.layer[1].b" in grads
    assert all(np.any(g != 0) for name, g in grads.items() if name.endswith(".W"))


@pytest.mark.parametrize("options, message", [
    ({"train": "both-ways"}, r"option 'train'.*one of: both, D, G"),
    ({"z_dim": 3}, r"option 'z_dim'.*from 1 to 2"),
    ({"g_loss": "minimax"}, r"option 'g_loss'.*non_saturating, saturating"),
    ({"dataset": "xor"}, r"option 'dataset'.*ring, gaussian, moons, line, grid"),
    ({"k": 0}, r"option 'k'.*from 1 to 100"),
])
def test_bad_options_say_what_is_allowed(options, message):
    with pytest.raises(UserError, match=message):
        dlsim.make("gan", **options)


def test_a_bad_option_on_the_command_line_is_one_line(capsys):
    assert main(["run", "gan", "--headless", "--set", "train=both-ways"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("dlsim: error: option 'train'")


def test_list_shows_the_gan(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for word in ("gan —", "ring, gaussian, moons, line, grid", "non_saturating", "d_lr", "g_optimizer"):
        assert word in out


def test_headless_run_writes_a_trace(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    code = main(["run", "gan", "--headless", "--epochs", "2", "--set", "samples=32", "--set", "batch=8",
                 "--trace", str(path)])
    assert code == 0
    out = capsys.readouterr().out
    assert "gan on ring: 2 iterations, 4 steps" in out and "D accuracy (real vs fake)" in out
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["model"] == "gan" and records[-1]["type"] == "summary"
    assert [r["op"] for r in records if r["type"] == "event"] == ["d_step", "g_step", "epoch"] * 2
    epochs = [r["values"] for r in records if r.get("op") == "epoch"]
    assert 0 <= epochs[-1]["distance"] <= 1 and epochs[-1]["d_loss"] > 0
    g_step = next(r["values"] for r in records if r.get("op") == "g_step")   # what G's update left
    assert set(g_step["params"]) == set(g_step["grads"]) == {f"G.layer[{l}].{p}" for l in range(3) for p in "Wb"}


def test_the_math_panel_writes_each_op_with_its_numbers():
    from dlsim.sim.formulas import describe
    sim = small(g_loss="saturating")
    texts = {}
    while sim.model.t_g == 0 or sim.last.closes < Level.BATCH:
        event = sim.step("op")
        texts.setdefault(event.op, describe(event))
    assert texts["latent"].startswith("z = (") and "uniform" in texts["latent"]
    assert texts["d_loss"].startswith("real point: −log D(x) = ")
    assert texts["g_loss"].startswith("G loss term log(1 − D(x̂)) = ")
    assert texts["fake_grad"].startswith("∂L_G/∂x̂ = Σ w·δ through D = (")
    assert texts["d_step"].startswith("D step 1 done") and texts["g_step"].startswith("G step 1 done")
    assert describe(sim.step("epoch")).startswith("iteration 1 done, D loss ")


def test_the_bench_compares_an_iteration_with_numpy(capsys, monkeypatch):
    from dlsim.bench import main as bench
    from dlsim.bench import timing
    monkeypatch.setattr(timing, "torch", lambda: None)   # as where PyTorch is not installed (and quick)
    assert bench("gan", quick=True) == 0
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    assert "GAN iteration (1 D step + 1 G step)" in out and last.startswith("batch 64") and last.endswith("—")


def test_a_fused_run_draws_its_batches_in_bounded_pieces(monkeypatch):
    """A big batch with many D steps per iteration must not draw every iteration's batches at once
    (500 iterations of k=100, batch 100,000 would be 80 GB): a fused call takes what fits, to the
    same bits."""
    from types import SimpleNamespace

    from dlsim.models import gan as gan_model
    whole, bounded = small(k=3), small(k=3)
    assert whole.model.train_fused(7, every=7) == 7
    monkeypatch.setattr(gan_model, "DRAWN_BYTES", 2 * gan_model.drawn_bytes(3, 3, 2))
    kernels, calls = bounded.model.kernels.gan, []

    def train_iterations(*args):
        calls.append(args[-6].shape[0])   # rows (E, k, B): E iterations in this call
        return kernels.train_iterations(*args)
    bounded.model.kernels = SimpleNamespace(gan=SimpleNamespace(
        train_iterations=train_iterations, generate=kernels.generate, discriminate=kernels.discriminate))
    assert bounded.model.train_fused(7, every=7) == 7
    assert calls == [2, 2, 2, 1]
    assert_same_state(bounded, whole)
    cost = dlsim.sim.simulator.estimate("gan", {**whole.config, "k": 100, "batch": 100_000})
    assert cost.memory["drawn batches and latent points"] < 1e9
