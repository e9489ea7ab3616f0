"""`dlsim serve` in a real browser, for tests/test_serve_browser.py and tools/serve_screenshot.py.

The server runs as a user starts it (`python -m dlsim serve`, in its own process group so that it
and its tabs' processes are ended together); the browser is the distribution's Chromium, driven by
Playwright's Python package with its executable path set (Playwright's own browser download is not
used). The terminal in the page is drawn by xterm.js on a canvas; what it shows is read from
xterm's own screen buffer, the text it draws: a hook added before the page's scripts keeps the
Terminal object that textual-serve's client creates (it assigns `this.terminal = new Terminal(…)`).
"""
import importlib
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("DLSIM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

KEEP_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
    if (value && value.buffer) window.dlsimTerminal = value;
  },
});
"""
SCREEN_TEXT = """() => {
  const terminal = window.dlsimTerminal;
  if (!terminal) return "";
  const rows = [];
  for (let y = 0; y < terminal.rows; y++) {
    const line = terminal.buffer.active.getLine(y);
    const text = line.translateToString(true);
    if (line.isWrapped && rows.length) rows[rows.length - 1] += text;   // one line of text, wrapped
    else rows.push(text);
  }
  return rows.join("\\n");
}"""


def missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        for package in ("playwright.sync_api", "textual_serve"):
            importlib.import_module(package)
    except ImportError as error:
        return f"{error.name} is not installed (pip install '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, as .ci/run does)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(*arguments: str, timeout: float = 30.0, env: dict | None = None):
    """`dlsim serve --port P ARGUMENTS…` running (with `env` added to this environment); yields
    (process, its first line, its URL)."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "dlsim", "serve", "--port", str(port), *arguments],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True, env={**os.environ, **(env or {})})
    try:
        ready, _, _ = select.select([server.stdout], [], [], timeout)
        first = server.stdout.readline() if ready else ""   # printed once it listens
        if server.poll() is not None or "open http" not in first:
            raise AssertionError(f"dlsim serve did not start: {first}{server.stdout.read() if server.poll() is not None else ''}")
        yield server, first, f"http://127.0.0.1:{port}"
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):   # the server, and the tabs' processes it started
            try:
                os.killpg(server.pid, sig)
                server.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_tab(browser, url: str, width: int = 1200, height: int = 760):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.add_init_script(KEEP_TERMINAL)
    page.goto(url)
    return page


def open_when_free(browser, url: str, timeout: float = 30.0):
    """A tab of `url` once the server has a place for it: a tab closed just before gives its place back
    only once its process has quit (seconds on a loaded machine); until then the page says too many."""
    page = open_tab(browser, url)
    deadline = time.monotonic() + timeout
    while "too many" in page.title() and time.monotonic() < deadline:
        time.sleep(0.3)
        page.reload()
    assert "too many" not in page.title(), f"no place came free for {url} within {timeout:.0f} s"
    return page


def screen(page) -> str:
    """The text the page's terminal shows now, row by row."""
    return page.evaluate(SCREEN_TEXT)


def click_text(page, row_holding: str, word: str) -> None:
    """Click, with the mouse, in the middle of `word` on the first row of the terminal holding `row_holding`."""
    rows = screen(page).splitlines()
    y = next(i for i, row in enumerate(rows) if row_holding in row)
    x = rows[y].index(word) + len(word) / 2
    cols, height = page.evaluate("() => [window.dlsimTerminal.cols, window.dlsimTerminal.rows]")
    box = page.locator(".xterm-screen").bounding_box()
    page.mouse.click(box["x"] + x * box["width"] / cols, box["y"] + (y + 0.5) * box["height"] / height)


def wait_for(page, condition, what: str, timeout: float = 60.0, seen: list | None = None) -> str:
    """The terminal's text once `condition(text)` holds; each text read is appended to `seen`."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = screen(page)
        if seen is not None:
            seen.append(text)
        if condition(text):
            return text
        time.sleep(0.1)
    raise AssertionError(f"the tab never showed {what}; its page is {page.title()!r} and shows:\n{text}")
