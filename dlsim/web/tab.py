"""The process behind one browser tab: `python -m dlsim.web.tab ARGS…` is `dlsim ARGS…` run by
textual-serve, whose web driver (TEXTUAL_DRIVER) draws on the browser's terminal through pipes.

The app refuses to start when stdin and stdout are not a terminal (a script that forgot --headless
would hang); here the browser is the terminal, so while the app runs they say they are one. Only
the app's own start sees that: a question asked before it opens (an estimated long run) still
finds no terminal and gives its one line instead of writing into the page's pipe.
"""
import sys


class _BrowserTerminal:
    """A standard stream that, while a tab's app runs, answers isatty() as the browser's terminal."""

    def __init__(self, stream):
        self._stream = stream

    def isatty(self) -> bool:
        return True

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _run_in_the_browser(app_class) -> None:
    plain = app_class.run

    def run(self, *args, **kwargs):
        streams = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = _BrowserTerminal(streams[0]), _BrowserTerminal(streams[1])
        try:
            return plain(self, *args, **kwargs)
        finally:
            sys.stdin, sys.stdout = streams

    app_class.run = run


def main(argv: list[str]) -> int:
    from dlsim import cli
    from dlsim.tui.app import DlsimApp
    _run_in_the_browser(DlsimApp)
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
