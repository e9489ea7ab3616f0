"""`dlsim bench NET`: every network with compiled training has a bench, found by name; an unknown
name is one line naming those that exist."""
import pytest

from dlsim.bench import benches, main
from dlsim.errors import UserError
from dlsim.models import MODELS


def test_every_bench_names_a_network():
    table = benches()
    assert {"mlp", "som", "cnn", "rnn", "lstm"} <= set(table)
    assert all(callable(module.main) for module in table.values())


def test_unknown_bench_names_the_choices():
    with pytest.raises(UserError, match="no bench for 'nope'; choose from: mlp, som"):
        main("nope")


def test_som_bench_prints_its_speed_up(capsys):
    assert "som" in MODELS
    main("som", quick=True)
    out = capsys.readouterr().out
    assert "10×10" in out and "×" in out.splitlines()[-1]
    assert "torch ms/epoch" in out   # PyTorch eager beside NumPy (— where it is not installed)


def test_cpu_time_figures_leave_out_time_the_thread_did_not_run(monkeypatch, capsys):
    """`--cpu-time` times by CPU time, which another process taking the core does not add to: a step
    that sleeps 20 ms costs the wall clock 20 ms and the CPU almost nothing."""
    import time

    from dlsim.bench import timing
    monkeypatch.setattr(timing, "clock", timing.clock)
    monkeypatch.setattr(timing, "pick", timing.pick)
    assert timing.median_us(lambda: time.sleep(0.02), seconds=0, least=3) >= 20_000
    main("som", quick=True, cpu_time=True)
    assert timing.CPU_TIME_NOTE in capsys.readouterr().out
    assert timing.clock is time.perf_counter   # for that call only: the next times as it asks
    timing.use_cpu_time()
    assert timing.median_us(lambda: time.sleep(0.02), seconds=0, least=3) < 5_000


def test_bench_puts_numpy_on_one_thread_as_the_kernels_and_pytorch():
    """NumPy's BLAS reads its thread count when NumPy is first imported: `dlsim bench` sets it to one
    before that, so a ratio never compares one thread with two (and --cpu-time never misses a BLAS
    thread's work). Seen from a fresh process: the variable as it stood when NumPy was imported."""
    import os
    import subprocess
    import sys
    code = """if True:
        import os, sys
        seen = []
        class Spy:
            def find_spec(self, name, path, target=None):
                if name == "numpy" and not seen:
                    seen.append(os.environ.get("OPENBLAS_NUM_THREADS"))
        sys.meta_path.insert(0, Spy())
        from dlsim.cli import main
        main(["bench", "nope"])
        print(seen)"""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.strip() == "['1']", out.stderr[-1000:]
