"""What a network's pictures show is the model's (Model.inspect): named, documented, reachable from the
API, lessons and headless traces alike, and the same numbers through each."""
import json

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.console.trace_file import plain
from dlsim.lesson.quantities import Missing, Scope, parse_quantity
from dlsim.models import MODELS
from dlsim.console.trace_file import read_trace

SMALL = {"som": {"rows": 3, "cols": 3, "samples": 20}, "cnn": {"samples": 40, "test": 10},
         "rnn": {"samples": 20, "test": 5}, "lstm": {"samples": 20, "test": 5}}


def _stepped(name: str, ops: int = 12):
    sim = dlsim.make(name, **SMALL.get(name, {}))
    for _ in range(ops):
        sim.step("op")
    return sim


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_network_says_what_its_pictures_show(name):
    """Each name inspect() gives is declared, with a line a learner can read, and is plain data a
    trace can hold (numbers, strings, arrays: nothing that needs the model to make sense of)."""
    cls = MODELS[name]
    assert cls.inspected, f"{name} declares nothing its pictures show"
    assert all(isinstance(what, str) and len(what) > 10 for what in cls.inspected.values())
    sim = _stepped(name)
    shown = sim.inspect()
    assert shown and set(shown) <= set(cls.inspected), set(shown) - set(cls.inspected)
    json.dumps(plain(shown), allow_nan=False)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_lesson_quantity_reads_the_inspected_value(name):
    sim = _stepped(name)
    shown = sim.inspect()
    scope = Scope(sim)
    for key, value in shown.items():
        if key in sim.model.params or key in sim.config or key in sim.last.values:
            continue   # those names are the event's or the parameter's, looked up first
        got = scope.value(parse_quantity(key))
        np.testing.assert_array_equal(np.asarray(got), np.asarray(value), err_msg=key)   # NaN where not computed yet


def test_a_name_with_nothing_to_show_now_says_so():
    sim = dlsim.make("mlp")
    declared = set(MODELS["mlp"].inspected)
    missing = sorted(declared - set(sim.inspect()))
    if not missing:
        pytest.skip("the MLP shows every inspected quantity before its first step")
    with pytest.raises(Missing, match="has no value at this point"):
        Scope(sim).value(parse_quantity(missing[0]))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_list_prints_what_each_network_inspects(capsys, name):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    section = out.split(f"\n{name} — ")[1] if not out.startswith(f"{name} — ") else out
    first = next(iter(MODELS[name].inspected))
    assert first in section.split("\n\n")[0]


def test_trace_inspect_needs_a_trace(capsys):
    assert main(["run", "mlp", "--headless", "--trace-inspect"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--trace-inspect needs --trace" in err


def test_a_traced_event_carries_what_the_pictures_show(tmp_path, capsys):
    path = tmp_path / "t.jsonl"
    assert main(["run", "som", "--headless", "--epochs", "1", "--set", "rows=3", "--set", "cols=3",
                 "--set", "samples=10", "--trace", str(path), "--trace-level", "op", "--trace-inspect"]) == 0
    lines = read_trace(path)
    events = [line for line in lines if line["type"] == "event"]
    assert events and all("inspect" in e and set(e["inspect"]) <= set(MODELS["som"].inspected) for e in events)
    # and the same run without the flag writes no such key
    plain_path = tmp_path / "p.jsonl"
    assert main(["run", "som", "--headless", "--epochs", "1", "--set", "rows=3", "--set", "cols=3",
                 "--set", "samples=10", "--trace", str(plain_path), "--trace-level", "op"]) == 0
    assert "inspect" not in plain_path.read_text()


def test_a_traced_picture_is_written_when_it_changed(tmp_path, capsys):
    """Each line carries only what changed since the line before; read back, every event has the
    whole picture, equal to the simulation's at that event."""
    path = tmp_path / "t.jsonl"
    assert main(["run", "som", "--headless", "--epochs", "1", "--set", "rows=3", "--set", "cols=3",
                 "--set", "samples=6", "--trace", str(path), "--trace-level", "op", "--trace-inspect"]) == 0
    raw = [json.loads(line) for line in path.read_text().splitlines() if '"event"' in line]
    assert "umatrix" in raw[0]["inspect"] and "umatrix" not in raw[1]["inspect"]   # the BMU search moves no node
    whole = [r for r in read_trace(path) if r["type"] == "event"]
    sim = dlsim.make("som", rows=3, cols=3, samples=6)
    for record in whole:
        sim.step("op")
        assert record["inspect"] == json.loads(json.dumps(plain(sim.inspect()))), record["n"]
