"""Model.optimizer_state of a network of parts, as the weight inspector writes it: each GAN weight
with its own network's optimizer (the one whose state its slice holds, even after a live switch
until that network's next update), each DBN weight with its part's, under the names params gives."""
import numpy as np

from tests.test_dbn import small as small_dbn
from tests.test_gan import small as small_gan


def test_a_gan_weight_has_its_own_networks_state_and_a_switch_takes_over_at_the_next_update():
    sim = small_gan(d_optimizer="momentum", g_optimizer="adam")
    sim.train(epochs=3)
    model, d = sim.model, sim.model.count["D"]
    state = model.optimizer_state()
    assert {name[0] for name in state["m"]} == {"G"} and {name[0] for name in state["v"]} == {"D", "G"}
    assert np.array_equal(state["v"]["D.layer[0].W"].ravel(), model.m[:model.sizes["D"][0] * model.sizes["D"][1]])
    assert np.array_equal(state["m"]["G.layer[0].W"].ravel(), model.m[d:d + state["m"]["G.layer[0].W"].size])
    sim.set("d_optimizer", "adam")   # live: D's slice still holds momentum's velocity…
    assert "D.layer[0].W" not in model.optimizer_state()["m"]
    while sim.step("op").op != "d_step":
        pass
    state = model.optimizer_state()   # …until D's next update, Adam's from zero
    assert np.array_equal(state["m"]["D.layer[0].b"], model.m[model.sizes["D"][0] * model.sizes["D"][1]:][:3])


def test_a_dbn_weight_has_its_parts_state_under_the_name_params_gives():
    sim = small_dbn(optimizer="adam")
    sim.step("batch")
    model = sim.model
    state = model.optimizer_state()
    assert set(state) == {"m", "v"} and set(state["m"]) == set(model.params)
    rbm = model.rbms[0]
    assert np.array_equal(state["v"]["rbm[0].W"], rbm.optimizer_state()["v"]["W"])
    assert np.abs(state["m"]["rbm[0].W"]).max() > 0
    assert small_dbn(optimizer="sgd").model.optimizer_state() == {}
