"""The app's warm-up runs the fused path of every network: before, its one run chunk came after a
step back into an epoch, so it only finished that epoch op by op, and the first press of space or
f compiled the fused kernel in the app (seconds with the UI stalled)."""
import subprocess
import sys

CHECK = """
from dlsim.kernels import mlp, som
from dlsim.tui import warmup
warmup.exercise("mlp")
warmup.exercise("som")
print(len(mlp.train_epochs.signatures), len(som.train_epochs.signatures))
"""


def test_the_warm_up_runs_the_fused_path():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    mlp_fused, som_fused = map(int, out.stdout.split()[-2:])
    assert mlp_fused >= 1 and som_fused >= 1
