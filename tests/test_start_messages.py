"""What a headless run says about compiled kernels is true: 'compiling' and the time it took only
when Numba compiled something in this run, never when it loaded the kernels from the cache."""
import subprocess
import sys
import time
from pathlib import Path

import dlsim
from dlsim.cli import main
from dlsim.models.perceptron import Perceptron

COMMAND = ["run", "perceptron", "--headless", "--epochs", "1"]


def test_a_slow_load_from_the_cache_is_not_called_compiling(capsys, monkeypatch):
    dlsim.make("perceptron").train(epochs=1)          # the kernels are loaded (or compiled) now
    warm_up = Perceptron.warm_up
    def slow(self, detail):
        time.sleep(1.2)                               # a busy machine loading the cache
        warm_up(self, detail)
    monkeypatch.setattr(Perceptron, "warm_up", slow)
    assert main(COMMAND) == 0
    out, err = capsys.readouterr()
    assert "compiling" not in out + err and "perceptron on and: 1 epoch" in out


def test_a_cold_cache_says_it_compiles_and_the_next_run_does_not(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DLSIM_CACHE_DIR": str(tmp_path), "PYTHONPATH": str(Path(dlsim.__file__).parent.parent)}
    runs = [subprocess.run([sys.executable, "-m", "dlsim", *COMMAND], env=env, capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0]
    assert "dlsim: compiling the Numba kernels… (first run only" in runs[0].stderr
    assert "s went to compiling the kernels, now cached)" in runs[0].stdout
    assert "compiling" not in runs[1].stdout + runs[1].stderr
