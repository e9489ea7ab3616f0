"""The warm-up runs, on a Simulator alone, every path the app's keys take: before, its one run chunk
came after a step back into an epoch, so it only finished that epoch op by op, and the first press of
space or f compiled the fused kernel in the app (seconds with the UI stalled). It drives no view:
whatever a picture shows, the model's exercise() runs."""
import subprocess
import sys

CHECK = """
import sys
from dlsim.kernels import mlp, som
from dlsim.sim import warmup
warmup.exercise("mlp")
warmup.exercise("som")
print(len(mlp.train_epochs.signatures), len(som.train_epochs.signatures))
print(sorted(name for name in sys.modules if name.startswith(("dlsim.tui", "textual"))))
"""


def test_the_warm_up_runs_the_fused_path_and_no_view():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    fused, loaded = out.stdout.strip().splitlines()[-2:]
    mlp_fused, som_fused = map(int, fused.split())
    assert mlp_fused >= 1 and som_fused >= 1
    assert loaded == "[]"   # neither the app nor any of its views was imported


def test_the_warm_up_child_marks_the_cache_ready(tmp_path):
    """`python -m dlsim.sim.warmup NAME` (what the app and the tests' start run) leaves its marker."""
    import os
    env = {**os.environ, "DLSIM_CACHE_DIR": str(tmp_path)}
    code = "from dlsim.kernels import cache; print(cache.ready('perceptron'))"
    before = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    child = subprocess.run([sys.executable, "-m", "dlsim.sim.warmup", "perceptron"], capture_output=True,
                           text=True, env=env, timeout=600)
    after = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert child.returncode == 0, child.stderr[-2000:]
    assert (before.stdout.strip(), after.stdout.strip()) == ("False", "True")
    assert child.stdout == "stepping perceptron\n"   # said once op-by-op stepping was compiled


def test_op_stepping_is_ready_before_the_rest_on_a_cold_cache(tmp_path):
    """With nothing cached, the app is told it can step op by op while the child still compiles the
    batch and fused paths (the MLP: ~2 s of ~42 s of compiling), not only when all is done."""
    import os
    env = {**os.environ, "DLSIM_CACHE_DIR": str(tmp_path)}
    code = ("from dlsim.sim import warmup\n"
            "told = []\n"
            "assert not warmup.when_stepping('perceptron', lambda: told.append(warmup.is_warm('perceptron')))\n"
            "warmup.warm('perceptron')\n"
            "print(told, warmup.can_step('perceptron'), warmup.when_stepping('perceptron', print))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[False] True True"   # told once, before it was all warm
