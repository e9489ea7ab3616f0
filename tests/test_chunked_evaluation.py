"""An evaluation runs over slices of rows with a stop looked at between two (dlsim.models.chunked):
its figures are those of one call over the whole set, bit for bit, for every network; and a stop that
comes during the evaluation that ends an epoch undoes that epoch, keeping the ones before it."""
import numpy as np
import pytest

import dlsim
from dlsim.models import chunked

SMALL = {   # a few hundred rows each, trained one epoch so that the weights are not the initial ones
    "perceptron": {"dataset": "blobs", "samples": 300},
    "mlp": {"dataset": "circle", "samples": 300, "test": 50},
    "som": {"rows": 5, "cols": 6, "samples": 300},
    "cnn": {"dataset": "shapes", "samples": 60, "test": 20},
    "rnn": {"dataset": "sine", "samples": 60, "length": 8, "test": 20},
    "lstm": {"dataset": "sine", "samples": 60, "length": 8, "test": 20},
    "gan": {"samples": 300},
    "ae": {"samples": 300, "test": 50, "encoder": (8,)},
    "vae": {"samples": 300, "test": 50, "encoder": (8,)},
    "rbm": {"dataset": "digits", "samples": 300, "test": 50, "hidden": 8},
    "transformer": {"samples": 200, "test": 50},
    "diffusion": {"samples": 300},
    "dqn": {"steps_per_epoch": 300, "learn_start": 50, "replay_batch": 8, "hidden": (8,)},
    "dbn": {"samples": 300, "test": 50, "layers": (8,), "pretrain": 1},
}


def bits(figures: dict) -> dict:
    return {k: float(v).hex() if v is not None else None for k, v in figures.items()}


@pytest.fixture
def slices(monkeypatch):
    """Evaluations by slices of a few rows (3, then one at a time), or in one call."""
    def sliced(one_call: bool) -> None:
        monkeypatch.setattr(chunked, "FIRST_ROWS", 10 ** 9 if one_call else 3)
        monkeypatch.setattr(chunked, "ROWS_S", 0.0)
    return sliced


@pytest.mark.parametrize("name", sorted(SMALL))
def test_an_evaluation_by_slices_has_the_bits_of_one_call(name, slices):
    sim = dlsim.make(name, **SMALL[name])
    sim.train(epochs=1)
    slices(one_call=True)
    whole = sim.evaluate()
    slices(one_call=False)
    sliced = sim.evaluate()
    assert bits(sliced) == bits(whole) and whole


def test_an_evaluation_starts_at_the_rate_its_last_one_measured(monkeypatch):
    """A set evaluated chunk after chunk of a run went by a first slice of FIRST_ROWS rows each time
    (the autoencoder's training set in 3 calls, each giving the GIL up to the UI thread): the rate
    measured last time sizes the first slice now, so a quick set is one call."""
    sim = dlsim.make("mlp", seed=0, dataset="spiral")
    sizes = []
    original = sim.model.output_layer
    monkeypatch.setattr(sim.model, "output_layer", lambda X: sizes.append(len(X)) or original(X))
    monkeypatch.setattr(chunked, "FIRST_ROWS", 16)
    sim.model.evaluate()
    first = list(sizes)
    sizes.clear()
    sim.model.evaluate()
    assert len(first) > 2 and sizes == [len(sim.model.X), len(sim.data.X_test)]


def test_the_cnn_and_som_sums_carried_across_slices_are_the_kernels_one_call(slices):
    """Their kernels sum a running total: carried from slice to slice, it gives the one call's bits."""
    slices(one_call=False)
    cnn = dlsim.make("cnn", **SMALL["cnn"]).model
    X, y = np.ascontiguousarray(cnn.X, np.float64), cnn.data.y
    P = np.zeros((len(y), int(cnn.sizes[-1])))
    loss = cnn.kernels.cnn.evaluate(cnn.theta, *cnn._arch(), X, cnn.targets(y), P)
    assert float(loss).hex() == float(cnn.evaluate()["train_loss"]).hex()
    som = dlsim.make("som", **SMALL["som"]).model
    qe, te = som.kernels.som.errors(som.X, som.W, som.pos)
    assert bits(som.evaluate()) == bits({"quantization_error": qe, "topographic_error": te})


@pytest.mark.parametrize("name,long", [("som", chunked._measured), ("mlp", chunked._measured),
                                       ("mlp", chunked._evaluated)], ids=["som-batches", "mlp-batches", "mlp-epochs"])
def test_a_stop_during_an_epochs_evaluation_undoes_that_epoch_only(name, long, slices, monkeypatch):
    """The second epoch's evaluation is asked to stop half-way: train raises KeyboardInterrupt with
    the first epoch kept, bit for bit as a run of one epoch leaves it, and the second undone. Its
    epochs measured long go by compiled batches; its evaluations measured long, epoch by epoch."""
    slices(one_call=False)
    sim = dlsim.make(name, **SMALL[name])
    once = dlsim.make(name, **SMALL[name])
    once.train(epochs=1)
    long[sim.model] = 2 * chunked.CHUNK_S
    original, calls = chunked.by_rows, []

    def stopping(model, n, work, what=None):
        calls.append(n)
        if len(calls) == 2 + (name == "mlp"):   # the second epoch's (the MLP evaluates two sets)
            original(model, n // 2, work, what)   # half-way through it
            chunked.requested.set()
        original(model, n, work, what)
    monkeypatch.setattr(chunked, "by_rows", stopping)
    try:
        with pytest.raises(KeyboardInterrupt):
            sim.train(epochs=3)
    finally:
        chunked.requested.clear()
    assert sim.epoch == 1 and len(sim.history) == 1
    assert sim.model.flat_params().tobytes() == once.model.flat_params().tobytes()
    assert bits(sim.history[-1]) == bits(once.history[-1])
