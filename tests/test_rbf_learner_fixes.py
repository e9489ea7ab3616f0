"""What a learner stepping the RBF network noticed, model side: k-means is not a forward pass (its
events carry a phase of their own), and the running batch loss beside a sample's own loss (every
network that writes one) says that it is a sum of shares, loss/B each, not the batch's loss."""
import pytest

import dlsim
from dlsim.protocol.events import Level
from dlsim.protocol.numbers import num
from dlsim.sim.formulas import describe


def test_kmeans_assigns_in_a_phase_of_its_own_and_moves_in_the_update():
    """The first k-means pass, op by op: a sample's distances and its assignment say ASSIGN (they
    were FORWARD, a forward pass the network does not make in k-means); each centre's move is the
    pass's update, as Lloyd's algorithm names it."""
    sim = dlsim.make("rbf", seed=0, centres=5, samples=12, test=4)
    phases = {}
    while sim.model.epoch == 0:
        event = sim.step("op")
        phases.setdefault(event.op, set()).add(event.phase)
    assert phases["distance"] == {"assign"} and phases["assign"] == {"assign"}
    assert phases["move"] == {"update"}


def test_the_sample_in_hand_is_known_while_its_distances_are_measured():
    """Inside a k-means sample (its first distance) the pictures still know which sample it is."""
    sim = dlsim.make("rbf", seed=0, centres=5, samples=12, test=4)
    event = sim.step("op")
    assert event.op == "distance" and event.phase == "assign"
    assert sim.inspect()["sample"] == int(sim.model.batch_rows()[0])


# the first loss each network writes (one sample of a batch of several), with its options
FIRST_LOSS = {
    "mlp": ({"batch": 4}, "loss", "loss/B", "batch loss"),
    "vae": ({"batch": 4}, "loss", "loss/B", "batch loss"),
    "rbf": ({"placement": "grid", "fit": "delta", "batch": 4}, "loss", "loss/B", "batch loss"),
    "gan": ({"batch": 4}, "d_loss", "loss/2B", "D loss"),
    "rnn": ({"batch": 4}, "loss", None, "batch loss"),
}


@pytest.mark.parametrize("name", sorted(FIRST_LOSS))
def test_the_batch_loss_so_far_says_it_is_a_sum_of_shares(name):
    """After a batch's first sample the running sum is that sample's share, loss/B: the line used to
    read 'loss 0.8 … batch loss so far 0.2', as if the two contradicted each other. It now names the
    share and the sum, with the numbers the kernels computed."""
    options, op, divided, what = FIRST_LOSS[name]
    sim = dlsim.make(name, seed=0, **options)
    event = sim.step("op")
    while event.op != op:
        event = sim.step("op")
    v = event.values
    text = describe(event)
    assert v["batch_loss"] == v["share"] and v["share"] < v["loss"]   # the first share of several
    shares = f"Σ {divided}" if divided else "Σ shares"
    assert text.endswith(f"{what} so far {shares} = {num(v['batch_loss'])}"), text
    assert f"{divided or 'its share'} = {num(v['share'])}; " in text, text
    assert f"{what} so far {num(v['batch_loss'])}" not in text


def test_the_rbm_reconstruction_says_its_running_error_is_a_sum_of_shares():
    sim = dlsim.make("rbm", seed=0, batch=4)
    event = sim.step("op")
    while event.op != "reconstruct":
        event = sim.step("op")
    assert describe(event).endswith(f"batch error so far Σ error/B = {num(event.values['batch_loss'])}")


def test_a_second_sample_adds_its_share_to_the_first():
    """The sum goes on: the second sample's line says its share and the sum of both."""
    sim = dlsim.make("mlp", seed=0, batch=4)
    losses = []
    while len(losses) < 2:
        event = sim.step(Level.OP)
        if event.op == "loss":
            losses.append(event)
    first, second = (e.values for e in losses)
    assert second["batch_loss"] == first["batch_loss"] + second["share"]
    assert describe(losses[1]).endswith(f"batch loss so far Σ loss/B = {num(second['batch_loss'])}")
