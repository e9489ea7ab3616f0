"""An autoencoder's (and a VAE's) evaluation takes each input's code from the forward pass it runs
anyway, and leaves the codes for the nearest-code search and the code plane: the same codes, bit for
bit, as encoding every input again, and the same code accuracy."""
import numpy as np
import pytest

import dlsim


@pytest.mark.parametrize("net, options", [("ae", {}), ("ae", {"tied": "yes", "denoise": 0.2}), ("vae", {})])
def test_the_kept_codes_are_the_encoders(net, options):
    sim = dlsim.make(net, seed=0, **options)
    sim.train(epochs=3)
    model = sim.model
    result = model.evaluate()
    test = model.test_rows()
    train_codes, test_codes = model.__dict__["_train_codes_kept"][2], model.__dict__["_codes_kept"][2]
    assert np.array_equal(train_codes, model.encode(model.X))
    assert np.array_equal(test_codes, model.encode(test))
    assert np.array_equal(model.test_codes(), model.encode(test))
    for slot in ("_train_codes_kept", "_codes_kept"):   # computed afresh: the same accuracy
        model.__dict__.pop(slot)
    assert model.code_accuracy(test, model.data.y_test) == result["test_code_acc"]


@pytest.mark.parametrize("net", ["ae", "vae"])
def test_a_frames_code_and_rebuilt_input_are_encodes_and_reconstructs(net):
    sim = dlsim.make(net, seed=0)
    sim.train(epochs=2)
    model, x = sim.model, sim.model.test_rows()[:3]
    codes, rebuilt = model.encode_and_reconstruct(x)
    assert np.array_equal(codes, model.encode(x)) and np.array_equal(rebuilt, model.reconstruct(x))
