"""A sweep's progress on stderr: runs done, failed, running, and about how long is left.

On a terminal one line rewritten in place (at most a few times a second); in a log (CI, a batch
job) a line every EVERY seconds, so the log shows progress without a line per run.
"""
import sys
import time

from dlsim.models.estimate import duration
from dlsim.protocol.numbers import count

EVERY = 10.0     # seconds between lines where stderr is not a terminal
REDRAW = 0.2     # seconds between rewrites on a terminal


class ProgressLine:
    def __init__(self, total: int, stream=None):
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.said = 0.0
        self.width = 0

    def show(self, done: int, failed: int, left: int, running: int, seconds: float, finished_now: int) -> None:
        now = time.perf_counter()
        if now - self.said < (REDRAW if self.tty else EVERY) and left:
            return
        self.said = now
        line = f"sweep: {count(done)} of {count(self.total)} runs done"
        if failed:
            line += f" ({count(failed)} failed)"
        if left:
            line += f" · {count(running)} running"
            if finished_now:   # the rate of this session's runs (a resumed file's took no time here)
                line += f" · {duration(seconds / finished_now * left)} left"
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width))
            self.width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()
