"""The process behind one browser tab: `python -m dlsim.web.tab ARGS…` is `dlsim ARGS…` run by
textual-serve, whose web driver (TEXTUAL_DRIVER) draws on the browser's terminal through pipes.

The app refuses to start when stdin and stdout are not a terminal (a script that forgot --headless
would hang); here the browser is the terminal, so while the app runs they say they are one. Only
the app's own start sees that: a question asked before it opens (an estimated long run) still
finds no terminal and gives its one line. That line (any refusal before the app opens) is written
to the tab's page, in textual-serve's framing, instead of only to the server's log.
"""
import io
import sys


class _BrowserTerminal:
    """A standard stream that, while a tab's app runs, answers isatty() as the browser's terminal."""

    def __init__(self, stream):
        self._stream = stream

    def isatty(self) -> bool:
        return True

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _run_in_the_browser(app_class, opened: list) -> None:
    plain = app_class.run

    def run(self, *args, **kwargs):
        opened.append(True)
        streams = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = _BrowserTerminal(streams[0]), _BrowserTerminal(streams[1])
        try:
            return plain(self, *args, **kwargs)
        finally:
            sys.stdin, sys.stdout = streams

    app_class.run = run


def show_in_the_page(text: str) -> None:
    """Draw `text` on the tab's terminal as the web driver would (a prelude, then one data packet)."""
    lines = "".join(f"\r\n  {line}" for line in text.strip().splitlines())
    payload = f"\x1b[2J\x1b[H{lines}\r\n".encode()
    out = sys.__stdout__.buffer
    out.write(b"__GANGLION__\n" + b"D" + len(payload).to_bytes(4, "big") + payload)
    out.flush()


def main(argv: list[str]) -> int:
    from dlsim import cli
    from dlsim.tui.app import DlsimApp
    opened: list = []
    _run_in_the_browser(DlsimApp, opened)
    said, stderr = io.StringIO(), sys.stderr
    sys.stderr = said   # until the app opens: what a refusal says is shown in the page
    try:
        code = cli.main(argv)
    finally:
        sys.stderr = stderr
    stderr.write(said.getvalue())   # the server's log keeps it too
    if code and not opened:
        show_in_the_page(said.getvalue() or f"dlsim stopped (exit code {code})")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
