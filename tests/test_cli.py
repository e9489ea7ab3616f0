"""The `dlsim` command as a user meets it: help, list, headless runs, traces, and every bad input."""
import json
import os
import subprocess
import sys

import pytest

from dlsim.version import __version__
from dlsim.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "--headless" in capsys.readouterr().out


def test_list_shows_models_datasets_and_defaults(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0
    for word in ("perceptron", "mlp", "spiral", "moons", "hidden", "16,16", "adam", "blobs"):
        assert word in out


def test_headless_mlp_prints_a_summary(capsys):
    code, out, _ = run(capsys, "run", "mlp", "--headless", "--dataset", "gaussian", "--epochs", "30",
                       "--set", "hidden=8", "--set", "lr=0.5")
    assert code == 0
    assert "mlp on gaussian: 30 epochs" in out
    accuracy = float(out.split("train accuracy ")[1].split(",")[0])
    assert accuracy > 0.9  # two well-separated blobs are learnt in 30 full-batch steps


def test_perceptron_xor_reports_no_convergence_and_stops(capsys):
    code, out, _ = run(capsys, "run", "perceptron", "--headless", "--dataset", "xor", "--epochs", "50")
    assert code == 0
    assert "did not converge after 50 epochs" in out


@pytest.mark.parametrize("dataset", ["and", "or", "blobs"])
def test_perceptron_stopped_early_on_separable_data_suggests_more_epochs(capsys, dataset):
    code, out, _ = run(capsys, "run", "perceptron", "--headless", "--dataset", dataset, "--epochs", "1",
                       "--set", "noise=0", "--set", "init=random")
    assert code == 0
    assert "did not converge after 1 epoch " in out and "give it more epochs" in out
    assert "no straight line" not in out


def test_perceptron_says_no_line_separates_only_when_none_does():
    import dlsim
    assert [dlsim.make("perceptron", dataset=d).model.separable() for d in ("and", "or", "xor")] == \
        [True, True, False]


def test_a_step_count_reports_what_happened(capsys):
    code, out, _ = run(capsys, "run", "mlp", "--headless", "--steps", "1")
    assert code == 0 and out.startswith("mlp on xor: 1 epoch, 1 step in")   # the full batch closed it
    code, out, _ = run(capsys, "run", "mlp", "--headless", "--steps", "6", "--set", "batch=64")
    assert "1 epoch, 6 steps (epoch 2 not finished: 2 of 4 updates)" in out
    code, out, _ = run(capsys, "run", "perceptron", "--headless", "--steps", "1")
    assert "0 epochs, 1 step (epoch 1 not finished: 1 of 4 updates)" in out


def test_perceptron_and_converges(capsys):
    code, out, _ = run(capsys, "run", "perceptron", "--headless", "--dataset", "and")
    assert code == 0 and "converged after" in out


def test_trace_is_byte_identical_and_documented_shape(tmp_path, capsys):
    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    for path in paths:
        code, _, _ = run(capsys, "run", "mlp", "--headless", "--epochs", "3", "--seed", "4",
                         "--set", "batch=64", "--set", "hidden=4", "--trace", str(path))
        assert code == 0
    assert paths[0].read_bytes() == paths[1].read_bytes()
    records = [json.loads(line) for line in paths[0].read_text().splitlines()]
    assert records[0]["type"] == "header" and records[0]["config"]["seed"] == 4
    assert records[-1]["type"] == "summary" and records[-1]["epochs"] == 3
    batches = [r for r in records if r.get("op") == "batch"]
    assert len(batches) == 3 * 4  # 256 samples / 64 per batch, 3 epochs
    assert set(batches[0]["values"]["params"]) == {"layer[0].W", "layer[0].b", "layer[1].W", "layer[1].b"}
    assert len(batches[0]["values"]["grads"]["layer[0].W"]) == 2  # (2, 4) nested lists
    assert [r["values"]["epoch"] for r in records if r.get("op") == "epoch"] == [1, 2, 3]


def test_different_seed_gives_a_different_trace(tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run(capsys, "run", "perceptron", "--headless", "--dataset", "blobs", "--seed", "1", "--trace", str(a))
    run(capsys, "run", "perceptron", "--headless", "--dataset", "blobs", "--seed", "2", "--trace", str(b))
    assert a.read_bytes() != b.read_bytes()


def test_op_level_trace_holds_every_weighted_sum(tmp_path, capsys):
    path = tmp_path / "ops.jsonl"
    code, _, _ = run(capsys, "run", "perceptron", "--headless", "--dataset", "and", "--epochs", "1",
                     "--trace", str(path), "--trace-level", "op")
    assert code == 0
    ops = [json.loads(line) for line in path.read_text().splitlines()[1:-1]]
    sums = [r for r in ops if r["op"] == "weighted_sum"]
    assert len(sums) == 4 and sums[0]["phase"] == "forward"
    assert sums[0]["values"]["z"] == 0.0  # zero weights: z = 0·x + 0


@pytest.mark.parametrize("argv, words", [
    (["run", "foo", "--headless"], ["unknown model 'foo'", "perceptron, mlp"]),
    (["run", "mlp", "--headless", "--dataset", "spirall"], ["'spirall'", "did you mean 'spiral'"]),
    (["run", "mlp", "--headless", "--set", "lrr=1"], ["unknown option", "did you mean 'lr'"]),
    (["run", "mlp", "--headless", "--set", "lr=abc"], ["option 'lr'", "a number > 0"]),
    (["run", "mlp", "--headless", "--set", "lr=-1"], ["option 'lr'", "a number > 0"]),
    (["run", "mlp", "--headless", "--set", "hidden=4,0"], ["option 'hidden'", "each from 1"]),
    (["run", "mlp", "--headless", "--set", "activation=sigmoidd"], ["did you mean 'sigmoid'"]),
    (["run", "mlp", "--headless", "--set", "batch=5000"], ["larger than the 256 training samples"]),
    (["run", "mlp", "--headless", "--trace", "/nonexistent-dir/t.jsonl"], ["cannot write trace file"]),
    (["run", "mlp", "--headless", "--epochs", "0"], ["--epochs must be"]),
    (["run", "mlp", "--headless", "--epochs", "x"], ["invalid int value"]),
    (["run", "mlp", "--headless", "--set", "lr"], ["expected key=value"]),
    (["run", "mlp", "--headless", "--set", "lr=0.1", "--set", "lr=0.2"], ["--set lr is given twice (0.1, 0.2)"]),
    (["run", "mlp", "--headless", "--set", "lr=0.1", "hidden=8"],
     ["unrecognized arguments: hidden=8", "each --set takes one key=value: --set hidden=8"]),
    (["run", "mlp", "--headless", "--trace-level", "layer"], ["--trace-level"]),
    (["run", "perceptron", "--headless", "--dataset", "spiral"], ["and, or, xor, blobs"]),
    (["run", "mlp", "--trace", "x.jsonl"], ["need --headless"]),
    (["bogus"], ["invalid choice"]),
    (["run", "mlp", "--headless", "--bogus"], ["unrecognized arguments: --bogus", "see 'dlsim run --help'"]),
    (["run", "mlp", "--trace-level", "op"], ["--trace-level needs --trace"]),
    (["run", "mlp", "--headless", "--trace-level", "epoch"], ["--trace-level needs --trace"]),
    (["run", "mlp", "--trace-level", "layer"], ["--trace-level 'layer' is not allowed", "op, batch, epoch"]),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dlsim: error: ")
    for word in words:
        assert word in lines[0]


def test_real_command_exit_code_and_no_traceback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "dlsim", "run", "mlp", "--headless", "--set", "lr=-2"],
                            capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "option 'lr'" in result.stderr


def test_headless_says_when_a_huge_learning_rate_breaks_training(capsys):
    code, out, _ = run(capsys, "run", "mlp", "--headless", "--set", "lr=50", "--epochs", "20")
    assert code == 0
    assert "diverged: at epoch" in out and "exploded" in out
    code, out, _ = run(capsys, "run", "mlp", "--headless", "--set", "lr=0.3", "--epochs", "20")
    assert "diverged" not in out


def test_the_app_without_a_terminal_says_so_instead_of_hanging():
    result = subprocess.run([sys.executable, "-m", "dlsim", "run", "mlp"], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert result.returncode == 2
    assert "needs an interactive terminal" in result.stderr and "--headless" in result.stderr


def test_seed_and_dataset_can_also_be_given_with_set(capsys, tmp_path):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run(capsys, "run", "mlp", "--headless", "--epochs", "2", "--set", "seed=5", "--trace", str(a))[0] == 0
    assert run(capsys, "run", "mlp", "--headless", "--epochs", "2", "--seed", "5", "--trace", str(b))[0] == 0
    assert a.read_bytes() == b.read_bytes()
    code, _, err = run(capsys, "run", "mlp", "--headless", "--dataset", "moons", "--set", "dataset=circle")
    assert code == 2 and "disagree" in err


def test_epoch_level_trace_holds_only_epochs(tmp_path, capsys):
    path = tmp_path / "e.jsonl"
    run(capsys, "run", "mlp", "--headless", "--epochs", "3", "--trace", str(path), "--trace-level", "epoch")
    ops = [json.loads(line)["op"] for line in path.read_text().splitlines()[1:-1]]
    assert ops == ["epoch", "epoch", "epoch"]
