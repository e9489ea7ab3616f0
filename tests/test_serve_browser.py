"""`dlsim serve` in headless Chromium, as a class would use it: a tab opens the network its address
names and answers keys and the mouse; a second tab loads the kernels the first one's compiled cache holds (nothing
compiled again); one tab more than --max-sessions gets a page saying so, and a place given back by a
closed tab is taken again; a network that cannot start says why in its tab; the server listens on
127.0.0.1 only unless told otherwise.

Skipped, saying why, only where Chromium or Playwright cannot be had (.ci/run installs Chromium).
"""
from pathlib import Path

import pytest

from serve_browser import chromium, click_text, missing, open_tab, open_when_free, serving, wait_for

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"browser test: {missing()}")

MAX_SESSIONS = 2


def listening_addresses(port: int) -> set[str]:
    """The local addresses of sockets listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:   # 0A: LISTEN
                found.add(address)
    return found


def compiled_files(where: Path) -> dict[str, tuple[int, int]]:
    """Numba's cached machine code of the perceptron's kernels and their indexes (not the ready-*
    notes a warm-up rewrites, nor what tests running beside this one may compile)."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in where.glob("perceptron.*")
            if p.suffix in (".nbi", ".nbc")}


def paused(text: str) -> bool:
    """The network's screen, kernels ready (until then the status bar says it loads or compiles)."""
    return "paused" in text and "kernels" not in text.splitlines()[0]


def test_a_class_in_a_browser():
    from dlsim.kernels import cache
    where = cache.directory()   # this process's own touch of it comes before the tabs'
    budget = {"DLSIM_MEMORY_BUDGET": "2G"}   # a configuration too big for it is refused, never allocated
    with serving("--max-sessions", str(MAX_SESSIONS), env=budget) as (server, first_line, url), \
            chromium() as browser:
        port = int(url.rsplit(":", 1)[1])
        assert f"open http://127.0.0.1:{port}/" in first_line
        if Path("/proc/net/tcp").exists():   # 0100007F: 127.0.0.1, and nothing else (no 0.0.0.0, no ::)
            assert listening_addresses(port) == {"0100007F"}

        first = open_tab(browser, f"{url}/?run=perceptron")
        shown = wait_for(first, paused, "the perceptron's screen, ready")
        assert "PERCEPTRON" in shown and "nothing computed yet" in shown
        first.locator(".xterm-screen").click()
        for _ in range(3):
            first.keyboard.press("ArrowRight")   # → steps one op forward
        stepped = wait_for(first, lambda text: "nothing computed yet" not in text, "a step taken")
        assert "step 0" not in stepped.splitlines()[0] or "sample 1/4" in stepped

        # a second tab: the kernels the first one has in the shared cache are loaded, not compiled
        before = compiled_files(where) if where else {}
        assert before or not where, "the first tab left no compiled perceptron kernels in the cache"
        touched = where.stat().st_mtime_ns if where else 0
        seen: list[str] = []
        second = open_tab(browser, f"{url}/?run=perceptron&dataset=or&lr=0.5")
        shown = wait_for(second, paused, "the second tab's perceptron, ready", seen=seen)
        assert "PERCEPTRON" in shown and " or " in shown.splitlines()[0]
        assert not any("compiling" in text for text in seen)
        if where:
            assert where.stat().st_mtime_ns > touched, "the second tab did not open the shared cache"
            assert compiled_files(where) == before, "the second tab wrote compiled kernels"

        # one tab more than --max-sessions: a page that says so, and no process
        third = open_tab(browser, url)
        assert "--max-sessions 2" in third.locator("#reason").inner_text()
        assert "too many sessions" in third.title()

        # a closed tab gives its place back
        second.close()
        third.close()
        third = open_when_free(browser, url)
        wait_for(third, lambda text: "│ perceptron" in text, "the home screen")
        click_text(third, "│ mlp", "mlp")   # the mouse opens a network, as in a terminal
        wait_for(third, lambda text: text.startswith(" MLP"), "the MLP opened by a click")

        # a tab whose network cannot start says why in the page, and offers to start again
        third.close()
        too_big = open_when_free(browser, f"{url}/?run=mlp&hidden=1024,1024,1024,1024&samples=100000")
        # (its process imports dlsim and estimates the network before refusing: slow beside other tests)
        said = wait_for(too_big, lambda text: "dlsim: error" in text, "the refusal", timeout=90)
        assert "of memory" in said and "DLSIM_MEMORY_BUDGET=2G" in said
        too_big.locator(".ended").wait_for(state="visible", timeout=10_000)
