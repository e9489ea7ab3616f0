"""Every network's numeric options refuse what no option means anything by (∞, NaN), in one line,
every option refuses an empty value,
and the edges a learner may reach (an empty test set) train and evaluate."""
import math

import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.models import MODELS


def numeric_options():
    for name, cls in MODELS.items():
        for option in cls.options:
            if option.allowed.startswith(("a number", "a whole number")):
                yield pytest.param(option, id=f"{name}.{option.name}")


@pytest.mark.parametrize("option", numeric_options())
@pytest.mark.parametrize("raw", ["inf", "nan", math.inf])
def test_a_numeric_option_refuses_infinity_and_nan(option, raw):
    """DBN's finetune_lr took ∞ (its range had no top) and trained with it."""
    with pytest.raises(UserError, match=f"option '{option.name}'") as error:
        option.value(raw)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("net", list(MODELS))
def test_every_option_refuses_an_empty_value(net):
    """`--set step_reward=` (Q-learning's rewards) was taken as 'the environment's own' without a
    word; an empty value is a slip for every option ('default' says it for a reward)."""
    for option in MODELS[net].options:
        for raw in ("", "  "):
            with pytest.raises(UserError, match=f"option '{option.name}'"):
                option.value(raw)


@pytest.mark.parametrize("net", ["ae", "vae"])
def test_an_autoencoder_without_a_test_set_trains_and_says_so(net):
    """test=0 ended in a NumPy traceback: the empty test set could not be flattened."""
    sim = dlsim.make(net, test=0, samples=40, batch=10)
    summary = sim.train(epochs=2)
    last = sim.history[-1]
    tested = [key for key in last if key.startswith("test_")]
    assert tested and all(last[key] is None for key in tested)   # nothing measured on no test set
    assert last["loss"] > 0
    assert summary is not None and "test_codes" not in sim.inspect()
    # the code plane, blank before, draws the training inputs' codes instead
    codes, labels, whose = sim.model.plane_codes()
    assert whose == "training" and codes.shape == (40, sim.model.code) and len(labels) == 40
