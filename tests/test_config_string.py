"""The one-line configuration string: every option of every network survives the round trip (and a
shell and a URL query, unquoted), `dlsim run STRING` builds that network, and a bad string is one line."""
import shlex
from urllib.parse import parse_qs, quote, urlencode

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.models.options import resolve
from dlsim.sim.config_string import format_config, parse_config


def other_value(option):
    """A value of `option` other than its default, that this machine accepts."""
    default = option.default
    if option.choices:
        usable = [c for c in option.choices if c not in option.unavailable()]
        return next((c for c in usable if option.value(c) != default), default)
    if default is None:   # "the environment's own" (a reward of qlearn's): any number is another value
        return 0.123456789
    if isinstance(default, float):
        return default / 3 if default > 0 else 0.123456789
    tried = [(3, 2), (3, 3), ()] if isinstance(default, tuple) else [default + 1, default - 1]
    for value in tried:
        try:
            return option.value(value)
        except UserError:
            pass
    raise AssertionError(f"no other value for {option.name}")


@pytest.mark.parametrize("name", list(MODELS))
def test_every_option_of_every_network_round_trips(name):
    cls = MODELS[name]
    changed = resolve(name, cls.options, {o.name: other_value(o) for o in cls.options})
    for config in (resolve(name, cls.options, {}), changed):
        text = format_config(name, config)
        network, options = parse_config(text)
        assert network == name and resolve(name, cls.options, options) == config
        assert shlex.split(text) == [text]                          # no quoting in a shell
        assert quote(text, safe=":,=/@") == text                    # nor in a URL
        assert parse_qs(urlencode({"config": text}, safe=":,=/@"))["config"] == [text]
    assert "seed=" in format_config(name, changed) and "dataset=" in format_config(name, changed)


def test_the_documented_example_and_escapes():
    assert parse_config("mlp:dataset=spiral,hidden=16.16,lr=0.1,seed=3") == \
        ("mlp", {"dataset": "spiral", "hidden": (16, 16), "lr": 0.1, "seed": 3})
    assert parse_config("mlp:hidden=0") == ("mlp", {"hidden": ()})
    assert parse_config("gan") == ("gan", {})
    cls = MODELS["mlp"]
    tiny = resolve("mlp", cls.options, {"lr": 1e-05, "beta2": 0.1 + 0.2})
    text = format_config("mlp", tiny)
    assert "+" not in text and "lr=1e-05" in text
    assert resolve("mlp", cls.options, parse_config(text)[1]) == tiny   # the same bits


@pytest.mark.parametrize("bad, words", [
    ("", "names a network"),
    ("mlpp:lr=0.1", "unknown network"),
    ("mlp:lr", "not key=value"),
    ("mlp:lr=0.1,lr=0.2", "given twice"),
    ("mlp:lr=fast", "option 'lr'"),
    ("mlp:colour=red", "unknown option"),
    ("mlp:hidden=16 16", "not allowed"),
    ("mlp:dataset=@zz", "escape"),
    ("mlp:hidden=16,16", "not key=value"),
    ("mlp:data=/a.csv,dataset=xor", "both given"),
    ("mlp:data=", "needs a file's path"),
])
def test_bad_strings_are_refused_in_one_line(bad, words):
    with pytest.raises(UserError) as error:
        parse_config(bad)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_dlsim_run_takes_a_configuration_string(capsys):
    code = main(["run", "mlp:dataset=moons,hidden=4.3,samples=16,test=4,seed=2,lr=0.2", "--headless", "--epochs", "2"])
    out = capsys.readouterr().out
    assert code == 0 and "mlp on moons: 2 epochs" in out
    same = dlsim.make("mlp", seed=2, dataset="moons", hidden=(4, 3), samples=16, test=4, lr=0.2)
    same.train(epochs=2)
    assert f"train loss {same.history[-1]['train_loss']:.3f}" in out
    assert main(["run", "mlp:lr=0.1", "--set", "lr=0.2", "--headless"]) == 2
    assert "disagree" in capsys.readouterr().err
    assert np.isfinite(same.history[-1]["train_loss"])


def test_a_learners_own_data_file_is_named_in_the_string_and_opens_again(capsys, tmp_path):
    """The string of a session on one's own file names the file (data=PATH, in place of the
    dataset): `dlsim run STRING` trains on the same data, the same bits as --data."""
    from pathlib import Path
    fruit = str(Path(__file__).resolve().parents[1] / "assets" / "data" / "fruit.csv")
    sim = dlsim.make("mlp", seed=2, data=fruit, hidden=(4,))
    text = format_config("mlp", sim.config, data=sim.own_data.identity.path)
    assert text.startswith("mlp:data=") and "dataset=" not in text
    network, options = parse_config(text)
    again = dlsim.make(network, **options)
    assert np.array_equal(again.data.X, sim.data.X) and np.array_equal(again.model.params["layer[0].W"],
                                                                        sim.model.params["layer[0].W"])
    assert main(["run", text, "--headless", "--epochs", "2"]) == 0
    assert "mlp on fruit.csv: 2 epochs" in capsys.readouterr().out
    assert main(["run", text, "--data", str(tmp_path / "other.csv"), "--headless"]) == 2
    assert "disagree" in capsys.readouterr().err
    assert main(["run", "mlp:data=" + str(tmp_path / "none.csv"), "--headless"]) == 2
    assert "none.csv" in capsys.readouterr().err
