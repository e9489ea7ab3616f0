"""Every bad session file is refused in one line naming the file and what is wrong (exit 2 from the
command line), nothing is unpickled, and nothing already saved is overwritten without asking."""
import io
import json
import os
import zipfile

import numpy as np
import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    sim = dlsim.make("mlp", seed=1, samples=16, test=4, hidden=(3,), batch=4)
    sim.train(epochs=1)
    return sim.save(tmp_path_factory.mktemp("saved") / "good.dlsim")


def refused(path, *words) -> str:
    with pytest.raises(UserError) as error:
        dlsim.open(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for word in words:
        assert word in message
    return message


def rewritten(saved, path, change) -> str:
    """A copy of the saved session with `change(name, bytes) -> bytes | None` (None drops the entry)."""
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(path, "w") as dst:
        for name in src.namelist():
            data = change(name, src.read(name))
            if data is not None:
                dst.writestr(name, data)
    return str(path)


def npy(array) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array(out, array, allow_pickle=True)
    return out.getvalue()


def with_json(edit):
    def change(name, data):
        if name != "session.json":
            return data
        document = json.loads(data)
        edit(document)
        return json.dumps(document).encode()
    return change


def test_a_good_file_opens(saved):
    assert dlsim.open(saved).epoch == 1


def test_truncated_random_and_missing_files_are_refused(saved, tmp_path):
    data = open(saved, "rb").read()
    for cut in (len(data) // 2, len(data) - 30, 10):
        short = tmp_path / f"cut{cut}.dlsim"
        short.write_bytes(data[:cut])
        refused(short, "not a dlsim session")
    noise = tmp_path / "noise.dlsim"
    noise.write_bytes(np.random.default_rng(0).bytes(4000))
    refused(noise, "not a zip file")
    refused(tmp_path / "absent.dlsim", "no such file")
    refused(tmp_path, "folder")


def test_a_zip_without_session_json_is_not_a_session(saved, tmp_path):
    path = rewritten(saved, tmp_path / "nojson.dlsim", lambda n, d: None if n == "session.json" else d)
    refused(path, "no session.json")
    other = tmp_path / "other.npz"
    np.savez(other, a=np.arange(3))
    refused(other, "no session.json")


def test_a_newer_schema_or_a_foreign_json_is_refused(saved, tmp_path):
    newer = rewritten(saved, tmp_path / "newer.dlsim", with_json(lambda d: d.update(schema=99)))
    refused(newer, "newer dlsim", "schema 99", "upgrade")
    odd = rewritten(saved, tmp_path / "odd.dlsim", with_json(lambda d: d.update(schema="one")))
    refused(odd, "schema")
    foreign = rewritten(saved, tmp_path / "foreign.dlsim", with_json(lambda d: d.update(format="other")))
    refused(foreign, "not a dlsim session")
    broken = rewritten(saved, tmp_path / "broken.dlsim", lambda n, d: d[:40] if n == "session.json" else d)
    refused(broken, "not valid JSON")
    network = rewritten(saved, tmp_path / "net.dlsim", with_json(lambda d: d.update(network="hopfield")))
    refused(network, "'hopfield'")
    option = rewritten(saved, tmp_path / "opt.dlsim", with_json(lambda d: d["config"].update(lr=-1)))
    refused(option, "lr")


def test_arrays_of_the_wrong_shape_are_refused_before_a_kernel_sees_them(saved, tmp_path):
    short = rewritten(saved, tmp_path / "theta.dlsim",
                      lambda n, d: npy(np.zeros(5)) if n == "state.theta.npy" else d)
    refused(short, "state.theta", "shape (5,)")
    labels = rewritten(saved, tmp_path / "labels.dlsim",
                       lambda n, d: npy(np.zeros(3, np.int64)) if n == "data.y.npy" else d)
    refused(labels, "data")
    missing = rewritten(saved, tmp_path / "missing.dlsim", lambda n, d: None if n == "state.m.npy" else d)
    refused(missing, "damaged")


def test_counts_and_sizes_that_do_not_fit_the_options_are_refused(saved, tmp_path):
    def state(**change):
        return with_json(lambda d: d["state"].update(change))
    refused(rewritten(saved, tmp_path / "neg.dlsim", state(sample=-1)), "'sample'", "not a count")
    refused(rewritten(saved, tmp_path / "str.dlsim", state(epoch="1")), "'epoch'", "not a count")
    # beyond 64 bits: the compiled batch could not take it (a Numba typing traceback)
    refused(rewritten(saved, tmp_path / "huge.dlsim", state(steps=10**20)), "'steps'", "not a count")
    refused(rewritten(saved, tmp_path / "far.dlsim", state(batch_index=99)), "no state of this run")
    sizes = with_json(lambda d: d["state"]["config"].update(hidden={"$tuple": [30]}))
    refused(rewritten(saved, tmp_path / "sizes.dlsim", sizes), "hidden=(30,)")


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(dataset=3), ["damaged", "data's description"]),
    (lambda d: d.update(last=4), ["damaged", "not events"]),
    (lambda d: d.update(trace=[1, 2]), ["damaged", "not events"]),
    (lambda d: d["state"]["config"].update(lr=[1, 2]), ["option 'lr'"]),
    (lambda d: d["state"]["config"].update(lr=-0.5), ["option 'lr'"]),
    (lambda d: d["state"].update(batch_loss=None), ["'batch_loss' is None, not a number"]),
    (lambda d: d["history"][0].update(loss="x"), ["damaged", "table of numbers"]),
], ids=["dataset-a-number", "last-a-number", "trace-of-numbers", "live-lr-a-list", "live-lr-negative",
        "running-loss-none", "history-loss-a-word"])
def test_parts_of_another_type_are_refused_in_one_line(saved, tmp_path, change, words):
    """Found by mutating saved sessions: a number where the data's description, the last event or the
    sample's events belong ended in an AttributeError traceback; a live option (lr, changed while it
    ran) of another type or range, a running loss that is not a number or a history entry holding a word
    opened, and the first epoch then failed inside the optimizer, the batch or the watchdog."""
    refused(rewritten(saved, tmp_path / "typed.dlsim", with_json(change)), *words)


def test_a_pickle_inside_is_refused_never_loaded(saved, tmp_path):
    path = rewritten(saved, tmp_path / "pickle.dlsim",
                     lambda n, d: npy(np.array([{"x": 1}], dtype=object)) if n == "state.theta.npy" else d)
    refused(path, "state.theta", "cannot be read")


def test_nothing_is_overwritten_without_asking(saved, tmp_path):
    sim = dlsim.make("perceptron")
    before = open(saved, "rb").read()
    with pytest.raises(UserError, match="already exists"):
        sim.save(saved)
    assert open(saved, "rb").read() == before
    target = tmp_path / "again.dlsim"
    sim.save(target)
    sim.train(epochs=3)
    sim.save(target, overwrite=True)
    assert dlsim.open(target).epoch == sim.epoch
    assert [p.name for p in tmp_path.iterdir()] == ["again.dlsim"]   # no temporary file left behind
    with pytest.raises(UserError, match="no folder"):
        sim.save(tmp_path / "no" / "such.dlsim")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_saves_opens_and_refuses_in_one_line(tmp_path, capsys):
    path = str(tmp_path / "run.dlsim")
    code, out, err = run(capsys, "run", "mlp:dataset=moons,hidden=4,samples=16,test=4,seed=2", "--headless",
                         "--epochs", "3", "--save", path)
    assert code == 0 and f"saved to {path}" in out
    code, out, err = run(capsys, "run", "mlp", "--headless", "--epochs", "1", "--save", path)
    assert code == 2 and "already exists" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "open", path, "--headless", "--epochs", "2")
    assert code == 0 and "5 epochs" in out
    whole = dlsim.make("mlp", seed=2, dataset="moons", hidden=4, samples=16, test=4)
    whole.train(epochs=3)
    whole.train(epochs=2)
    code, out, err = run(capsys, "open", path, "--headless", "--epochs", "2", "--save", path, "--overwrite")
    assert code == 0
    for name, value in whole.params.items():
        assert np.array_equal(dlsim.open(path).params[name], value)
    bad = tmp_path / "bad.dlsim"
    bad.write_bytes(b"PK\x03\x04 not really")
    code, out, err = run(capsys, "open", str(bad))
    assert code == 2 and err.startswith(f"dlsim: error: {bad}: ") and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "open", path, "--epochs", "2")
    assert code == 2 and "--headless" in err
    assert os.path.exists(path)


def test_damaged_compressed_parts_and_lying_headers_are_one_line(saved, tmp_path):
    """What bit flips and hand-made files do: a member that does not inflate (zlib's error), an
    array header claiming a terabyte (NumPy would allocate it first), JSON nested without end."""
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(tmp_path / "deflated.dlsim", "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, src.read(name))
    data = bytearray((tmp_path / "deflated.dlsim").read_bytes())
    with zipfile.ZipFile(tmp_path / "deflated.dlsim") as zf:   # damage the compressed bytes of session.json
        info = zf.getinfo("session.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start:start + 8] = b"\xff" * 8
    (tmp_path / "flipped.dlsim").write_bytes(bytes(data))
    refused(tmp_path / "flipped.dlsim", "damaged")
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)})
    liar = rewritten(saved, tmp_path / "liar.dlsim", lambda n, d: header.getvalue() + bytes(64) if n == "data.X.npy" else d)
    refused(liar, "array 'data.X' is damaged", "(1000000, 1000000)")
    deep = rewritten(saved, tmp_path / "deep.dlsim", lambda n, d: b"[" * 100_000 + b"]" * 100_000 if n == "session.json" else d)
    refused(deep, "nested too deep")


def test_a_pipe_is_refused_not_waited_on(tmp_path):
    import subprocess
    import sys
    os.mkfifo(tmp_path / "pipe.dlsim")
    for command in (["open", "--headless"], ["plot"]):
        done = subprocess.run([sys.executable, "-m", "dlsim", command[0], str(tmp_path / "pipe.dlsim"), *command[1:]],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a regular file" in done.stderr


def test_parts_that_unpack_beyond_the_memory_budget_are_refused_first(saved, tmp_path, monkeypatch):
    monkeypatch.setenv("DLSIM_MEMORY_BUDGET", "1M")
    big = rewritten(saved, tmp_path / "big.dlsim", lambda n, d: d + b" " * (2 << 20) if n == "session.json" else d)
    refused(big, "unpack to 2.1 MB, more than the 1.0 MB memory budget")


def test_a_folder_that_cannot_be_written_is_one_line(saved, capsys):
    sim = dlsim.open(saved)
    with pytest.raises(UserError) as error:
        sim.save("/proc/run.dlsim")   # no file can be made there, even by root
    assert str(error.value).startswith("/proc/run.dlsim: cannot be written") and "\n" not in str(error.value)


def test_opening_says_how_far_in_the_status_lines_counting(tmp_path, capsys):
    """The number rule: counts with thousands separators, never the cursor's raw fields."""
    sim = dlsim.make("mlp", samples=16, test=4, hidden=(3,))
    sim.train(epochs=1200)
    path = sim.save(tmp_path / "long.dlsim")
    assert main(["open", str(path), "--headless", "--epochs", "1"]) == 0
    err = capsys.readouterr().err
    assert ", 1,200 epochs done" in err and "batch 0" not in err, err
