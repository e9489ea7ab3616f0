"""One convention for mean squared error in every network: the mean of (ŷ − y)² over the outputs
(and over the samples and scored steps of a batch), as PyTorch's MSELoss does by default. The RNN
and LSTM on a class task with loss=mse once summed over the outputs: a 3-class step read 3× the
MLP's loss for the same ŷ and y, and its gradient was 3× too."""
import numpy as np
import pytest

import dlsim
from dlsim.kernels import losses
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import num
from dlsim.sim.formulas import describe
from dlsim.sim.stepper import Stepper


def class_task_with_mse(net):
    """counting at length 2: 3 classes (0, 1 or 2 ones), one-hot targets scored by MSE."""
    return dlsim.make(net, seed=3, dataset="counting", length=2, loss="mse", hidden=3, samples=4, test=0,
                      batch=2)


@pytest.mark.parametrize("net", ["rnn", "lstm"])
def test_a_recurrent_step_loss_is_the_mean_over_outputs_as_the_mlp_writes_it(net):
    sim = class_task_with_mse(net)
    events = []
    sim.on_event.append(events.append)
    sim.step("sample")
    event = next(e for e in events if e.op == "loss")
    loss = event.values
    dy = next(e.values["dy"] for e in events if e.op == "output_delta")
    y_hat, y = np.array(loss["prediction"]), np.array(loss["target"])
    assert y_hat.shape == (3,)
    assert np.isclose(loss["loss"], np.mean((y_hat - y) ** 2), rtol=1e-14)
    # the MLP's own kernels, given the same ŷ and y: the same loss and the same ∂L/∂ŷ (batch of 2)
    assert np.isclose(loss["loss"], losses.sample_loss(y_hat, y_hat, y, losses.MSE, 1.0), rtol=1e-14)
    mlp_grad = [losses.loss_grad(y_hat, y, losses.MSE, 0.5, k) for k in range(3)]
    assert np.allclose(dy, mlp_grad, rtol=1e-14, atol=0)
    # and the math panel says so
    assert f"= (1/3)·Σ_k (ŷ_k − y_k)² = {num(loss['loss'])}" in describe(event)


@pytest.mark.parametrize("net", ["rnn", "lstm"])
def test_a_recurrent_batch_loss_is_the_mean_over_every_output_element(net):
    model = class_task_with_mse(net).model
    out = model.outputs(model.X)[:, -1:]
    expected = np.mean((out - model.Y) ** 2)
    assert np.isclose(model.gradients(model.X, model.Y)[0], expected, rtol=1e-13)
    assert np.isclose(model.mean_loss(model.outputs(model.X), model.Y), expected, rtol=1e-13)


def test_the_mlps_loss_formula_says_how_it_is_taken():
    sim = dlsim.make("mlp", seed=0, loss="mse")
    events = []
    sim.on_event.append(events.append)
    sim.step("sample")
    event = next(e for e in events if e.op == "loss")
    assert f"= (ŷ − y)² = {num(event.values['loss'])}" in describe(event)


@pytest.mark.parametrize("net", ["rnn", "lstm"])
def test_mse_on_a_class_task_trains_to_the_same_bits_stepped_batched_and_fused(net):
    stepped, batched, fused = (class_task_with_mse(net) for _ in range(3))
    stepped.step("epoch")
    Stepper(batched.model, Level.BATCH).step(Level.EPOCH)
    assert fused.model.train_fused(1) == 1
    for sim in (batched, fused):
        for key in ("theta", "m", "v"):
            assert np.array_equal(getattr(sim.model, key), getattr(stepped.model, key)), key
    assert stepped.history[-1]["loss"] == fused.history[-1]["loss"] == batched.model.history[-1]["loss"]
