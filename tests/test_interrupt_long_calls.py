"""Ctrl+C stops a headless run even inside one long compiled call: a full-batch epoch of a large
network, or the evaluation of a large set. The training runs in a helper thread; the main thread
hears the signal at once, and a helper that has not reached a boundary half a second later is
abandoned: exit 130, one line saying so, and a trace of whole lines ending with its `interrupted`
record. Each configuration is made slow on purpose (its one call takes seconds, longer still with
bounds-checked kernels) and gets the signal as soon as training begins (an evaluation, once its
short training is done): nothing here times how fast it stopped, only that it did, and how. (The
recurrent networks' warm-up trains a scratch copy at full size, twice: theirs are kept smaller.)"""
import signal
import time

import pytest

from tests.test_interrupt import records, start, stopped, wait_for

LONG_CALLS = {   # network, options: the first epoch is one compiled call of seconds, or ends with one
    # (sized for a few seconds each: when a kernel gets faster, its case grows, or Ctrl+C lands after it)
    "mlp-batch": ("mlp", "dataset=circle samples=100000 hidden=256,256 batch=0 test=10"),
    "cnn-batch": ("cnn", "dataset=shapes image=16 kernels=64 padding=same samples=6000 batch=0 test=10"),
    "rnn-batch": ("rnn", "dataset=sine samples=6000 length=50 hidden=64 batch=0 test=10"),
    "lstm-batch": ("lstm", "dataset=sine samples=2000 length=50 hidden=64 batch=0 test=10"),
    "gan-batch": ("gan", "samples=100000 batch=100000 d_hidden=256,256"),
    "ae-batch": ("ae", "dataset=moons samples=20000 encoder=256,256 batch=0 test=10"),
    "vae-batch": ("vae", "dataset=moons loss=mse samples=20000 encoder=256,256 batch=0 test=10"),
    "rbm-batch": ("rbm", "dataset=digits samples=1797 test=0 hidden=2048 k=20 batch=0"),
    "mlp-evaluation": ("mlp", "dataset=circle samples=20 batch=0 test=1000000 hidden=64,64"),
    "cnn-evaluation": ("cnn", "dataset=shapes image=16 kernels=64 padding=same samples=20 batch=0 test=20000"),
    "gan-evaluation": ("gan", "samples=1000000 batch=100 d_hidden=64,64"),
}


@pytest.mark.parametrize("case", LONG_CALLS)
def test_ctrl_c_inside_one_long_compiled_call_ends_the_run(case, tmp_path):
    name, options = LONG_CALLS[case]
    trace = tmp_path / "t.jsonl"
    given = [arg for option in options.split() for arg in ("--set", option)]
    proc = start(["run", name, *given, "--headless", "--trace", str(trace), "--trace-level", "epoch"])
    wait_for(proc, lambda: trace.exists() and trace.read_bytes().endswith(b"\n"))   # the header: training began
    if case.endswith("evaluation"):
        time.sleep(0.3)   # past the first batch (milliseconds), into the evaluation (seconds)
    out, err = stopped(proc, signal.SIGINT)
    assert "interrupted after 0 " in err and "the compiled call running then was abandoned" in err
    lines = records(trace)
    assert [line["type"] for line in lines] == ["header", "interrupted"]
    assert lines[-1]["epochs"] == 0     # where it last stood whole: nothing finished
    assert out == ""


def test_a_run_abandoned_inside_a_call_saves_no_half_updated_session(tmp_path):
    """--save keeps where a stopped run stood; one abandoned inside a compiled call is still
    changing its weights: it says so, and writes no file."""
    trace, saved = tmp_path / "t.jsonl", tmp_path / "s.dlsim"
    given = [arg for option in LONG_CALLS["mlp-batch"][1].split() for arg in ("--set", option)]
    proc = start(["run", "mlp", *given, "--headless", "--trace", str(trace), "--save", str(saved)])
    wait_for(proc, lambda: trace.exists() and trace.read_bytes().endswith(b"\n"))
    out, err = stopped(proc, signal.SIGINT)
    assert "session not saved: it stopped inside a compiled call" in err and not saved.exists()
