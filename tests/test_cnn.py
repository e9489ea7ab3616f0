"""The CNN as a learner drives it: three paths to the same bits, exact rewind, the events a stepper
shows (with their real arithmetic), frozen kernels, gradients against finite differences, the command line."""
import json

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.kernels import cnn as ck
from dlsim.models import cnn_net
from dlsim.protocol.events import Level
from tests.test_stepper import assert_bit_identical, record, same_event

CONFIGS = {
    "default": {},
    "two-layers-same-stride2-adam": {"image": 12, "kernels": (2, 3), "padding": "same", "stride": 2,
                                     "optimizer": "adam", "lr": 0.01},
    "colour-mean-tanh-hidden-momentum": {"dataset": "colour_shapes", "kernels": (2,), "pool": "mean",
                                         "activation": "tanh", "hidden": 3, "optimizer": "momentum"},
    "five-by-five-no-pool-frozen-edges": {"size": 5, "pool": "none", "kernels": (2,), "preset": "edges",
                                          "freeze": 1, "optimizer": "adam", "lr": 0.01},
    "two-hidden-dense-layers": {"kernels": (2,), "hidden": (4, 3), "optimizer": "adam", "lr": 0.01},
}


def small(**extra):
    return dlsim.make("cnn", seed=3, **{"samples": 5, "test": 3, "batch": 2, **extra})


@pytest.mark.parametrize("extra", CONFIGS.values(), ids=CONFIGS.keys())
def test_stepped_batched_and_fused_paths_write_the_same_bits(extra):
    stepped, batched, fused = small(**extra), small(**extra), small(**extra)
    start = stepped.model.theta.copy()
    losses = [stepped.step("epoch").values["loss"]]                 # op by op, through the stepper
    for event in batched.model.events(Level.BATCH):                  # one compiled call per batch
        if event.op == "epoch":
            break
    fused.train(epochs=1)                                            # a whole epoch in one call
    assert not np.array_equal(stepped.model.theta, start)
    for sim in (batched, fused):
        for key in ("theta", "m", "v"):
            assert np.array_equal(getattr(sim.model, key), getattr(stepped.model, key)), key
        assert sim.model.steps == stepped.model.steps == 3
        assert [h["loss"] for h in sim.history] == losses
        for key in ("train_loss", "train_acc", "test_loss", "test_acc"):
            assert sim.history[-1][key] == stepped.history[-1][key]


def test_the_layouts_are_the_kernels_own():
    sim = small(**CONFIGS["two-layers-same-stride2-adam"], hidden=4)
    conv, sizes = sim.model.conv, sim.model.sizes
    assert list(ck.param_offsets(conv, sizes)) == cnn_net.param_offsets(conv, sizes)
    assert list(ck.map_offsets(conv, sizes)) == cnn_net.map_offsets(conv, sizes)


def one_sample(sim):
    events = []
    while not events or events[-1].closes < Level.SAMPLE:
        events.append(sim.step("op"))
    return events


def test_a_sample_steps_every_position_with_its_arithmetic():
    sim = small()
    events = one_sample(sim)
    ops = [e.op for e in events]
    cells, pooled = 4 * 6 * 6, 4 * 3 * 3   # four 3×3 kernels over 8×8: 6×6 maps, pooled to 3×3
    assert ops.count("conv") == ops.count("activation") == ops.count("mask") == ops.count("dK") == cells
    assert ops.count("pool") == ops.count("pool_back") == pooled and ops.count("db") == 4
    assert "below" not in ops   # nothing below the first conv layer
    first = events[0].values
    assert events[0].path == "cnn.layer[0].kernel[0].pos[0,0]"
    total = 0.0
    for p in first["products"]:
        total += p
    assert total == first["sum"] and first["z"] == first["sum"] + first["bias"]
    s = next(e for e in events if e.op == "loss").values["sample"]
    assert first["window"] == tuple(sim.data.X[s, 0, :3, :3].ravel())   # the image's top-left corner
    pools = [e.values for e in events if e.op == "pool"]
    for v in pools:
        assert v["value"] == max(v["window"]) and v["window"][v["winner"]] == v["value"]
    routed = [e.values for e in events if e.op == "pool_back"]
    for v in routed:   # max pooling: all of the δ to the winner, nothing to the other three cells
        assert v["routed"][v["winner"]] == v["delta"] and sum(d != 0 for d in v["routed"]) <= 1
    masks = [e.values for e in events if e.op == "mask"]
    assert all(v["delta"] == 0.0 for v in masks if v["z"] <= 0)   # the ReLU mask blocks
    # the layer level: a whole feature map (or pool pass) per step
    assert [e.closes for e in events].count(Level.LAYER) >= 4 + 4 + 4 + 4 + 4
    assert events[-1].op == "db" and events[-1].closes == Level.SAMPLE


def test_dK_accumulates_window_times_delta_position_by_position():
    sim = small(kernels=(1,), batch=1)
    events = one_sample(sim)
    dks = [e.values for e in events if e.op == "dK"]
    total = np.zeros(9)
    for v in dks:
        total = total + np.array(v["window"]) * v["delta"]
        assert np.array(v["total"]) == pytest.approx(total, abs=1e-15)
    assert np.array_equal(np.array(dks[-1]["total"]), sim.model.grad[:9])


def test_two_conv_layers_send_the_delta_below_through_the_flipped_kernel():
    sim = small(**CONFIGS["two-layers-same-stride2-adam"])
    events = one_sample(sim)
    below = [e for e in events if e.op == "below"]
    assert len(below) == 2 * 3 * 3 and below[0].path == "cnn.layer[0].kernel[0].pool[0,0]"
    for e in below:
        total = 0.0
        for t in e.values["terms"]:
            total += t
        assert total == e.values["delta"]


PLAN = {"op": (40, 57), "layer": (5, 9), "sample": (3, 4), "batch": (2, 3), "epoch": (1, 2)}


@pytest.mark.parametrize("level", list(PLAN))
def test_back_returns_to_the_same_bits_at_every_level(level):
    sim = small(kernels=(2,), optimizer="adam", lr=0.01)
    first, further = PLAN[level]
    for _ in range(first):
        sim.step(level)
    here = record(sim)
    forward = [sim.step(level) for _ in range(further)]
    for _ in range(further):
        sim.back(level)
    assert_bit_identical(sim, here)
    again = [sim.step(level) for _ in range(further)]
    assert all(same_event(a, b) for a, b in zip(forward, again))


def test_back_one_op_inside_a_sample_restores_the_feature_map_cell():
    sim = small(kernels=(1,))
    for _ in range(8):
        sim.step("op")
    before = sim.model.fm.copy()
    assert sim.step("op").op == "conv"   # writes z at the next position
    assert not np.array_equal(sim.model.fm, before)
    sim.back("op")
    assert np.array_equal(sim.model.fm, before)


@pytest.mark.parametrize("extra", [
    {"pool": "max"},
    {"image": 12, "kernels": (2, 2), "padding": "same", "pool": "mean", "hidden": 3},
    {"dataset": "colour_shapes", "kernels": (2,), "stride": 2, "image": 9, "pool": "none", "activation": "tanh"},
    {"size": 5, "kernels": (2,), "padding": "same"},
    {"kernels": (2,), "hidden": (4, 3)},
    {"image": 28, "kernels": (2, 2), "padding": "same"},
], ids=["max", "two-layers-mean-hidden", "colour-stride2-tanh", "5x5-same", "two-hidden-dense", "28x28-two-layers"])
def test_gradients_agree_with_central_finite_differences(extra):
    sim = small(**extra)
    rng = np.random.default_rng(0)
    for name, value in sim.params.items():   # off zero: a blank window would sit on ReLU's kink
        if name.endswith(".b"):
            sim[name] = rng.normal(0.0, 0.1, value.shape)
    X, y = sim.data.X[:3], sim.data.y[:3]
    loss, grads = sim.loss_and_gradients(X, y)
    model = sim.model
    Y = model.targets(y)
    h = 1e-6
    for name, g in grads.items():
        param = model.params[name]
        for index in [tuple(rng.integers(0, n) for n in param.shape) for _ in range(3)]:
            keep = param[index]
            param[index] = keep + h
            up = model.gradients(X, Y)[0]
            param[index] = keep - h
            down = model.gradients(X, Y)[0]
            param[index] = keep
            assert g[index] == pytest.approx((up - down) / (2 * h), rel=1e-4, abs=1e-7), (name, index)
    assert loss == model.gradients(X, Y)[0]


def test_a_frozen_hand_set_kernel_never_changes_while_the_rest_learns():
    sim = small(preset="edges", freeze=1, optimizer="momentum", samples=12)
    K = sim["layer[0].K"]
    assert np.array_equal(K[0, 0], np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 4)   # a vertical edge
    assert np.array_equal(K[1, 0], K[0, 0].T) and np.array_equal(K[2], -K[0])
    dense = sim["layer[1].W"]
    sim.train(epochs=2)
    sim.step("batch")
    assert np.array_equal(sim["layer[0].K"], K) and not np.array_equal(sim["layer[1].W"], dense)
    assert np.any(sim.model.accumulated_gradients()["layer[0].K"] != 0)   # it has a gradient, unused
    while sim.step("op").op != "update":
        pass
    assert sim.last.values["optimizer"] == "frozen" and sim.last.values["largest"] == 0.0


def test_a_kernel_set_by_hand_is_the_one_that_slides():
    sim = small(kernels=(1,))
    sim.set_param("layer[0].K", np.ones((1, 1, 3, 3)))
    sim.set_param("layer[0].b", [0.5])
    v = sim.step("op").values
    assert v["weights"] == (1.0,) * 9 and v["bias"] == 0.5
    assert v["sum"] == pytest.approx(sum(v["window"]))


@pytest.mark.parametrize("options, message", [
    ({"stride": 2}, "option 'stride': a 3×3 kernel at stride 2 never reads the last row"),
    ({"size": 5, "kernels": (2, 2)}, "option 'size': a 5×5 kernel is larger than conv layer 2"),
    ({"kernels": (1, 1, 1, 1)}, "option 'kernels': one number per conv layer, 1 to 3 layers"),
    ({"image": 9}, "option 'pool': the 7×7 feature map of conv layer 1 of 1 (its input 9×9) cannot be pooled"),
    ({"freeze": 2}, "option 'freeze': 2 conv layers, but the network has 1"),
    ({"batch": 50}, "option 'batch': 50 is larger than the 5 training samples"),
    ({"size": 4}, "option 'size': 4 is not allowed; one of: 3, 5"),
    ({"image": 29}, "option 'image': 29 is not allowed; a whole number from 8 to 28"),
    ({"image": 7}, "option 'image': 7 is not allowed; a whole number from 8 to 28"),
    ({"dataset": "digits", "image": 28}, "option 'image': the digits are 8×8 images; use image=8 with dataset=digits"),
    ({"image": 28, "kernels": (4, 8, 8)}, "option 'pool': the 11×11 feature map of conv layer 2 of 3 (its input 13×13)"),
    ({"dataset": "digits", "samples": 1797}, "the digits set has 1,797 images"),
])
def test_bad_options_are_one_line(options, message):
    with pytest.raises(UserError) as error:
        small(**options)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_bad_options_on_the_command_line_exit_2(capsys):
    assert main(["run", "cnn", "--headless", "--set", "stride=2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dlsim: error: option 'stride'") and err.count("\n") == 1


@pytest.mark.parametrize("given, option", [(["image=29"], "image"), (["dataset=digits", "image=12"], "image"),
                                           (["image=28", "kernels=4,8,8"], "pool")])
def test_an_image_side_the_network_cannot_take_is_one_line_and_exit_2(capsys, given, option):
    args = [word for pair in given for word in ("--set", pair)]
    assert main(["run", "cnn", "--headless", "--epochs", "1", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dlsim: error: option '{option}'") and err.count("\n") == 1 and "Traceback" not in err


def test_a_28_by_28_image_trains_headless(capsys):
    assert main(["run", "cnn", "--headless", "--epochs", "1", "--set", "image=28", "--set", "samples=20",
                 "--set", "test=4"]) == 0
    assert "cnn on bars: 1 epoch" in capsys.readouterr().out


def test_numpy_backend_trains_like_the_compiled_one():
    cpu, npy = small(optimizer="adam", lr=0.01), small(optimizer="adam", lr=0.01, backend="numpy")
    cpu.train(epochs=2)
    npy.train(epochs=2)
    np.testing.assert_allclose(npy.model.theta, cpu.model.theta, rtol=1e-9, atol=1e-12)
    assert npy.history[-1]["test_acc"] == cpu.history[-1]["test_acc"]


def test_list_shows_the_cnn(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for word in ("cnn —", "bars, shapes, colour_shapes, digits", "valid, same", "edges", "freeze"):
        assert word in out


def test_headless_run_writes_a_trace(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    code = main(["run", "cnn", "--headless", "--epochs", "2", "--set", "samples=20", "--set", "test=10",
                 "--set", "batch=5", "--trace", str(path)])
    assert code == 0
    assert "cnn on bars: 2 epochs, 8 steps" in capsys.readouterr().out
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert records[0]["model"] == "cnn" and records[-1]["type"] == "summary"
    assert [r["values"]["epoch"] for r in records if r.get("op") == "epoch"] == [1, 2]
    batch = next(r for r in records if r.get("op") == "batch")
    assert np.array(batch["values"]["params"]["layer[0].K"]).shape == (4, 1, 3, 3)


def test_the_math_panel_writes_each_op_with_its_numbers():
    from dlsim.sim.formulas import describe
    sim = small(kernels=(1,), batch=1, hidden=2)
    texts = {}
    while True:
        event = sim.step("op")
        texts.setdefault(event.op, describe(event))
        if event.closes >= Level.BATCH:
            break
    assert texts["conv"].startswith("z(0,0) = Σ window·K + b = ")
    assert texts["pool"].startswith("p(0,0) = max(") and "winner" in texts["pool"]
    assert texts["mask"].startswith("δ(0,0) = ∂L/∂a·f'(z)")
    assert texts["dK"].startswith("∂K += window·δ(0,0)")
    assert texts["update"].startswith("sgd step on kernel 0 of conv layer 1")
    assert set(texts) >= {"flatten", "weighted_sum", "softmax", "loss", "delta", "grad", "unflatten",
                          "pool_back", "db", "batch"}


def test_the_default_cnn_learns_the_bars():
    sim = dlsim.make("cnn", seed=0)
    summary = sim.train(epochs=8)
    assert summary["test_acc"] >= 0.9


def test_numpy_backend_trains_without_loading_numba():
    import subprocess
    import sys
    code = ("import sys, dlsim\n"
            "s = dlsim.make('cnn', backend='numpy', samples=8, test=4, batch=4)\n"
            "s.train(epochs=1); s.gradients(); s.predict(s.data.X[:2])\n"
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
