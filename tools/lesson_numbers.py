"""Which numbers a lesson's text quotes that its screen does not show.

Plays each lesson in the app (Textual's Pilot) at a terminal size, step by step with n, answering
each question with its first choice, and after each step compares the numbers the step's narration
filled in from the simulation ({placeholders}) with the rest of the screen: a number the text quotes
that no panel shows is one the learner cannot find (a window that cut it off, a panel the size
dropped). Some misses are meant (a difference the text works out, a count); each is for a person to
judge.

    python tools/lesson_numbers.py                      # every lesson at 80×24
    python tools/lesson_numbers.py cnn-pooling --size 120x40
"""
import argparse
import asyncio
import html
import io
import os
import re
import sys
import tempfile
from pathlib import Path

# this checkout's dlsim, not one installed elsewhere (a worktree beside the main checkout checked that)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NUMBER = re.compile(r"[−+-]?\d[\d,]*(?:\.\d+)?(?:e[−+-]?\d+)?")


SHORT = re.compile(r"[−+-]?(?:\d[\d,]*)?\.?\d+(?:e[−+-]?\d+)?")   # a heatmap cell's "−.012", "3e−4"


def numbers_in(text: str) -> list[str]:
    """The numbers written in `text` (a tuple's each element), without a leading sign."""
    return [n.lstrip("−+-") for n in NUMBER.findall(text)]


def value(written: str) -> tuple[float, float]:
    """(the number, half its last digit's place): '0.58' → (0.58, 0.005), '3e−4' → (0.0003, 0.00005)."""
    plain = written.replace(",", "").replace("−", "-").lstrip("+-")
    mantissa = plain.split("e")[0]
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    number = float(plain)
    exponent = int(plain.split("e")[1]) if "e" in plain else 0
    return number, 0.5 * 10.0 ** (exponent - decimals)


def shown(quoted: str, screen: set[str]) -> bool:
    """Whether the screen writes `quoted`'s number, at its own precision or a shorter one (the status
    line's 'lr 0.5' for the text's 0.500, a heatmap cell's +0.58 for 0.583)."""
    q, q_half = value(quoted)
    for written in screen:
        try:
            s, s_half = value(written)
        except ValueError:
            continue
        # a whole number on screen ("ep 1") stands for no decimals the text quotes (0.740)
        tolerance = max(q_half, s_half) if ("." in written or "e" in written) else q_half
        if abs(q - s) <= tolerance * 1.0001:
            return True
    return False


def screen_text(app, leave_out) -> str:
    """Every character the screen shows outside the widget `leave_out` (the narration)."""
    from rich.console import Console
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    rows = console.export_text().splitlines()
    region = leave_out.region
    for y in range(region.y, min(region.bottom, len(rows))):
        row = rows[y].ljust(width)
        rows[y] = row[:region.x] + " " * region.width + row[region.right:]
    return html.unescape("\n".join(rows))


async def walk(name: str, size: tuple[int, int], quoted: list[str]) -> list[str]:
    from dlsim.tui.app import DlsimApp
    from dlsim.tui.lesson_session import open_lesson
    found = []
    app = DlsimApp(prewarm=False, lesson=open_lesson(name))
    async with app.run_test(size=size) as pilot:
        screen = None
        for _ in range(200):
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.pause(0.2)
            screen = app.screen
            player = screen.player
            on_screen = set(SHORT.findall(screen_text(app, screen.narration)))
            missing = [q for q in dict.fromkeys(quoted)
                       if len(q.replace(",", "")) > 1 and not shown(q, on_screen)]
            if missing:
                found.append(f"{name} step {player.index + 1}/{len(player)} "
                             f"({player.step.title}): {', '.join(missing)}")
            quoted.clear()
            if player.finished:
                break
            if screen.waiting:
                await pilot.press("a")
                await pilot.pause(0.2)
            before = player.index
            await pilot.press("n")
            for _ in range(600):          # a step's run may take a while
                await pilot.pause(0.1)
                if player.index != before:
                    break
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", help="lesson names (default: every lesson)")
    parser.add_argument("--size", default="80x24", help="the terminal, COLSxROWS (default 80x24)")
    args = parser.parse_args()
    os.environ["DLSIM_DATA_DIR"] = tempfile.mkdtemp(prefix="dlsim-lesson-numbers-")   # no progress kept

    from dlsim.lesson import text
    from dlsim.lesson.library import names as lesson_names
    quoted: list[str] = []
    filled = text.fmt

    def recording(value, digits=None):
        written = filled(value, digits)
        if not isinstance(value, str):
            quoted.extend(numbers_in(written))
        return written
    text.fmt = recording

    cols, rows = (int(n) for n in args.size.lower().split("x"))
    names = args.lessons or lesson_names()
    misses = 0
    for name in names:
        for line in asyncio.run(walk(name, (cols, rows), quoted)):
            print(line, flush=True)
            misses += 1
    print(f"{len(names)} lessons at {cols}×{rows}: {misses} steps quote numbers not on screen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
