"""The process behind one browser tab: `python -m dlsim.web.tab ARGS…` is `dlsim ARGS…` run by
textual-serve, whose web driver (TEXTUAL_DRIVER) draws on the browser's terminal through pipes.

The app starts without a terminal here because TEXTUAL_DRIVER names the web driver (DlsimApp.run).
A question asked before it opens (an estimated long run) finds no terminal and gives its one line;
that line (any refusal before the app opens) is written to the tab's page, in textual-serve's
framing, instead of only to the server's log.
"""
import io
import sys


def _noting_the_start(app_class, opened: list) -> None:
    """`opened` gets an entry once the app starts: a refusal before then is shown in the page."""
    plain = app_class.run

    def run(self, *args, **kwargs):
        opened.append(True)
        return plain(self, *args, **kwargs)

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
    _noting_the_start(DlsimApp, opened)
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
