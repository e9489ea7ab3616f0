"""The sequence tasks: shapes the kernels take, targets that are right, same seed same arrays."""
import numpy as np
import pytest

from dlsim.errors import UserError
from dlsim.protocol import sequences as seq

SMALL = {"sine": {"length": 7}, "first_bit": {"length": 5}, "adding": {"length": 6}, "parity": {"length": 5},
         "counting": {"length": 5}, "characters": {"length": 9}}


@pytest.mark.parametrize("name", list(seq.TASKS))
def test_shapes_and_determinism(name):
    make = seq.TASKS[name]
    task = make(samples=11, seed=3, **SMALL[name])
    again, other = make(samples=11, seed=3, **SMALL[name]), make(samples=11, seed=4, **SMALL[name])
    N, T, _ = task.X.shape
    assert N == 11 and task.Y.shape[0] == 11
    assert task.Y.shape[1] == (T if task.per_step else 1)
    assert np.array_equal(task.X, again.X) and np.array_equal(task.Y, again.Y)
    assert not np.array_equal(task.X, other.X)
    if task.loss == "softmax_ce":
        assert np.all(task.Y.sum(axis=-1) == 1.0) and set(np.unique(task.Y)) <= {0.0, 1.0}


def test_sine_target_is_the_next_input():
    task = seq.sine(samples=4, length=10, noise=0.1, seed=0)
    assert np.array_equal(task.Y[:, :-1], task.X[:, 1:])
    clean = seq.sine(samples=4, length=10, noise=0.0, seed=0)
    assert np.abs(clean.X).max() <= 1.0


def test_first_bit_is_the_target_and_the_rest_is_noise():
    task = seq.first_bit(samples=50, length=30, seed=1)
    assert task.X.shape == (50, 31, 1)
    assert np.array_equal(task.Y[:, 0, 1], (task.X[:, 0, 0] > 0).astype(float))
    # distractors louder than the bit: a third of them or so outweigh it (what defeats the RNN)
    assert 0.3 < np.mean(np.abs(task.X[:, 1:]) > 1.0) < 0.7
    assert abs(task.X[:, 1:].std() - seq.FIRST_BIT_NOISE) < 0.1
    assert 0 < task.Y[:, 0, 1].sum() < 50


@pytest.mark.parametrize("length", [4, 51, 0])
def test_first_bit_length_outside_5_to_50_is_one_clear_error(length):
    with pytest.raises(UserError, match="first_bit: length must be an integer from 5 to 50"):
        seq.first_bit(length=length)


def test_adding_marks_one_number_in_each_half_and_sums_them():
    task = seq.adding(samples=20, length=10, seed=2)
    marks = task.X[:, :, 1]
    assert np.all(marks[:, :5].sum(axis=1) == 1) and np.all(marks[:, 5:].sum(axis=1) == 1)
    assert np.allclose(task.Y[:, 0, 0], (task.X[:, :, 0] * marks).sum(axis=1))


def test_parity_and_counting_targets():
    bits = seq.parity(samples=6, length=5, seed=0)
    ones = bits.X[:, :, 0].cumsum(axis=1)
    assert np.array_equal(bits.Y.argmax(axis=-1), ones % 2)
    count = seq.counting(samples=6, length=5, seed=0)
    assert count.Y.shape == (6, 1, 6)
    assert np.array_equal(count.Y[:, 0].argmax(axis=-1), count.X[:, :, 0].sum(axis=1))


def test_characters_come_from_the_shipped_text_and_target_the_next_one():
    task = seq.characters(samples=5, length=12, seed=0)
    text = seq.load_text()
    assert task.vocabulary == seq.vocabulary(text) and "J" in task.vocabulary
    inputs = [seq.decode(x.argmax(axis=-1), task.vocabulary) for x in task.X]
    targets = [seq.decode(y.argmax(axis=-1), task.vocabulary) for y in task.Y]
    for i, t in zip(inputs, targets):
        assert (i + t[-1]) in text and i[1:] == t[:-1]


def test_characters_on_a_given_text_and_its_limits():
    task = seq.characters(samples=3, length=3, seed=0, text="abcab")
    assert task.vocabulary == "abc" and task.X.shape == (3, 3, 3)
    assert seq.decode(seq.encode("cab", "abc"), "abc") == "cab"
    with pytest.raises(UserError, match="length must be an integer from 1 to 4"):
        seq.characters(length=5, text="abcab")
    with pytest.raises(UserError, match="not in the vocabulary"):
        seq.encode("abz", "abc")
