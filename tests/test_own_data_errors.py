"""Every bad data file tried gives one line on stderr naming the file and where in it (a line, an
array index, an image), and exit 2, with the file untouched: in-process through the CLI's main for
most, in a subprocess for a couple."""
import hashlib
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import dlsim
import dlsim.sim.own_data
from dlsim.cli import main
from dlsim.errors import UserError
from tests import own_data_files as files

HEAD = "x1,x2,label\n"


def csv(text):
    return lambda folder, name: files.write(folder / name, text)


def raw(data: bytes):
    def make(folder, name):
        (folder / name).write_bytes(data)
        return folder / name
    return make


def npz(**arrays):
    def make(folder, name):
        np.savez(folder / name, **arrays)
        return folder / name
    return make


def npy(array):
    def make(folder, name):
        np.save(folder / name, array)
        return folder / name
    return make


def pngs(change):
    """A folder of bar images with one thing made wrong by `change(folder)`."""
    def make(folder, name):
        root = files.png_folder(folder, name)
        change(root)
        return root
    return make


def other_size(root):
    files.write_png(root / "vertical" / "9.png", np.zeros((6, 6), np.uint8))


def bad_filter(root):
    """A scanline whose filter byte is 9 (PNG has 0–4), in a PNG otherwise whole."""
    import zlib
    raw = b"".join(b"\x09" + bytes(8) for _ in range(8))
    files.write_png(root / "vertical" / "9.png", np.zeros((8, 8), np.uint8))
    data = (root / "vertical" / "9.png").read_bytes()
    start, end = data.index(b"IDAT") - 4, data.index(b"IEND") - 4
    body = zlib.compress(raw)
    idat = len(body).to_bytes(4, "big") + b"IDAT" + body + zlib.crc32(b"IDAT" + body).to_bytes(4, "big")
    (root / "vertical" / "9.png").write_bytes(data[:start] + idat + data[end:])


def empty_class(root):
    (root / "diagonal").mkdir()


X6 = np.random.default_rng(0).normal(size=(6, 2))
BAD = [  # (network, file name, how to write it, what the one line must say)
    ("mlp", "empty.csv", csv(""), "empty.csv: the file is empty"),
    ("mlp", "blank.csv", csv("\n\n  \n"), "blank.csv: the file holds only blank lines"),
    ("mlp", "nohead.csv", csv("1,2,0\n3,4,1\n"), "nohead.csv line 1: the first line holds a number"),
    ("mlp", "word.csv", csv(HEAD + "1,2,0\nabc,2,1\n"), "word.csv line 3: 'abc' in column x1 is not a number; "
     "expected numbers in columns x1,x2 and a class label in column label"),
    ("mlp", "nan.csv", csv(HEAD + "1,2,0\n1,nan,1\n"), "nan.csv line 3: 'nan' in column x2 is not a finite number"),
    ("mlp", "inf.csv", csv(HEAD + "1,2,0\n1,2,1\n-inf,2,0\n"), "inf.csv line 4: '-inf' in column x1 is not a finite"),
    ("mlp", "short.csv", csv(HEAD + "1,2,0\n1,2\n"), "short.csv line 3: 2 values; expected 3 like the header"),
    ("mlp", "long.csv", csv(HEAD + "1,2,0,5\n"), "long.csv line 2: 4 values; expected 3 like the header"),
    ("mlp", "hole.csv", csv(HEAD + "1,,0\n"), "hole.csv line 2: column x2 is empty"),
    ("mlp", "latin1.csv", raw(HEAD.encode() + b"1,2,0\n1,2,caf\xe9\n"), "latin1.csv line 3: byte 8 is not UTF-8"),
    ("mlp", "binary.csv", raw(HEAD.encode() + b"1,2\x00,0\n"), "binary.csv line 2: holds a NUL byte"),
    ("mlp", "fraction.csv", csv(HEAD + "1,2,0\n3,4,1\n5,6,1.5\n7,8,0\n"), "fraction.csv line 4: label '1.5' is not a "
     "class number"),
    ("mlp", "negative.csv", csv(HEAD + "1,2,-1\n3,4,1\n5,6,0\n7,8,1\n"), "negative.csv line 2: label '-1' is not a class"),
    ("mlp", "gap.csv", csv(HEAD + "1,2,0\n3,4,2\n5,6,0\n7,8,2\n"), "gap.csv: class 1 has no sample; expected labels 0..2"),
    ("mlp", "headonly.csv", csv(HEAD), "headonly.csv: the file has a header but no rows"),
    ("mlp", "few.csv", csv(HEAD + "1,2,0\n3,4,1\n5,6,1\n"), "few.csv: only 3 samples; expected at least 4"),
    ("mlp", "twice.csv", csv("x,x,label\n1,2,0\n"), "twice.csv line 1: column 'x' is named twice"),
    ("mlp", "noname.csv", csv("x1,,label\n1,2,0\n"), "noname.csv line 1: column 2 of the header has no name"),
    ("mlp", "wide.csv", csv("a,b,c,label\n1,2,3,0\n1,2,3,1\n1,2,3,0\n1,2,3,1\n"), "wide.csv: 3 columns of numbers "
     "(a,b,c); expected 2"),
    ("mlp", "nolabel.csv", csv(HEAD + "1,2,0\n1,2,\n"), "nolabel.csv line 3: the label (column label) is empty"),
    ("mlp", "three.csv", csv(HEAD + "1,2,0\n3,4,1\n5,6,2\n7,8,0\n"), "three.csv: 3 classes (0, 1, 2), but mlp with "
     "these options tells 2 apart"),
    ("mlp", "semicolons.csv", csv("x1;x2;label\n1;2;0\n"), "semicolons.csv line 1: the columns are separated by "
     "semicolons; expected commas"),
    ("perceptron", "one.csv", csv(HEAD + "1,2,0\n3,4,0\n5,6,0\n7,8,0\n"), "one.csv: every sample has the one class 0; "
     "expected at least 2"),
    ("mlp", "plain.npy", npy(X6), "plain.npy: no labels; this network classifies"),
    ("mlp", "nox.npz", npz(inputs=X6), "nox.npz: no array named X (it holds inputs)"),
    ("mlp", "objects.npz", npz(X=np.array([[1, "a"], [2, None]], dtype=object)), "objects.npz: holds Python objects"),
    ("mlp", "nanarray.npz", npz(X=np.where(np.arange(12).reshape(6, 2) == 5, np.nan, X6), y=np.arange(6) % 2),
     "nanarray.npz X[2, 1]: nan is not a finite number"),
    ("mlp", "pairs.npz", npz(X=X6, y=np.arange(5) % 2), "pairs.npz: array y has 5 labels but X has 6 samples"),
    ("mlp", "ylabel.npz", npz(X=X6, y=np.array([0, 1, 0, 0.5, 1, 0])), "ylabel.npz y[3]: label '0.5' is not a class"),
    ("mlp", "broken.npz", raw(b"PK\x03\x04 not really a zip"), "broken.npz: not a readable NumPy file"),
    ("mlp", "sheet.xlsx", raw(b"PK"), "sheet.xlsx: a .xlsx file is not a format dlsim reads"),
    ("mlp", "folder", pngs(lambda root: None), "folder: a folder (images, one subfolder per class), but this "
     "network takes points"),
    ("cnn", "sized", pngs(other_size), "sized vertical/9.png: 6×6 pixels, greyscale; expected 8×8"),
    ("cnn", "stray", pngs(lambda root: files.write(root / "horizontal" / "notes.txt", "hi")),
     "stray horizontal/notes.txt: not a .png file"),
    ("cnn", "corrupt", pngs(lambda root: files.write(root / "horizontal" / "0.png", "not an image")),
     "corrupt horizontal/0.png: not a PNG image"),   # the class folder named, as for the other images
    ("cnn", "filtered", pngs(bad_filter), "filtered vertical/9.png: a damaged PNG (row 0 has filter type 9"),
    ("cnn", "hollow", pngs(empty_class), "hollow diagonal/: an empty class folder"),
    ("cnn", "images.csv", csv(HEAD + "1,2,0\n"), "images.csv: a CSV file, but this network takes images"),
    ("rnn", "latin1.txt", raw(b"first line\nsecond caf\xe9\n"), "latin1.txt line 2: byte 11 is not UTF-8"),
    ("rnn", "empty.txt", raw(b"  \n"), "empty.txt: the file is empty"),
    ("rnn", "ragged.csv", csv("t0,t1,t2\n1,2,3\n1,2,3\n1,2\n1,2,3\n"), "ragged.csv line 4: 2 values; expected 3"),
    ("mlp", "story.txt", csv("once upon a time"), "story.txt: a .txt file (text, for the character models), but this "
     "network takes points"),
    ("gan", "scalar.npy", npy(np.array(3.0)), "scalar.npy: array X is a single number (shape ())"),
    ("gan", "noise.npy", raw(bytes(range(7, 250)) * 4), "noise.npy: not a NumPy file (its first bytes are neither"),
    ("mlp", "noise.npz", raw(b"\x01\x02garbage" * 40), "noise.npz: not a NumPy file"),
    ("cnn", "test.npz", npz(X=np.zeros((6, 8, 8)), y=np.arange(6) % 2, X_test=np.zeros((2, 6, 6)), y_test=[0, 1]),
     "test.npz: X_test's samples have shape (6, 6); expected (8, 8)"),
]


@pytest.mark.parametrize("net, name, make, said", BAD, ids=[case[1] for case in BAD])
def test_a_bad_file_is_one_line_naming_it_and_where_exit_2(tmp_path, capsys, net, name, make, said):
    path = make(tmp_path, name)
    before = _digest(path)
    code = main(["run", net, "--data", str(path), "--headless", "--epochs", "1"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("dlsim: error: "), err
    assert said in err, err
    assert _digest(path) == before   # nothing lost: the file is as it was


def test_too_large_for_the_memory_budget(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DLSIM_MEMORY_BUDGET", "1K")
    path = files.points_csv(tmp_path, n=400)
    assert main(["run", "mlp", "--data", str(path), "--headless"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dlsim: error: points.csv") and "too large" in err and err.count("\n") == 1


def test_arrays_too_large_are_refused_from_their_headers(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DLSIM_MEMORY_BUDGET", "100K")
    np.savez_compressed(tmp_path / "zeros.npz", X=np.zeros((100_000, 2)), y=np.zeros(100_000, np.int64))
    np.save(tmp_path / "zeros.npy", np.zeros((100_000, 2)))
    for name, net, needed in (("zeros.npz", "mlp", "9.6 MB"), ("zeros.npy", "gan", "6.4 MB")):   # 4 copies
        assert main(["run", net, "--data", str(tmp_path / name), "--headless"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"dlsim: error: {name}: too large: about {needed} of memory needed"), err


def test_data_and_dataset_together_are_refused(tmp_path, capsys):
    assert main(["run", "mlp", "--data", str(files.points_csv(tmp_path)), "--dataset", "xor", "--headless"]) == 2
    assert "both given; give one" in capsys.readouterr().err


@pytest.mark.parametrize("net, content, said", [
    ("mlp", HEAD + "1,2,0\n1,x,1\n", "bad.csv line 3: 'x' in column x2 is not a number"),
    ("lstm", "t0,t1,label\n1,2,a\n1,2,b\n1,2\n", "bad.csv line 4: 2 values; expected 3"),
])
def test_from_the_command_line_too(tmp_path, net, content, said):
    path = files.write(tmp_path / "bad.csv", content)
    for mode in ([], ["--headless"]):   # the app reads the file before its screen opens
        done = subprocess.run([sys.executable, "-m", "dlsim", "run", net, "--data", str(path), *mode],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.startswith("dlsim: error: ") and said in done.stderr and done.stderr.count("\n") == 1


def test_an_empty_path_is_refused_not_read_as_the_working_folder(capsys):
    assert main(["run", "cnn", "--data", "", "--headless", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dlsim: error: the data: an empty path") and err.count("\n") == 1, err


def test_a_pipe_named_like_a_data_file_is_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "lines.txt")   # reading it would wait for a writer forever
    done = subprocess.run([sys.executable, "-m", "dlsim", "run", "rnn", "--data", str(tmp_path / "lines.txt"),
                           "--headless"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("dlsim: error: lines.txt: not a regular file (a pipe"), done.stderr


def test_values_spanning_the_whole_float_range_are_scaled_not_overflowed(tmp_path):
    path = files.write(tmp_path / "far.csv", HEAD + "".join(f"{(-1) ** i * 1e308},{i},{i % 2}\n" for i in range(8)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # an overflow on the way is a warning
        data = dlsim.sim.own_data.read("mlp", str(path))
    assert sorted(set(data.X[:, 0])) == [-1.0, 1.0]   # −1e308 and 1e308 at the square's edges, not all 0


def test_a_png_whose_data_inflates_to_gigabytes_is_read_without_them(tmp_path):
    import tracemalloc
    import zlib
    from dlsim.protocol.own_data import png
    files.write_png(tmp_path / "a.png", np.zeros((8, 8), np.uint8))
    good = (tmp_path / "a.png").read_bytes()
    start = good.index(b"IDAT") - 4
    body = zlib.compress(bytes(256 << 20), 9)   # 256 MB of zeros behind an 8×8 header
    chunk = len(body).to_bytes(4, "big") + b"IDAT" + body + zlib.crc32(b"IDAT" + body).to_bytes(4, "big")
    (tmp_path / "b.png").write_bytes(good[:start] + chunk + b"\0\0\0\0IEND\xaeB`\x82")
    tracemalloc.start()
    image = png.read(tmp_path / "b.png", "b.png")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert image.shape == (1, 8, 8) and peak < 16 << 20, peak


def test_an_image_that_may_not_be_read_is_one_line_naming_it(tmp_path, capsys, monkeypatch):
    """chmod 000 on one PNG (root reads it anyway, so the refusal of the open is what is imitated)."""
    from dlsim.protocol.own_data import png
    root, real = files.png_folder(tmp_path), png.read

    def locked(path, *where):
        if path.name == "3.png":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *where)
    monkeypatch.setattr(png, "read", locked)
    assert main(["run", "cnn", "--data", str(root), "--headless", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dlsim: error: bars ") and "/3.png: cannot be read (permission denied)" in err, err
    assert err.count("\n") == 1


def test_a_file_that_disappears_while_it_is_read_is_one_line(tmp_path, capsys, monkeypatch):
    from dlsim.protocol.own_data import table
    path = files.points_csv(tmp_path)

    def gone(*args, **kwargs):   # removed between the check that it exists and the reading
        raise FileNotFoundError(2, "No such file or directory", str(path))
    monkeypatch.setattr(table, "read", gone)
    assert main(["run", "mlp", "--data", str(path), "--headless", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err == "dlsim: error: points.csv: cannot be read (No such file or directory); expected .csv (with a " \
        "header), .npy, .npz, .txt, or a folder of PNGs\n", err


def _digest(path):
    if path.is_dir():
        return sorted((str(p), p.read_bytes()) for p in path.rglob("*") if p.is_file())
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_folder_of_one_class_is_refused_for_that_not_for_the_batch(tmp_path):
    """Five images of one class: the one-class message, not the batch size measured against them."""
    folder = tmp_path / "single" / "only"
    folder.mkdir(parents=True)
    for i in range(5):
        files.write_png(folder / f"{i}.png", np.full((8, 8), 40 * i, np.uint8))
    with pytest.raises(UserError, match="every sample has the one class only") as refused:
        dlsim.make("cnn", data=str(tmp_path / "single"))
    assert "\n" not in str(refused.value)
