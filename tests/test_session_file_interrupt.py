"""Ctrl+C during `dlsim run … --save FILE` still saves the session, whole: the file opens at the very
state a run from scratch reaches at the same cursor, wherever between two events the signal fell."""
import signal
import time

import numpy as np

import dlsim

from test_interrupt import start, stopped, wait_for

CONFIG = dict(dataset="circle", samples=4000, test=10, hidden=(16, 16), batch=4, seed=1)


def test_ctrl_c_saves_a_whole_session(tmp_path):
    trace, saved = tmp_path / "t.jsonl", tmp_path / "s.dlsim"
    sets = [a for k, v in CONFIG.items() if k != "seed"
            for a in ("--set", f"{k}={','.join(map(str, v)) if isinstance(v, tuple) else v}")]
    proc = start(["run", "mlp", *sets, "--seed", "1", "--headless", "--epochs", "100000",
                  "--trace", str(trace), "--trace-level", "epoch", "--save", str(saved)])
    wait_for(proc, lambda: trace.exists() and trace.read_bytes().endswith(b"\n"))   # the header: training began
    time.sleep(1.5)   # some epochs in
    out, err = stopped(proc, signal.SIGINT)
    assert f"session saved to {saved}" in err
    opened = dlsim.open(saved)
    assert opened.epoch >= 1
    fresh = dlsim.make("mlp", **CONFIG)
    fresh.seek(opened.cursor)
    for name, value in fresh.params.items():
        assert np.array_equal(opened.params[name], value), name
    assert opened.history == fresh.history
