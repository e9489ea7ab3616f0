"""`dlsim run NET --data FILE`: the learner's file read once, before the app or the headless run
starts (so a bad file is one line and exit 2 before anything else happens), with a progress bar on
stderr while a large one streams in."""
import sys
import time

from dlsim.errors import UserError
from dlsim.models import model_class
from dlsim.sim import own_data

BAR_FROM = 1 << 20    # bytes: smaller files read in a blink, without a bar
WIDTH = 30


class Bar:
    """A progress bar on stderr: redrawn in place on a terminal, a line every quarter elsewhere (a log)."""

    def __init__(self, name: str, stream=None):
        self.name, self.stream = name, stream or sys.stderr
        self.tty = self.stream.isatty()
        self.said, self.drawn = -1, 0.0

    def __call__(self, done: int, total: int) -> None:
        if total < BAR_FROM:
            return
        share = done / total
        if self.tty:
            now = time.monotonic()
            if share < 1 and now - self.drawn < 0.1:
                return
            self.drawn = now
            full = int(share * WIDTH)
            end = "\n" if share >= 1 else ""
            self.stream.write(f"\rdlsim: reading {self.name} [{'#' * full}{'·' * (WIDTH - full)}] {share:4.0%}{end}")
        else:
            quarter = int(share * 4)
            if quarter == self.said:
                return
            self.said = quarter
            self.stream.write(f"dlsim: reading {self.name}: {share:.0%}\n")
        self.stream.flush()


def read_data(model: str, path: str, options: dict):
    """The file at `path` loaded as the data `model` takes (an OwnData for the Simulator)."""
    if "dataset" in options:
        raise UserError(f"--data {path} and the dataset {options['dataset']} both given; give one")
    cls = model_class(model)
    bar = Bar(path.rsplit("/", 1)[-1])
    own_data.progress_watchers.append(bar)
    try:
        return own_data.load_for(cls, path)
    finally:
        own_data.progress_watchers.remove(bar)
