"""Before the tests start: fill the kernel cache (dlsim.kernels.cache) in two processes at once, one
group of networks each, when it is cold. Otherwise every pytest-xdist worker would compile the same
kernels itself the first time a test needs them (about two minutes of compiling, done twice)."""
import subprocess
import sys

GROUPS = (("mlp", "gan", "cnn", "perceptron"), ("rnn", "lstm", "som"))   # ~70 s of compiling each


def pytest_sessionstart(session):
    if hasattr(session.config, "workerinput"):
        return   # a worker: the controller has warmed the cache before starting it
    from dlsim.kernels import cache
    if cache.directory() is None:
        return   # nothing would be kept: each test compiles what it needs
    cold = [[name for name in group if not cache.ready(name)] for group in GROUPS]
    workers = [subprocess.Popen([sys.executable, "-m", "dlsim.sim.warmup", *names],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for names in cold if names]
    for worker in workers:
        worker.wait(timeout=900)
