import os
import signal
import sys


def _interrupted_while_starting(signum, frame):
    """Ctrl+C before the command's modules are imported: one line and 130, not a traceback."""
    os.write(2, b"dlsim: interrupted\n")
    os._exit(130)


signal.signal(signal.SIGINT, _interrupted_while_starting)   # first: importing the CLI takes tens of ms

from dlsim.cli import main  # noqa: E402

sys.exit(main())
