"""Measure the app as a learner meets it: `python tools/measure_app.py`.

Starts the real `dlsim run NET` (default: the MLP) in a pseudo-terminal (at 120×40, then 80×24), answers its query for
synchronized output so that every repaint ends with a marker, then at each size:

1. key press → repainted screen: sends → / ← at each level and times the first complete frame
   after each key (median and 95th percentile, per level and overall);
2. run mode: presses f (full speed), counts frames per second for a few seconds, reads the training
   speed the app reports on pausing, and times space → the screen says it has paused;
3. the same network trained headless (no UI, the fused path), for comparison.
It prints the load average too: other processes on the machine skew every wall-clock figure, so it
also prints the CPU time the app's UI thread spent per key press and per run-mode frame (Linux), a
figure that hardly depends on what else runs.
"""
import argparse
import fcntl
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time

SYNC_END = b"\x1b[?2026l"
RAN = re.compile(rb"ran ([\d,]+) \w+ in ([\d.]+) s")   # epochs, or the network's own word
# what each network is measured on, unless --dataset / --set say otherwise: data it keeps training on.
# A perceptron stops a run once it converges (AND: epoch 6) or after 1,000 epochs without (XOR):
# on XOR, with the patience raised, it runs for as long as the tool measures.
DEFAULTS = {"mlp": {"dataset": "spiral"}, "perceptron": {"dataset": "xor"}}
ENV = {"perceptron": {"DLSIM_PATIENCE": "1000000000"}}
# the RBF network's default fit is one least-squares solve: its run ends after one epoch; the delta
# rule keeps training
SETS = {"rbf": ["fit=delta"]}
KEYS = {"right": b"\x1b[C", "left": b"\x1b[D", "space": b" ", "f": b"f", "quit": b"\x11"}


class Terminal:
    """A pseudo-terminal running a command; records when each frame ends."""

    def __init__(self, argv: list[str], width: int, height: int, env: dict | None = None):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor", **(env or {}))
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.frames: list[float] = []        # times at which a frame ended
        self.text = bytearray()              # the latest output
        self.runs: list[tuple[float, float]] = []   # (epochs, seconds) the app reports on pausing
        self.paused: list[float] = []        # times at which "paused" was drawn
        self._tail = b""
        self.lock = threading.Lock()
        self.alive = True
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while self.alive:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                break
            now = time.perf_counter()
            if b"\x1b[?2026$p" in chunk:   # "do you support synchronized output?" — yes
                os.write(self.master, b"\x1b[?2026;2$y")
            scan = self._tail + chunk
            self._tail = scan[-64:]
            with self.lock:
                self.frames += [now] * chunk.count(SYNC_END)
                self.text += chunk
                del self.text[:-400_000]
                self.runs += [(float(e.replace(b",", b"")), float(t)) for e, t in RAN.findall(scan)]
                if b"paused" in scan:
                    self.paused.append(now)

    def send(self, key: str) -> float:
        sent = time.perf_counter()
        os.write(self.master, KEYS.get(key, key.encode()))
        return sent

    def frame_after(self, t: float, timeout: float = 2.0) -> float | None:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            with self.lock:
                later = [f for f in self.frames if f > t]
            if later:
                return later[0]
            time.sleep(0.0005)
        return None

    def quiet(self, seconds: float = 0.06, timeout: float = 5.0) -> None:
        """Wait until no frame has ended for `seconds`."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            with self.lock:
                last = self.frames[-1] if self.frames else 0.0
            if time.perf_counter() - last >= seconds:
                return
            time.sleep(0.005)

    def wait_for(self, pattern: bytes, timeout: float = 120.0) -> bool:
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            with self.lock:
                if re.search(pattern, bytes(self.text)) or (pattern == rb"paused" and self.paused):
                    return True
            time.sleep(0.05)
        return False

    def recent(self, n: int = 20_000) -> bytes:
        with self.lock:
            return bytes(self.text[-n:])

    def close(self) -> None:
        try:
            self.send("quit")
            self.proc.wait(timeout=5)
        except Exception:
            self.proc.kill()
        self.alive = False


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def ui_cpu(pid: int) -> float | None:
    """Seconds of CPU the process's main (UI) thread has used so far; None where /proc is missing."""
    try:
        with open(f"/proc/{pid}/task/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")   # utime + stime


def per(spent: tuple, count: int) -> float | None:
    """Milliseconds of UI-thread CPU per unit, from (before, after) readings of ui_cpu."""
    before, after = spent
    return None if before is None or after is None or not count else (after - before) * 1000 / count


def latency(term: Terminal, plan: list[tuple[str, str, int]]) -> dict[str, list[float]]:
    """{label: [ms, …]} for each (level key, arrow, presses) in `plan`."""
    out: dict[str, list[float]] = {}
    for level_key, arrow, presses in plan:
        term.send(level_key)
        term.quiet()
        label = f"{arrow} {dict(zip('12345', ('op', 'layer', 'sample', 'batch', 'epoch')))[level_key]}"
        for _ in range(presses):
            sent = term.send(arrow)
            done = term.frame_after(sent)
            if done is not None:
                out.setdefault(label, []).append((done - sent) * 1000)
            term.quiet()
    return out


def run_mode(term: Terminal, seconds: float) -> dict:
    start = term.send("f")
    time.sleep(1.0)                          # let it settle into the run
    with term.lock:
        before = len(term.frames)
    t0, cpu0 = time.perf_counter(), ui_cpu(term.proc.pid)
    time.sleep(seconds)
    with term.lock:
        frames = len(term.frames) - before
    cpu = per((cpu0, ui_cpu(term.proc.pid)), frames)
    fps = frames / (time.perf_counter() - t0)
    paused_at = term.send("space")
    stopped = None
    end = time.perf_counter() + 5
    while time.perf_counter() < end and stopped is None:
        with term.lock:
            stopped = next((t for t in term.paused if t > paused_at), None)
        time.sleep(0.001)
    term.wait_for(rb"/s on the compiled", timeout=5)
    with term.lock:
        epochs, spent = term.runs[-1] if term.runs else (float("nan"), 1.0)
    rate = epochs / spent
    return {"fps": fps, "cpu_ms": cpu, "epochs_per_s": rate, "pause_ms": None if stopped is None else (stopped - paused_at) * 1000,
            "ran_s": time.perf_counter() - start}


def bare_speed(net: str, options: dict, seconds: float) -> float:
    """Epochs per second of the same training headless (`dlsim run NET --headless`: Simulator.train
    on the fused path, in slices of about a fifth of a second), with no UI at all."""
    sys.path.insert(0, os.getcwd())          # the dlsim the app runs (`python -m dlsim` from here)
    import dlsim
    sim = dlsim.make(net, seed=0, **options)
    start = time.perf_counter()
    sim.train(epochs=1)                       # loads the kernels; its time sizes the slices
    one = max(time.perf_counter() - start, 1e-6)
    sim.train(epochs=1)
    one = max(time.perf_counter() - start - one, 1e-6)
    chunk = max(1, int(0.2 / one))
    start, before = time.perf_counter(), sim.epoch
    while time.perf_counter() - start < seconds:
        sim.train(epochs=chunk)
    return (sim.epoch - before) / (time.perf_counter() - start)


def chunked_speed(net: str, options: dict, seconds: float) -> float:
    """Epochs per second of the app's own run path without its UI: the run worker's chunks
    (Session.run_chunk, evaluating once a chunk) one after another, no frames drawn. The app's
    speed over this one says what drawing costs the training; over `dlsim run --headless`
    (evaluating every epoch) it also counts that difference of work."""
    sys.path.insert(0, os.getcwd())
    import dlsim
    from dlsim.tui.runner import Runner
    from dlsim.tui.session import Session
    from dlsim.models import chunked
    session = Session(dlsim.make(net, seed=0, **options))
    with chunked.splitting_after(Runner.SPLIT_S):   # as the run worker: a long epoch by batches
        for _ in range(5):
            session.run_chunk(Runner.CHUNK_S)
        start, before = time.perf_counter(), session.model.epoch
        while time.perf_counter() - start < seconds:
            if session.run_chunk(Runner.CHUNK_S):
                break
    return (session.model.epoch - before) / (time.perf_counter() - start)


def load() -> str:
    """The machine's load average over the last minute (other work skews every figure)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def measure_size(args, width: int, height: int) -> dict | None:
    command = [sys.executable, "-m", "dlsim", "run", args.net, *dataset_args(args), *set_args(args)]
    term = Terminal(command, width, height, ENV.get(args.net))
    try:
        if not term.wait_for(rb"paused"):
            print(f"{width}×{height}: the app did not come up", file=sys.stderr)
            return None
        time.sleep(1.0)
        n = args.presses
        plan = [("1", "right", n), ("1", "left", n // 2), ("2", "right", n // 2), ("2", "left", n // 4),
                ("3", "right", n // 4), ("3", "left", n // 4), ("4", "right", n // 4),
                ("4", "left", n // 4), ("5", "right", n // 4), ("5", "left", n // 4)]
        cpu0 = ui_cpu(term.proc.pid)
        times = latency(term, plan)
        presses = sum(map(len, times.values())) + len(plan)   # the level keys draw a frame too
        key_cpu = per((cpu0, ui_cpu(term.proc.pid)), presses)
        run = run_mode(term, args.seconds)
    finally:
        term.close()
    return {"times": times, "key_cpu": key_cpu, "run": run}


def dataset_args(args) -> list[str]:
    return ["--dataset", args.dataset] if args.dataset else []


def set_args(args) -> list[str]:
    return [part for option in args.set or [] for part in ("--set", option)]


def options_of(args) -> dict:
    options = dict(option.split("=", 1) for option in args.set or [])
    return {**options, "dataset": args.dataset} if args.dataset else options


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/measure_app.py", description=__doc__.split("\n")[0])
    parser.add_argument("--size", action="append", help="terminal size, WIDTHxHEIGHT (repeatable; "
                        "default: 120x40 and 80x24)")
    parser.add_argument("net", nargs="?", default="mlp", help="the network (default: mlp)")
    parser.add_argument("--dataset", help="the dataset (default: the network's own; the MLP: spiral; "
                        "the perceptron: xor, with no limit on a run's length)")
    parser.add_argument("--set", action="append", metavar="NAME=VALUE", help="an option, as `dlsim run` takes it")
    parser.add_argument("--presses", type=int, default=40, help="presses per level and direction")
    parser.add_argument("--seconds", type=float, default=5.0, help="run-mode measuring time")
    args = parser.parse_args(argv)
    if not args.dataset:
        args.dataset = DEFAULTS.get(args.net, {}).get("dataset")
    if args.set is None:
        args.set = SETS.get(args.net)
    sizes = [tuple(map(int, size.split("x"))) for size in (args.size or ["120x40", "80x24"])]
    import dlsim
    from dlsim.errors import UserError
    try:   # a configuration the app refuses: one line, before minutes of waiting for it to come up
        dlsim.make(args.net, seed=0, **options_of(args))
    except UserError as error:
        print(f"measure_app: {error}", file=sys.stderr)
        return 2
    before = load()
    results = {size: measure_size(args, *size) for size in sizes}
    bare = bare_speed(args.net, options_of(args), args.seconds)
    chunked = chunked_speed(args.net, options_of(args), args.seconds)
    print(f"dlsim app measured in a pseudo-terminal, {os.cpu_count()} CPUs, {args.net} "
          f"{' '.join(dataset_args(args) + set_args(args)) or '(defaults)'}; load average {before} before, {load()} after")
    print(f"headless training (no UI): {bare:,.0f} epochs/s; the app's run chunks without its UI: "
          f"{chunked:,.0f} epochs/s")
    for (width, height), result in results.items():
        if result is None:
            continue
        times, run = result["times"], result["run"]
        every = [t for values in times.values() for t in values]
        print(f"{width}×{height}:")
        print(f"  key press → repainted screen, {len(every)} presses: median {statistics.median(every):.1f} ms, "
              f"p95 {pct(every, 0.95):.1f} ms, max {max(every):.1f} ms   (target p95 ≤ 50 ms)")
        if result["key_cpu"] is not None:
            print(f"    UI-thread CPU per key press: {result['key_cpu']:.1f} ms (idle polling included)")
        for label, values in times.items():
            print(f"    {label:<12} median {statistics.median(values):6.1f} ms   p95 {pct(values, 0.95):6.1f} ms"
                  f"   (n={len(values)})")
        cpu = "" if run["cpu_ms"] is None else f", UI-thread CPU {run['cpu_ms']:.1f} ms a frame"
        print(f"  run mode: {run['fps']:.1f} frames/s{cpu}   (target ≥ 30)")
        share = (lambda of: f"{100 * run['epochs_per_s'] / of:.0f}%" if of else "—")   # a run that ends at once
        print(f"  training in the app: {run['epochs_per_s']:,.0f} epochs/s, "
              f"{share(bare)} of headless   (target ≥ 85%), {share(chunked)} of its chunks without the UI")
        pause = "no 'paused' seen" if run["pause_ms"] is None else f"{run['pause_ms']:.0f} ms"
        print(f"  space → the screen says paused: {pause}   (target ≤ 100 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
