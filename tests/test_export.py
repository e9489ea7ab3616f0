"""Exports as a learner or an autograder meets them: the weights in .npz and CSV and the curves in CSV
hold exactly the numbers the simulation has, for every network; a file is never replaced without
--overwrite; a bad path is one line and exit 2, before any training."""
import csv
import math
import os

import numpy as np
import pytest

from dlsim.cli import main
from dlsim.console.export import read_curves, read_weights, write_curves, write_weights
from dlsim.console.output_files import numbered
from dlsim.errors import UserError
from dlsim.models import MODELS
from dlsim.sim.simulator import Simulator

NETWORKS = sorted(MODELS)


@pytest.fixture(scope="module")
def trained():
    """Each network after two epochs (iterations of a GAN) of training on its default data."""
    sims = {}
    for name in NETWORKS:
        sims[name] = Simulator(name, seed=3)
        sims[name].train(epochs=2)
    return sims


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_all_seven_networks_are_exported():
    assert {"perceptron", "mlp", "som", "cnn", "rnn", "lstm", "gan"} <= set(NETWORKS)


@pytest.mark.parametrize("name", NETWORKS)
def test_weights_round_trip_bit_for_bit(trained, tmp_path, name):
    sim = trained[name]
    params = sim.params
    for suffix in (".npz", ".csv"):
        path = str(tmp_path / f"w{suffix}")
        write_weights(params, path)
        back = read_weights(path)
        assert list(back) == list(params)          # the names sim.params uses, in its order
        for key in params:
            assert same_bits(back[key], params[key]), (suffix, key)
    with np.load(tmp_path / "w.npz", allow_pickle=False) as plain:   # NumPy alone opens it
        assert all(same_bits(plain[key], params[key]) for key in params)


@pytest.mark.parametrize("name", NETWORKS)
def test_curves_csv_is_the_history(trained, tmp_path, name):
    sim = trained[name]
    path = str(tmp_path / "curves.csv")
    write_curves(sim.history, path)
    assert read_curves(path) == sim.history
    with open(path, newline="") as stream:
        header = next(csv.reader(stream))
    assert header[0] == "epoch" and set(header) == {k for entry in sim.history for k in entry}


def test_the_csv_holds_the_exact_bits_of_awkward_numbers(tmp_path):
    """repr-exact: a value that a fixed number of digits would round, a subnormal, -0.0, and the
    NaN and ±inf of a diverged run."""
    params = Simulator("mlp", seed=0).params
    awkward = [0.1 + 0.2, 1 / 3, 5e-324, -0.0, math.nan, math.inf, -math.inf, 1.2345678901234567e300]
    params["layer[0].W"].flat[:len(awkward)] = awkward
    path = str(tmp_path / "w.csv")
    write_weights(params, path)
    assert same_bits(read_weights(path)["layer[0].W"], params["layer[0].W"])
    with open(path, newline="") as stream:
        rows = list(csv.DictReader(stream))
    first = rows[0]   # a learner's spreadsheet: one row per number, indexed as sim[name][i, j]
    assert (first["parameter"], first["i"], first["j"], first["value"]) == ("layer[0].W", "0", "0", "0.30000000000000004")
    bias = next(r for r in rows if r["parameter"] == "layer[0].b")
    assert bias["j"] == ""   # a vector leaves the second index empty


def test_a_history_with_unmeasured_values_round_trips(tmp_path):
    history = [{"epoch": 1, "loss": 0.5, "test_acc": None, "errors": 3}, {"epoch": 2, "loss": math.inf, "test_acc": 0.25, "errors": 0}]
    path = str(tmp_path / "c.csv")
    write_curves(history, path)
    assert open(path).read().splitlines() == ["epoch,loss,test_acc,errors", "1,0.5,,3", "2,inf,0.25,0"]
    assert read_curves(path) == history


def test_an_existing_file_is_never_replaced_without_overwrite(tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(b"mine")
    with pytest.raises(UserError, match="exists; add --overwrite"):
        write_weights(Simulator("perceptron").params, str(path))
    assert path.read_bytes() == b"mine"
    assert os.listdir(tmp_path) == ["w.npz"]     # no temporary file left behind
    write_weights(Simulator("perceptron").params, str(path), overwrite=True)
    assert list(read_weights(str(path))) == ["w", "b"]


def test_numbered_names_do_not_overwrite(tmp_path):
    assert numbered("dlsim-mlp-weights", (".npz", ".csv"), str(tmp_path)) == 1
    (tmp_path / "dlsim-mlp-weights-1.csv").write_text("")
    assert numbered("dlsim-mlp-weights", (".npz", ".csv"), str(tmp_path)) == 2


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_headless_run_exports_what_it_trained(capsys, tmp_path):
    weights, curves = str(tmp_path / "w.csv"), str(tmp_path / "c.csv")
    code, out, err = run(capsys, "run", "mlp", "--headless", "--epochs", "7", "--seed", "2",
                         "--export-weights", weights, "--export-curves", curves)
    assert code == 0, err
    assert f"written to {weights}" in out and f"written to {curves}" in out
    same = Simulator("mlp", seed=2)
    same.train(epochs=7)
    back = read_weights(weights)
    assert all(same_bits(back[key], value) for key, value in same.params.items())
    assert read_curves(curves) == same.history and len(same.history) == 7


@pytest.mark.parametrize("argv, says", [
    (["--export-weights", "w.txt"], "must end in .npz or .csv"),
    (["--export-curves", "c.npz"], "must end in .csv"),
    (["--export-weights", "nowhere/w.npz"], "there is no folder 'nowhere'"),
    (["--export-weights", "."], "must end in"),
    (["--export-weights", "x.csv", "--export-curves", "x.csv"], "given twice"),
    (["--export-curves", "t.csv", "--trace", "t.csv"], "given twice"),
    (["--export-curves", "s.csv", "--save", "s.csv", "--overwrite"], "given twice"),
    (["--save", "s.jsonl", "--trace", "s.jsonl"], "given twice"),
])
def test_a_bad_export_path_is_one_line_before_training(capsys, tmp_path, monkeypatch, argv, says):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "run", "mlp", "--headless", *argv)
    assert code == 2 and out == ""       # nothing trained, nothing printed but the error
    assert err.count("\n") == 1 and err.startswith("dlsim: error: ") and says in err
    assert os.listdir(tmp_path) == []


def test_an_existing_export_is_refused_unless_overwrite(capsys, tmp_path):
    path = tmp_path / "w.npz"
    path.write_bytes(b"mine")
    code, out, err = run(capsys, "run", "perceptron", "--headless", "--export-weights", str(path))
    assert code == 2 and out == "" and "exists; add --overwrite" in err and err.count("\n") == 1
    assert path.read_bytes() == b"mine"
    code, out, err = run(capsys, "run", "perceptron", "--headless", "--export-weights", str(path), "--overwrite")
    assert code == 0 and list(read_weights(str(path))) == ["w", "b"]


def test_exports_need_headless_and_overwrite_needs_an_export(capsys, tmp_path):
    code, _, err = run(capsys, "run", "mlp", "--export-curves", str(tmp_path / "c.csv"))
    assert code == 2 and "need --headless" in err and "palette" in err
    code, out, err = run(capsys, "run", "mlp", "--headless", "--overwrite")
    assert code == 2 and out == "" and "--overwrite needs --export-weights or --export-curves" in err


@pytest.mark.parametrize("flag", ["--save", "--export-curves", "--trace"])
def test_the_data_file_itself_is_never_written_over(capsys, tmp_path, flag):
    """--overwrite lets a run replace its own outputs, never the learner's data it reads."""
    data = tmp_path / "mine.csv"
    data.write_text("x1,x2,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(8)))
    before = data.read_bytes()
    code, out, err = run(capsys, "run", "mlp", "--headless", "--epochs", "1", "--data", str(data), flag, str(data),
                         *(["--overwrite"] if flag != "--trace" else []))
    assert code == 2 and err.count("\n") == 1 and "is the data this run reads" in err, err
    assert data.read_bytes() == before
