"""Ctrl+C (SIGINT) and SIGTERM stop a headless run of any network, however long its epochs: exit
130, one line saying so (never a traceback), and a trace that is valid JSON Lines ending with a record
that says it was interrupted. Each run is made slow on purpose (many samples, large sizes) and given
the signal once it is training; nothing here times how fast it stopped, only that it did, and how."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# an epoch of each takes seconds (minutes for some) on the compiled path; starting takes little
SLOW = {
    "perceptron": ["--set", "dataset=blobs", "--set", "samples=100000", "--set", "test=10", "--epochs", "100000"],
    "mlp": ["--set", "dataset=circle", "--set", "samples=20000", "--set", "test=10", "--set", "hidden=64,64",
            "--set", "batch=16"],
    "som": ["--set", "rows=50", "--set", "cols=50", "--set", "samples=20000"],
    "cnn": ["--set", "dataset=shapes", "--set", "image=16", "--set", "kernels=16", "--set", "samples=2000",
            "--set", "test=10"],
    "rnn": ["--set", "dataset=sine", "--set", "samples=2000", "--set", "length=50", "--set", "hidden=32",
            "--set", "test=10"],
    "lstm": ["--set", "dataset=sine", "--set", "samples=2000", "--set", "length=50", "--set", "hidden=32",
             "--set", "test=10"],
    "gan": ["--set", "k=100", "--set", "batch=10000", "--set", "samples=10000"],
}
PATIENCE = 300   # seconds to wait for a cold kernel cache to compile before training starts


def start(args: list[str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "dlsim", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(proc: subprocess.Popen, ready) -> None:
    deadline = time.monotonic() + PATIENCE
    while not ready():
        assert proc.poll() is None, f"it ended before training: {proc.communicate()}"
        assert time.monotonic() < deadline, "training never started"
        time.sleep(0.05)


def stopped(proc: subprocess.Popen, sig: int) -> tuple[str, str]:
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("it did not stop")
    assert "Traceback" not in out + err, err
    assert proc.returncode == 130, (proc.returncode, err)
    said = [line for line in err.splitlines() if "interrupted" in line]
    assert len(said) == 1 and said[0].startswith("dlsim: interrupted"), err
    return out, err


def records(trace: Path) -> list[dict]:
    lines = trace.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]    # every line whole


@pytest.mark.parametrize("name", SLOW)
def test_ctrl_c_stops_a_traced_run_with_a_whole_trace(name, tmp_path):
    trace = tmp_path / "t.jsonl"
    proc = start(["run", name, *SLOW[name], "--headless", "--trace", str(trace), "--trace-level", "epoch"])
    wait_for(proc, lambda: trace.exists() and trace.read_bytes().endswith(b"\n"))   # the header: training began
    stopped(proc, signal.SIGINT)
    lines = records(trace)
    assert lines[0]["type"] == "header" and lines[0]["model"] == name
    assert lines[-1]["type"] == "interrupted"
    assert all(line["type"] == "event" for line in lines[1:-1])
    assert "summary" not in {line["type"] for line in lines}


@pytest.mark.parametrize("name,sig", [("mlp", signal.SIGINT), ("som", signal.SIGTERM), ("gan", signal.SIGINT)])
def test_a_signal_inside_a_long_fused_epoch_stops_it(name, sig):
    """No trace: whole epochs on the fused path, each too long for one compiled call."""
    proc = start(["run", name, *SLOW[name], "--headless"])
    progress = []

    def training() -> bool:   # the first progress line: a few seconds into the first epoch
        line = proc.stderr.readline()
        progress.append(line)
        return "of the next" in line or "s/" in line
    wait_for(proc, training)
    out, err = stopped(proc, sig)
    assert out == ""    # no summary: the run did not finish
    assert "interrupted after" in err


def test_a_signal_while_the_kernels_load_stops_at_once(tmp_path):
    """Numba is imported in the loading thread: the signal arrives there, and the main thread,
    waiting for it, stops the run (the trace has its header and the interrupted record)."""
    trace = tmp_path / "t.jsonl"
    proc = signal_on_import("numba", ["run", "lstm", "--headless", "--trace", str(trace)])
    assert proc.returncode == 130 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("dlsim: interrupted before training began")
    assert [line["type"] for line in records(trace)] == ["header", "interrupted"]


@pytest.mark.parametrize("module", ["argparse", "numpy"])
def test_ctrl_c_while_the_command_starts_is_one_line(module):
    """argparse: while the command's own module is imported, before main runs; numpy: in main."""
    proc = signal_on_import(module, ["list"])
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "dlsim: interrupted\n" and proc.stdout == ""


def signal_on_import(module: str, argv: list[str]) -> subprocess.CompletedProcess:
    """Run the `dlsim` command with SIGINT sent to itself the moment `module` is first imported."""
    code = f"""
import os, signal, sys
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.argv = ["dlsim", *{argv!r}]   # as the `dlsim` command has it
sys.meta_path.insert(0, Hook())
from dlsim.cli import main
sys.exit(main())
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=PATIENCE)
