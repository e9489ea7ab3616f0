"""Write the README's picture of dlsim in a browser: `python tools/serve_screenshot.py [FILE]`.

Starts `dlsim serve` on a free port, opens `?run=mlp&dataset=spiral` in headless Chromium (the
distribution's package, as tests/test_serve_browser.py does), runs training at full speed for a few
seconds, pauses, and saves the page as a PNG (default assets/screenshots/serve-browser.png). The picture is
of a live run, so two runs differ in how far training got.
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from serve_browser import chromium, missing, open_tab, serving, wait_for  # noqa: E402

ADDRESS = "/?run=mlp&dataset=spiral"
PLAY_SECONDS = 3


def main(path: Path) -> int:
    why = missing()
    if why:
        print(f"serve_screenshot: {why}", file=sys.stderr)
        return 2
    with serving() as (_, _, url), chromium() as browser:
        page = open_tab(browser, url + ADDRESS, width=1280, height=800)
        wait_for(page, lambda text: "paused" in text.splitlines()[0], "the MLP, ready", timeout=120)
        page.locator(".xterm-screen").click()
        page.keyboard.press("5")       # whole epochs
        page.keyboard.press("f")       # run at full speed
        time.sleep(PLAY_SECONDS)
        page.keyboard.press("Space")   # pause
        time.sleep(1)
        wait_for(page, lambda text: "paused" in text.splitlines()[0], "training paused")
        time.sleep(0.5)   # the last frame drawn
        page.screenshot(path=str(path))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "assets/screenshots/serve-browser.png"))
