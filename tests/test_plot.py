"""Curves as text, as a learner over SSH or a CI log reads them: `dlsim run … --headless --plot` and
`dlsim plot TRACE.jsonl` draw every chart the network declares, with axes, readable without colour;
a file that is not a trace is refused in one line that names the line."""
import os
import subprocess
import sys

import pytest

from dlsim.cli import main
from dlsim.console.plot import plot_history
from dlsim.models import MODELS
from dlsim.sim.simulator import Simulator

ESC = "\x1b"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def history_of(name: str, epochs: int = 12) -> list[dict]:
    sim = Simulator(name, seed=0)
    sim.train(epochs=epochs)
    return sim.history


def test_every_chart_the_network_declares_with_axes_and_legend():
    text = plot_history(history_of("mlp"), MODELS["mlp"].metrics, title="mlp on xor", width=80, height=40, colour=False)
    assert "mlp on xor: loss" in text and "mlp on xor: accuracy" in text
    assert "train loss" in text and "test loss" in text and "train acc" in text
    assert "┤" in text and "└" in text and "epoch" in text       # the y ticks, the corner, the x label
    assert ESC not in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_train_and_test_differ_without_colour():
    text = plot_history(history_of("mlp"), MODELS["mlp"].metrics, width=80, height=40, colour=False)
    assert "▞▞ train loss" in text and "·· test loss" in text   # the legend's markers …
    curve = "\n".join(line for line in text.splitlines() if "┤" in line or "│" in line)
    assert "·" in curve                                        # … and the test curve drawn with its own


def test_colour_only_when_asked():
    history = history_of("perceptron")
    assert ESC in plot_history(history, MODELS["perceptron"].metrics, width=60, height=30, colour=True)
    assert ESC not in plot_history(history, MODELS["perceptron"].metrics, width=60, height=30, colour=False)


def test_a_gan_plots_by_iteration_and_a_regression_skips_accuracy():
    gan = plot_history(history_of("gan", 30), MODELS["gan"].metrics, unit="iteration", width=80, height=40, colour=False)
    assert "D loss" in gan and "G loss" in gan and "iteration" in gan
    rnn = plot_history(history_of("rnn", 3), MODELS["rnn"].metrics, width=80, height=40, colour=False)
    assert "train loss" in rnn and "accuracy" not in rnn      # sine regression: no accuracy measured


class Terminal:
    """stdout as a terminal: sizes come from COLUMNS and LINES."""
    def isatty(self):
        return True


def test_sized_to_the_terminal_and_no_colour_with_NO_COLOR(monkeypatch):
    history = history_of("mlp")
    monkeypatch.setattr("sys.stdout", Terminal())
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("LINES", "40")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    text = plot_history(history, MODELS["mlp"].metrics)
    lines = text.splitlines()
    assert ESC in text                                            # a terminal: in colour
    assert max(len(line) for line in map(plotext_plain, lines)) == 100
    assert len(lines) <= 40 - 2 + 1                              # the screen, less the prompt's lines
    monkeypatch.setenv("NO_COLOR", "1")
    assert ESC not in plot_history(history, MODELS["mlp"].metrics)


def plotext_plain(line: str) -> str:
    import plotext
    return plotext.uncolorize(line)


def test_nothing_to_plot_is_one_line():
    assert plot_history([], MODELS["mlp"].metrics, title="mlp on xor") == \
        "mlp on xor: no finished epoch with a measured value to plot"


def test_values_that_are_not_finite_are_left_out():
    history = [{"epoch": 1, "loss": 0.5}, {"epoch": 2, "loss": float("inf")}, {"epoch": 3, "loss": 0.25}]
    text = plot_history(history, None, width=60, height=20, colour=False)
    assert "loss" in text and "┤" in text


def dlsim(*argv, env=None):
    """The command in a child process, its output a pipe (not a terminal), as in a CI log."""
    run_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    run_env.pop("COLUMNS", None), run_env.pop("LINES", None)
    return subprocess.run([sys.executable, "-m", "dlsim", *argv], capture_output=True, text=True,
                          cwd=ROOT, env=run_env, timeout=300)


def test_headless_plot_in_a_ci_log():
    done = dlsim("run", "mlp", "--headless", "--epochs", "20", "--plot")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("mlp on xor: 20 epochs")
    assert "mlp on xor: loss" in done.stdout and "┤" in done.stdout and "epoch" in done.stdout
    assert ESC not in done.stdout
    assert max(len(line) for line in lines) <= 80      # not a terminal: 80 columns


def trace(tmp_path, name="mlp", epochs=5) -> str:
    path = str(tmp_path / "t.jsonl")
    assert main(["run", name, "--headless", "--epochs", str(epochs), "--trace", path]) == 0
    return path


def test_dlsim_plot_draws_a_trace(capsys, tmp_path):
    path = trace(tmp_path)
    capsys.readouterr()
    assert main(["plot", path]) == 0
    out = capsys.readouterr().out
    assert "mlp on xor: loss" in out and "train loss" in out and "┤" in out


def lines_of(path, lines):
    with open(path, "wb") as stream:
        stream.writelines(lines)


@pytest.mark.parametrize("damage, says", [
    (lambda lines: lines[:3] + [lines[3][:25]], "line 4: not JSON (the file ends in the middle of a line)"),
    (lambda lines: lines[:2] + [b"garbage\n"] + lines[2:], "line 3: not JSON"),
    (lambda lines: lines[:2] + [b"[1, 2]\n"], "line 3: not a trace record"),
    (lambda lines: [b"epoch,loss\n", b"1,0.5\n"], "line 1: not JSON"),
    (lambda lines: lines[1:], "line 1: not a dlsim trace"),
    (lambda lines: lines[:1] + [b"\xff\xfe\n"], "line 2: not UTF-8"),
    (lambda lines: [lines[0].replace(b'"schema": 1', b'"schema": 99')], "line 1: trace schema 99"),
    (lambda lines: [], "is empty"),
    (lambda lines: lines[:1] + [b"[" * 100_000 + b"]" * 100_000 + b"\n"], "line 2: not a trace record (JSON nested"),
])
def test_dlsim_plot_refuses_a_corrupt_trace_naming_the_line(capsys, tmp_path, damage, says):
    path = trace(tmp_path)
    with open(path, "rb") as stream:
        lines = stream.readlines()
    lines_of(path, damage(lines))
    capsys.readouterr()
    assert main(["plot", path]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith(f"dlsim: error: {path}") and says in err


def test_dlsim_plot_a_missing_file(capsys, tmp_path):
    assert main(["plot", str(tmp_path / "none.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read" in err


def test_dlsim_plot_draws_a_saved_session_and_refuses_a_damaged_one(capsys, tmp_path):
    sim = Simulator("mlp", dataset="xor")
    sim.train(epochs=5)
    path = str(tmp_path / "s.dlsim")
    sim.save(path)
    capsys.readouterr()
    assert main(["plot", path]) == 0
    out = capsys.readouterr().out
    assert "mlp on xor: loss" in out and "epoch" in out and "┤" in out
    with open(path, "r+b") as stream:   # cut short
        stream.truncate(40)
    assert main(["plot", path]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and path in err
