"""The learner's own data: every kind the platform defines loads and trains on every network that
takes it (files written in the test's folder), the loader says what it did to the numbers, the split
is seeded and explicit, and the data has an identity a saved session can store."""
import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import dlsim
from dlsim.errors import UserError
from dlsim.protocol.own_data import png
from tests import own_data_files as files

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "data"

CASES = [   # (network, the file it trains on)
    ("perceptron", files.points_csv), ("mlp", files.points_csv), ("gan", files.points_csv),
    ("som", files.vectors_csv), ("som", files.points_csv), ("cnn", files.images_npz), ("cnn", files.png_folder),
    ("rnn", files.waves_csv), ("lstm", files.waves_csv), ("rnn", files.labelled_sequences_csv),
    ("lstm", files.labelled_sequences_csv), ("rnn", files.text_file), ("lstm", files.text_file),
    ("mlp", files.points_npz), ("perceptron", files.points_npz), ("som", files.vectors_npy), ("gan", files.points_npz),
    ("rnn", files.sequences_npz), ("lstm", files.sequences_npz),
]
SMALL = {"rnn": {"hidden": 4, "samples": 16, "test": 4, "length": 8}, "lstm": {"hidden": 4, "samples": 16, "test": 4,
                                                                              "length": 8},
         "cnn": {"batch": 4}, "som": {"rows": 4, "cols": 4}, "gan": {"batch": 16}}


@pytest.mark.parametrize("net, maker", CASES, ids=[f"{n}-{m.__name__}" for n, m in CASES])
def test_every_kind_trains_on_every_network_that_takes_it(tmp_path, net, maker):
    path = maker(tmp_path)
    sim = dlsim.make(net, data=str(path), **SMALL.get(net, {}))
    before = sim.model.flat_params().copy()
    summary = sim.train(epochs=2)
    assert summary["epochs"] == 2 and summary["dataset"] == path.name
    assert not np.array_equal(before, sim.model.flat_params()), "training changed nothing"
    assert any(note.startswith(f"read {path.name}") for note in sim.data_notes)
    assert any(note.startswith(("split:", "windows:")) for note in sim.data_notes)


def test_points_are_scaled_and_the_summary_says_how(tmp_path):
    sim = dlsim.make("mlp", data=str(files.points_csv(tmp_path)))
    scaled = [n for n in sim.data_notes if n.startswith("inputs scaled to [−1, 1]")]
    assert scaled and "width" in scaled[0] and "height" in scaled[0]
    assert sim.data.X.min() >= -1 and sim.data.X.max() <= 1
    assert "classes: 2 named, numbered in sorted order: inside=0, outside=1" in sim.data_notes


def test_a_network_that_learns_no_classes_says_what_the_labels_are_for(tmp_path):
    notes = dlsim.make("gan", data=str(files.points_csv(tmp_path))).data_notes
    assert "inside=0, outside=1 (used to colour the pictures only: this network does not learn classes)" in notes[1]


def test_data_already_in_range_is_used_as_written(tmp_path):
    X = np.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8], [0.9, 0.0]])
    sim = dlsim.make("mlp", data=(X, np.array([0, 1, 0, 1, 1])), test=0)
    assert "inputs used as written" in sim.data_notes
    assert sorted(map(tuple, sim.data.X)) == sorted(map(tuple, X))


def test_images_0_to_255_become_0_to_1_said(tmp_path):
    sim = dlsim.make("cnn", data=str(files.images_npz(tmp_path)), batch=4)
    assert "pixels scaled from 0…255 to [0, 1] (÷ 255)" in sim.data_notes
    assert sim.data.X.max() == 1.0 and sim.data.shape == (1, 8, 8)


def test_the_split_is_seeded_and_explicit(tmp_path):
    path = str(files.points_csv(tmp_path))
    a, b, c = (dlsim.make("mlp", data=path, seed=s) for s in (0, 0, 1))
    assert np.array_equal(a.data.X_test, b.data.X_test)
    assert not np.array_equal(a.data.X_test, c.data.X_test)
    assert "split: 48 training, 12 test samples (20% held out, shuffled with seed 1)" in c.data_notes
    a.set("seed", 1)   # a new seed splits again, as a new simulation with it would
    assert np.array_equal(a.data.X_test, c.data.X_test)


def test_a_file_with_its_own_test_set_keeps_it(tmp_path):
    X, y = files.bar_images(20)
    np.savez(tmp_path / "split.npz", X=X[:16], y=y[:16], X_test=X[16:], y_test=y[16:])
    sim = dlsim.make("cnn", data=str(tmp_path / "split.npz"), batch=4)
    assert len(sim.data.X) == 16 and len(sim.data.X_test) == 4
    assert "split: 16 training samples, 4 test samples as the file gives them" in sim.data_notes


def test_identity_is_the_path_and_the_sha256_of_the_bytes(tmp_path):
    path = files.points_csv(tmp_path)
    sim = dlsim.make("mlp", data=str(path))
    assert sim.own_data.identity.as_dict() == {"path": str(path.resolve()), "bytes": path.stat().st_size,
                                              "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    folder = dlsim.make("cnn", data=str(files.png_folder(tmp_path)), batch=4).own_data.identity
    assert folder.path == str((tmp_path / "bars").resolve()) and len(folder.sha256) == 64
    arrays = dlsim.make("mlp", data=(np.eye(2).repeat(3, 0), np.arange(6) % 2)).own_data.identity
    assert arrays.path is None and len(arrays.sha256) == 64


def test_a_saved_session_records_the_file_and_continues_bit_for_bit(tmp_path):
    from dlsim.sim import session_file, session_save
    path = files.points_csv(tmp_path)
    sim = dlsim.make("mlp", data=str(path), batch=8)
    sim.train(epochs=2)
    assert {k: sim.data_identity[k] for k in ("file", "path", "sha256")} == {
        "file": "points.csv", "path": str(path.resolve()), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    session_save.save(sim, str(tmp_path / "s.dlsim"))
    assert session_save.describe(sim)[0]["dataset"]["sha256"] == sim.own_data.identity.sha256
    again = session_file.load(str(tmp_path / "s.dlsim"))
    assert sim.train(epochs=2)["loss"] == again.train(epochs=2)["loss"]


def test_arrays_in_python_and_string_class_names(tmp_path):
    X = np.random.default_rng(0).normal(size=(30, 4))
    y = np.array(["setosa", "virginica", "versicolor"] * 10)
    sim = dlsim.make("som", data={"X": X, "y": y}, rows=3, cols=3)
    assert sim.data.shape == (4,) and sim.data.classes == 3
    assert sim.data.class_names == ("setosa", "versicolor", "virginica")


def test_too_many_classes_for_the_options_is_one_line_and_softmax_takes_them(tmp_path):
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(UserError, match="3 classes .* but mlp with these options tells 2 apart"):
        dlsim.make("mlp", data=(X, np.arange(30) % 3))
    assert dlsim.make("mlp", data=(X, np.arange(30) % 3), loss="softmax_ce").data.classes == 3
    with pytest.raises(UserError, match="tells 2 apart"):
        dlsim.make("perceptron", data=(X, np.arange(30) % 3))


def test_use_data_switches_and_a_refused_file_changes_nothing(tmp_path):
    sim = dlsim.make("mlp")
    sim.train(epochs=3)
    bad = files.write(tmp_path / "bad.csv", "x1,x2,label\n1,2,0\n1,oops,1\n")
    with pytest.raises(UserError, match="bad.csv line 3"):
        sim.use_data(str(bad))
    assert sim.epoch == 3 and sim.own_data is None and sim.summary()["dataset"] == "xor"
    sim.use_data(str(files.points_csv(tmp_path)))
    assert sim.epoch == 0 and sim.summary()["dataset"] == "points.csv"
    sim.use_data(None)
    assert sim.summary()["dataset"] == "xor"
    sim.use_data(str(files.points_csv(tmp_path)))
    sim.set("dataset", "circle")   # choosing a dataset (the app's d key) leaves the own data
    assert sim.own_data is None and sim.summary()["dataset"] == "circle"


@pytest.mark.parametrize("filter_type", range(5))
@pytest.mark.parametrize("colour", [False, True])
def test_the_png_reader_undoes_every_filter(tmp_path, filter_type, colour):
    pixels = np.random.default_rng(filter_type).integers(0, 256, (5, 7, 3) if colour else (5, 7))
    files.write_png(tmp_path / "a.png", pixels, filter_type)
    image = png.read(tmp_path / "a.png", "a.png")
    expected = np.moveaxis(pixels, -1, 0) if colour else pixels[None]
    assert np.array_equal(image, expected)


def test_cli_trains_on_a_file_and_prints_what_it_did(tmp_path):
    path = files.points_csv(tmp_path)
    done = subprocess.run([sys.executable, "-m", "dlsim", "run", "mlp", "--data", str(path), "--headless",
                           "--epochs", "2"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "mlp on points.csv: 2 epochs" in done.stdout
    assert "data: split: 48 training, 12 test samples" in done.stdout


def test_a_large_file_streams_with_progress_on_stderr(tmp_path):
    rows = np.random.default_rng(0).uniform(0, 1, (60_000, 3))
    path = tmp_path / "big.csv"
    path.write_text("a,b,c\n" + "\n".join(f"{a:.6f},{b:.6f},{c:.6f}" for a, b, c in rows) + "\n")
    assert path.stat().st_size > 1 << 20
    done = subprocess.run([sys.executable, "-m", "dlsim", "run", "som", "--data", str(path), "--headless",
                           "--epochs", "1", "--set", "rows=2", "--set", "cols=2"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if line.startswith("dlsim: reading big.csv: ")]
    assert len(said) >= 4 and said[-1] == "dlsim: reading big.csv: 100%"   # a line a quarter, in a log
    assert "read big.csv: 60,000 rows of 3 numbers" in done.stdout


SAMPLES = [("perceptron", "fruit.csv"), ("mlp", "fruit.csv"), ("gan", "fruit.csv"), ("som", "colours.csv"),
           ("rnn", "tides.csv"), ("cnn", "strokes"), ("lstm", "rhymes.txt")]


@pytest.mark.parametrize("net, name", SAMPLES)
def test_the_shipped_samples_load_as_the_readme_says(net, name):
    from dlsim.data_files import assets_dir
    sim = dlsim.make(net, data=str(assets_dir() / "data" / name), **SMALL.get(net, {}))
    assert sim.summary()["dataset"] == name and sim.data_notes[0].startswith(f"read {name}")


def test_scaling_can_be_turned_off_and_says_so(tmp_path):
    from dlsim.sim.own_data import read
    data = read("mlp", str(files.points_csv(tmp_path)), scale=False)
    sim = dlsim.make("mlp", data=data)
    assert "inputs not scaled (scale=False)" in sim.data_notes and sim.data.X.max() > 1


def test_a_spreadsheet_export_loads_bom_crlf_quotes_and_blank_lines(tmp_path):
    text = '\ufeff"x1","x2","Class"\r\n' + "".join(f'{k % 5},"{k % 7}",{"ab"[k % 2]}\r\n' for k in range(20)) + "\r\n\r\n"
    (tmp_path / "export.csv").write_bytes(text.encode("utf-8"))
    sim = dlsim.make("mlp", data=str(tmp_path / "export.csv"))
    assert sim.data_notes[0] == "read export.csv: 20 rows of 2 numbers (columns x1,x2), labels in column Class"
    assert sim.data.classes == 2 and sim.data.class_names == ("a", "b")


def test_a_session_on_own_sequences_or_images_opens_whole_and_says_when_its_file_changed(tmp_path):
    """Arrays alone hold neither a sequence task's targets nor the class names: an unchanged file is
    read again; a sequence session whose file changed is refused in one line."""
    import shutil
    from dlsim.sim import session_file
    from dlsim.sim.session_file import SessionFileError
    tides = tmp_path / "tides.csv"
    shutil.copy(ASSETS / "tides.csv", tides)
    sim = dlsim.make("rnn", data=str(tides), hidden=4)
    sim.train(epochs=2)
    sim.save(str(tmp_path / "r.dlsim"))
    again = session_file.load(str(tmp_path / "r.dlsim"))
    assert again.own_data.name == "tides.csv" and again.cursor == sim.cursor
    assert sim.train(epochs=2)["loss"] == again.train(epochs=2)["loss"]
    strokes = dlsim.make("cnn", data=str(ASSETS / "strokes"), batch=4)
    strokes.train(epochs=1)
    strokes.save(str(tmp_path / "c.dlsim"))
    assert session_file.load(str(tmp_path / "c.dlsim")).data.class_names == strokes.data.class_names
    tides.write_text(tides.read_text().replace("4.19", "4.20", 1))
    with pytest.raises(SessionFileError, match="has changed since the session was saved") as refused:
        session_file.load(str(tmp_path / "r.dlsim"))
    assert "\n" not in str(refused.value)


def test_a_trace_header_names_the_own_data_file(tmp_path):
    import json
    path = files.points_csv(tmp_path)
    trace = tmp_path / "t.jsonl"
    done = subprocess.run([sys.executable, "-m", "dlsim", "run", "mlp", "--headless", "--epochs", "1",
                           "--data", str(path), "--trace", str(trace)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    header = json.loads(trace.read_text().splitlines()[0])
    assert header["data"] == {"file": "points.csv", "path": str(path.resolve()),
                              "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "bytes": path.stat().st_size}
