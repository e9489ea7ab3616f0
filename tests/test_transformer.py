"""The transformer: every gradient against central finite differences (pre- and post-norm, causal or
not, one and two blocks, on the compiled kernels and the NumPy reference), the stepped, batched and
fused paths to the same bits, the reference beside the kernels, exact rewind, the numbers each op
shows agreeing with each other, the default task learnt in seconds, and one-line errors."""
import time

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.kernels import transformer as tk
from dlsim.kernels import transformer_reference as ref
from dlsim.protocol.events import Level
from dlsim.sim.stepper import Stepper

H = 1e-6
TINY = dict(length=2, d_model=8, heads=2, mlp=4, samples=10, test=4, batch=4, seed=3)


def small(**options):
    return dlsim.make("transformer", **{**TINY, **options})


def numeric(model, X, name, index):
    p = model.params[name]
    keep = p[index]

    def at(value):
        p[index] = value
        return model.gradients(X)[0]
    up, down = at(keep + H), at(keep - H)
    at(keep)
    return (up - down) / (2 * H)


@pytest.mark.parametrize("backend", ["cpu", "numpy"])
@pytest.mark.parametrize("options", [dict(), dict(norm="post", causal="no"), dict(layers=2, heads=1),
                                     dict(position="sinusoidal", dataset="brackets", heads=4, scaled="no")],
                         ids=["pre-causal", "post-bidirectional", "two-blocks", "sinusoidal-brackets"])
def test_every_gradient_matches_finite_differences(options, backend):
    sim = small(backend=backend, **options)
    model = sim.model
    rng = np.random.default_rng(1)
    model.theta[:] += rng.normal(0, 0.3, model.theta.shape) * (model.theta != 0)   # gains and biases off 1 and 0
    X = model.X[:3]
    _, grads = model.gradients(X)
    assert ("P" in grads) == (options.get("position", "learned") == "learned")
    for name, g in grads.items():
        for index in np.ndindex(g.shape):
            assert np.isclose(g[index], numeric(model, X, name, index), rtol=1e-5, atol=1e-8), (name, index)


def state(sim):
    m = sim.model
    return (m.theta.copy(), m.m.copy(), m.v.copy(), m.steps, m.epoch)


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("options", [dict(optimizer="adam"), dict(norm="post", causal="no", optimizer="sgd", batch=0, scaled="no"),
                                     dict(layers=2, position="none", optimizer="momentum", batch=1)],
                         ids=["adam", "post-full-batch", "two-blocks-per-sample"])
def test_stepping_row_by_row_batch_by_batch_and_fused_give_the_same_bits(options):
    ops, batches, fused = small(**options), small(**options), small(**options)
    losses = [ops.step("epoch").values["loss"] for _ in range(2)]
    stepper = Stepper(batches.model, Level.BATCH)
    while batches.model.epoch < 2:
        stepper.step(Level.BATCH)
    assert fused.model.train_fused(2) == 2
    assert same(state(ops), state(batches)) and same(state(ops), state(fused))
    assert [h["loss"] for h in fused.model.history] == losses
    assert ops.history[-1]["test_loss"] == fused.history[-1]["test_loss"]


def test_the_numpy_reference_trains_like_the_kernels():
    cpu, npy = small(layers=2, norm="post"), small(layers=2, norm="post", backend="numpy")
    cpu.train(epochs=3)
    npy.train(epochs=3)
    np.testing.assert_allclose(npy.model.theta, cpu.model.theta, rtol=1e-9, atol=1e-9)


def test_the_kernels_outputs_and_attention_are_the_references():
    sim = small(layers=2, causal="no")
    model = sim.model
    X = model.X
    logits, attention = np.zeros((len(X), model.task.context, len(model.vocabulary))), np.zeros(
        (len(X), 2, 2, model.task.context, model.task.context))
    out_ref, att_ref = np.zeros_like(logits), np.zeros_like(attention)
    tk.outputs(model.theta, model.cfg, X, logits)
    ref.outputs(model.theta, model.cfg, X, out_ref)
    tk.attention(model.theta, model.cfg, X, attention)
    ref.attention(model.theta, model.cfg, X, att_ref)
    np.testing.assert_allclose(logits, out_ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(attention, att_ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("level", ["op", "layer", "sample", "batch", "epoch"])
def test_back_at_every_level_returns_to_the_same_bits(level):
    sim = small()
    for _ in range(7):
        sim.step("op")
    before = state(sim) + (sim.model.grad.copy(),)
    for _ in range(3):
        sim.step(level)
    for _ in range(3):
        sim.back(level)
    assert same(before, state(sim) + (sim.model.grad.copy(),))


def ops_of_one_sample(sim):
    events = []
    while True:
        events.append(sim.step("op"))
        if events[-1].closes >= Level.SAMPLE:
            return events


def test_each_op_shows_numbers_that_agree_with_each_other():
    sim = small(length=3)
    events = ops_of_one_sample(sim)
    by_op = {}
    for e in events:
        by_op.setdefault(e.op, []).append(e)
        assert sim.model.formulas[e.op](e)   # every op is written by the math panel
    scores, softmaxes, mixes = by_op["scores"], by_op["softmax"], by_op["weighted_sum"]
    for s, a, w in zip(scores, softmaxes, mixes):
        v = s.values
        for j, key in enumerate(v["keys"]):
            if v["masked"][j]:
                assert v["s"][j] is None and a.values["a"][j] == 0.0
            else:
                assert np.isclose(v["dots"][j], np.dot(v["q"], key))
                assert v["s"][j] == v["dots"][j] * v["scale"]
        assert np.isclose(sum(a.values["a"]), 1.0)
        assert np.allclose(w.values["out"], np.array(w.values["a"]) @ np.array(w.values["values"]))
    norms = [e for e in by_op["layer_norm"]]
    for e in norms:
        y = (np.array(e.values["x"]) - e.values["mean"]) * e.values["rstd"] * np.array(e.values["g"]) + e.values["b"]
        assert np.allclose(y, e.values["y"]) and np.isclose(e.values["var"], np.var(e.values["x"]))
    for e in by_op["softmax_back"]:
        a, da = np.array(e.values["a"]), np.array(e.values["da"])
        jacobian = np.diag(a) - np.outer(a, a)   # the softmax's Jacobian, applied to the incoming row
        assert np.allclose(jacobian @ da, e.values["ds"])
    assert [e.op for e in events[-sim.model.task.context:]] == ["embed_back"] * sim.model.task.context
    assert events[-1].closes == Level.SAMPLE


def test_the_causal_mask_hides_later_keys_and_each_row_sums_to_one():
    causal, open_ = small(length=3), small(length=3, causal="no")
    for sim, masked in ((causal, True), (open_, False)):
        A = sim.inspect()["attention"]
        T = A.shape[-1]
        np.testing.assert_allclose(A.sum(axis=-1), 1.0)
        upper = A[..., np.triu_indices(T, 1)[0], np.triu_indices(T, 1)[1]]
        assert np.all(upper == 0.0) == masked


def test_inspect_follows_the_sequence_being_stepped():
    sim = small(length=3)
    at_rest = sim.inspect()
    assert "sample" not in at_rest and len(at_rest["tokens"]) == sim.model.task.context
    while True:
        e = sim.step("op")
        if e.op == "softmax":
            break
    now = sim.inspect()
    l, h, i = now["query"]
    assert (l, h, i) == (0, 0, 0) and now["sample"] == e.values.get("sample", now["sample"])
    assert np.array_equal(now["attention"][0, 0, 0], e.values["a"])
    assert np.isnan(now["attention"][0, 0, 1]).all()   # query 1 not computed yet


def test_the_default_task_reverses_four_digits_in_seconds():
    sim = dlsim.make("transformer")
    started = time.perf_counter()
    sim.train(epochs=10)
    assert time.perf_counter() - started < 20
    assert sim.history[-1]["test_seq_acc"] == 1.0


def test_tasks_write_their_answers_after_the_separator():
    for name, answer in (("reverse", lambda d: d[::-1]), ("sort", sorted), ("copy", lambda d: d)):
        model = small(dataset=name, length=4).model
        V = model.vocabulary
        x, y = model.X[0], model.Y[0]
        digits = [V[t] for t in x[:4]]
        assert V[x[4]] == ">" and "".join(V[t] for t in y[4:]) == "".join(answer(digits))
        assert np.all(y[:4] == tk.IGNORE)
    blanked = small(dataset="reverse", length=4, causal="no").model
    assert "".join(blanked.vocabulary[t] for t in blanked.X[0, 5:]) == "___"
    brackets = small(dataset="brackets", length=4, samples=40).model
    answers = {brackets.vocabulary[r[-1]] for r in brackets.Y}
    assert answers == {"y", "n"}


@pytest.mark.parametrize("options, message", [
    (dict(d_model=10, heads=4), "does not split"),
    (dict(dataset="poems", causal="no"), "causal=yes"),
    (dict(dataset="brackets", length=5), "even number"),
    (dict(dataset="reverse", length=9), "takes 2 to 8"),
    (dict(batch=99), "larger than"),
])
def test_options_that_cannot_work_are_refused_in_one_line(options, message):
    with pytest.raises(UserError, match=message):
        small(**options)


def test_the_api_refuses_what_is_not_a_sequence_of_its_tokens():
    model = small().model
    with pytest.raises(UserError, match="token numbers"):
        model.logits([[0, 1, 2, 99]])
    with pytest.raises(UserError, match="shape"):
        model.logits([[0, 1]])
    with pytest.raises(UserError, match="targets"):
        model.gradients(model.X[:2], np.zeros((2, 3)))
    probs = model.probabilities(model.X[:3])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    assert model.predict(model.encode("12>2")).shape == (1,)


def test_the_poems_network_writes_text():
    sim = small(dataset="poems", length=8, d_model=16)
    sim.train(epochs=1)
    prompt, text = sim.inspect()["generated"]
    assert len(prompt) == 8 and len(text) == 40
    drawn = sim.model.sample_text("Twas bri", length=10, temperature=0.8, top_k=3, seed=1)
    assert len(drawn) == 10 and drawn == sim.model.sample_text("Twas bri", length=10, temperature=0.8, top_k=3, seed=1)


def test_the_sampling_distribution_follows_temperature_and_top_k():
    sim = small(dataset="poems", length=8)
    model = sim.model
    z = model.logits(model.X[:1])[0, -1]
    plain = model.sampling(z)
    np.testing.assert_allclose(plain, model.probabilities(model.X[:1])[0], rtol=1e-12)
    greedy = model.sampling(z, temperature=0)
    assert greedy[z.argmax()] == 1.0 and greedy.sum() == 1.0
    top2 = model.sampling(z, top_k=2)
    assert np.count_nonzero(top2) == 2 and np.isclose(top2.sum(), 1.0)
    assert model.sampling(z, temperature=0.5).max() > plain.max() > model.sampling(z, temperature=2.0).max()
    sim.set("temperature", 0.0)
    prompt, text = sim.inspect()["generated"]
    assert text == model.sample_text(prompt, len(text), temperature=0.0)   # the most likely, each time
    sim.set("temperature", 1.5)
    assert sim.inspect()["generated"][1] != text


def test_sorting_brings_its_own_training_set_and_batch_unless_given():
    sort = dlsim.make("transformer", dataset="sort", length=6, test=4).model
    assert (len(sort.X), sort.batch_size) == (4000, 32)
    reverse = dlsim.make("transformer", test=4).model
    assert (len(reverse.X), reverse.batch_size) == (512, 16)
    given = dlsim.make("transformer", dataset="sort", samples=100, batch=10, test=4).model
    assert (len(given.X), given.batch_size) == (100, 10)
