"""Sweeps on real Dask clusters: a LocalCluster, and a scheduler and worker started as separate
processes (the --scheduler path). Every run's record must equal the same run made serially, bit
for bit; a worker killed mid-sweep loses no result and repeats none; Ctrl+C and --resume finish a
sweep with every run exactly once."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

import dlsim  # noqa: E402
from dlsim.cli import main  # noqa: E402
from dlsim.sweeps import one_run  # noqa: E402
from dlsim.sweeps.plan import RunSpec  # noqa: E402
from dlsim.sweeps.results import read, spec_key  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
VARIES = ("seconds", "worker")   # where and how long: the only fields a worker may change


def same_as_serial(records: list[dict]) -> None:
    for record in records:
        alone = one_run.run(RunSpec(record["config"], record["epochs_asked"], tuple(record["expect"]), record["lesson"]))
        assert {k: v for k, v in record.items() if k not in VARIES + ("line",)} == \
               {k: v for k, v in alone.items() if k not in VARIES + ("line",)}, record["config"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_a_local_cluster_gives_the_serial_runs_bits(client, tmp_path):
    records = dlsim.sweep("mlp", {"lr": [0.1, 1.0], "hidden": [(4,), (4, 4)]}, seeds=range(2), epochs=40,
                          expect=["train_acc>=0.5"], client=client, out=str(tmp_path / "s.jsonl"))
    assert len(records) == 8 and len({r["config"] for r in records}) == 8
    assert len({r["worker"] for r in records}) >= 1
    assert all(len(r["curves"]["epoch"]) == 40 for r in records)
    same_as_serial(records)
    assert read(tmp_path / "s.jsonl") and len(read(tmp_path / "s.jsonl")) == 8


def test_a_lesson_sweep_grades_by_the_lessons_own_expectations(client):
    records = dlsim.sweep(lesson="perceptron-and", grid={"lr": [0.1, 1.0]}, client=client)
    assert len(records) == 2
    for record in records:
        assert record["lesson"] == "perceptron-and" and record["checks"]
        assert all(c["line"] and c["why"].startswith("perceptron-and.md:") for c in record["checks"])
        assert dlsim.parse_config(record["config"])[1]["dataset"] == "and"   # the lesson's data
    same_as_serial(records)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A scheduler and a worker process (two worker processes under one nanny command) on localhost."""

    def __init__(self):
        port = _free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=str(ROOT))
        self.scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host",
                                           "127.0.0.1", "--port", str(port), "--no-dashboard"], **quiet)
        self.worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                        "--nthreads", "1", "--nworkers", "2", "--no-dashboard"], **quiet)
        with distributed.Client(self.address, timeout=60) as c:   # up, with its workers
            c.wait_for_workers(2, timeout=60)

    def close(self):
        for process in (self.worker, self.scheduler):
            process.kill()
            process.wait(timeout=30)


def test_an_existing_scheduler_and_workers_started_as_processes(tmp_path, capsys):
    cluster = Cluster()
    try:
        out = tmp_path / "s.jsonl"
        code = main(["sweep", "mlp", "--set", "lr=0.1,1", "--seeds", "0-1", "--epochs", "30",
                     "--scheduler", cluster.address, "--out", str(out)])
        assert code == 0, capsys.readouterr()
        records = read(out)
        assert len(records) == 4
        same_as_serial(records)
    finally:
        cluster.close()


def test_a_lost_scheduler_keeps_what_finished_and_resume_ends_it_elsewhere(tmp_path):
    out = tmp_path / "s.jsonl"
    sweep = ["sweep", "mlp", "--set", "lr=0.05,0.1,0.2", "--seeds", "0-3", "--epochs", "600", "--out", str(out)]
    first = Cluster()
    try:
        running = subprocess.Popen([sys.executable, "-m", "dlsim", *sweep, "--scheduler", first.address],
                                   cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while (not out.exists() or not out.read_text()) and time.time() < deadline:
            time.sleep(0.02)
        first.scheduler.kill()   # the cluster goes away in the middle of the sweep
        _, err = running.communicate(timeout=180)
    finally:
        first.close()
    assert running.returncode == 1, err
    assert "did not finish" in err and "--resume" in err and "Traceback" not in err
    kept = read(out)
    assert 1 <= len(kept) < 12
    assert main([*sweep, "--workers", "1", "--resume"]) == 0   # on another cluster: a local one
    after = read(out)
    assert len(after) == 12 and len({spec_key(r) for r in after}) == 12 and after[:len(kept)] == kept


def test_a_worker_killed_mid_sweep_loses_nothing_and_repeats_nothing(tmp_path):
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    out = tmp_path / "s.jsonl"
    grid = {"lr": [0.05, 0.1, 0.2, 0.5]}
    with distributed.Client(cluster) as c:
        result = {}
        sweeping = threading.Thread(target=lambda: result.setdefault("records", dlsim.sweep(
            "mlp", grid, seeds=range(3), epochs=600, client=c, out=str(out))))
        sweeping.start()
        deadline = time.time() + 120
        while (not out.exists() or not out.read_text()) and time.time() < deadline:
            time.sleep(0.02)
        pids = c.run(os.getpid)
        os.kill(next(iter(pids.values())), signal.SIGKILL)   # a worker dies in the middle of its run
        at_kill = len(read(out))
        sweeping.join(timeout=300)
    cluster.close()
    assert 0 < at_kill < 12, "the kill must fall inside the sweep"
    records = read(out)
    assert len(records) == 12 and len({spec_key(r) for r in records}) == 12
    assert {r["config"] for r in result["records"]} == {r["config"] for r in records}
    same_as_serial(records[:4])


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_then_resume_finishes_with_every_run_once(tmp_path, stop):
    out = tmp_path / "s.jsonl"
    argv = [sys.executable, "-m", "dlsim", "sweep", "mlp", "--set", "lr=0.05,0.1,0.2", "--seeds", "0-3",
            "--epochs", "500", "--workers", "1", "--out", str(out)]
    sweep = subprocess.Popen(argv, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while (not out.exists() or out.read_text().count("\n") < 2) and time.time() < deadline:
        time.sleep(0.02)
    sweep.send_signal(stop)
    _, err = sweep.communicate(timeout=120)
    assert sweep.returncode == 130, err
    assert "--resume" in err and "Traceback" not in err
    before = read(out)
    assert f"interrupted: {len(before)} of 12 runs are in" in err
    assert 2 <= len(before) < 12
    if stop == signal.SIGTERM:
        return   # resuming is the same whatever stopped it
    with open(out, "ab") as f:   # a line cut short, as a killed sweep could leave it
        f.write(b'{"config":"mlp:dataset=xor,se')
    done = subprocess.run(argv[:-2] + ["--out", str(out), "--resume"], cwd=str(ROOT), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    after = read(out)
    assert len(after) == 12 and len({spec_key(r) for r in after}) == 12
    assert after[:len(before)] == before   # nothing finished was run again
    assert all(json.loads(line) for line in out.read_text().splitlines())
    same_as_serial(after[-2:])
