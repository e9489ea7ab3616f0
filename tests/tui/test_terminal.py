"""The real `dlsim` command in a pseudo-terminal: it shows the home screen and quits on q."""
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from measure_app import Terminal  # noqa: E402  (a tool, not part of the app)


def test_dlsim_command_shows_the_home_screen():
    term = Terminal([sys.executable, "-m", "dlsim"], 100, 30)
    try:
        assert term.wait_for(rb"a deep-learning simulator", timeout=60), term.recent(2000)
        assert term.wait_for(rb"perceptron", timeout=10)
        assert term.frames, "no synchronized frame was drawn"
        term.send("q")
        deadline = time.time() + 10
        while term.proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert term.proc.returncode == 0
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
        term.alive = False


def test_bad_option_is_one_line_and_exit_2():
    import subprocess
    done = subprocess.run([sys.executable, "-m", "dlsim", "run", "mlp", "--set", "lr=-1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "lr" in done.stderr


def test_quitting_while_kernels_compile_does_not_wait_for_them(tmp_path, monkeypatch):
    """The first start compiles for minutes in a worker thread (through a child process): quitting
    then ends the app at once, not when compiling is done (it hung until then)."""
    import os
    import signal
    monkeypatch.setenv("DLSIM_CACHE_DIR", str(tmp_path / "empty-cache"))
    term = Terminal([sys.executable, "-m", "dlsim", "run", "gan"], 100, 30)
    try:
        assert term.wait_for(rb"compiling", timeout=60), term.recent(2000)
        sent = time.time()
        term.send("quit")
        while term.proc.poll() is None and time.time() < sent + 8:
            time.sleep(0.05)
        assert term.proc.returncode == 0, "the app was still running 8 s after the quit key"
    finally:
        if term.proc.poll() is None:
            term.proc.kill()
        try:
            os.killpg(term.proc.pid, signal.SIGKILL)   # the compiling child it left behind
        except ProcessLookupError:
            pass
        term.alive = False


def test_an_idle_worker_is_not_work_left_running():
    import asyncio
    from dlsim.tui.app import _work_left_running
    loop = asyncio.new_event_loop()
    loop.run_until_complete(loop.run_in_executor(None, time.sleep, 0.01))
    assert not _work_left_running(loop)
    busy = asyncio.new_event_loop()
    busy.run_in_executor(None, time.sleep, 2)
    assert _work_left_running(busy, grace=0.1)
