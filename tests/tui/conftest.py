"""Shared helpers for the app's tests: apps built on fixed seeds, kernels warmed once per process."""
import asyncio
import inspect

import pytest

import dlsim
from dlsim.sim import warmup
from dlsim.tui.app import DlsimApp
from dlsim.tui.session import Session


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run `async def` tests in a fresh event loop (no pytest-asyncio needed)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        names = pyfuncitem._fixtureinfo.argnames
        asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
        return True
    return None


@pytest.fixture(autouse=True)
def kernels_ready_after_each_test():
    """A test that stands in for the warm-up leaves no network pending: later tests in this process
    would draw their pictures with the NumPy fallback (dlsim.kernels.readiness)."""
    yield
    from dlsim.kernels import readiness
    for name in readiness.pending():
        readiness.mark_ready(name)


@pytest.fixture(scope="session", autouse=True)
def warm_kernels():
    """Compile/load once, so no test waits on it and snapshots never show 'compiling'."""
    for name in ("perceptron", "mlp"):
        warmup.warm(name)


def make_app(model: str | None = "mlp", seed: int = 0, **options) -> DlsimApp:
    session = Session(dlsim.make(model, seed=seed, **options)) if model else None
    return DlsimApp(session, prewarm=False)


def opened_at(lesson: str, step: int | str) -> DlsimApp:
    """The app on `lesson` opened at `step` (its index, or its title), as a learner resuming there finds
    it: the player replays the lesson up to the step and the screen shows it on mounting, far cheaper
    than pressing n through every step before it (each press repaints the whole screen)."""
    from dlsim.tui.lesson_session import open_lesson
    player, session, note = open_lesson(lesson)
    if isinstance(step, str):
        step = [s.title for s in player.lesson.steps].index(step)
    player.goto(step)
    return DlsimApp(prewarm=False, lesson=(player, session, note))


async def settle(pilot, seconds: float = 0.05) -> None:
    """Let pending messages, workers and repaints finish."""
    await pilot.pause(seconds)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


class CountedHistory(list):
    """A history that counts the entries read from it (slices, single entries, whole passes): what
    a frame costs the curves, whatever the machine's speed."""
    read = 0

    def __getitem__(self, at):
        got = super().__getitem__(at)
        self.read += len(got) if isinstance(at, slice) else 1
        return got

    def __iter__(self):
        self.read += len(self)
        return super().__iter__()


async def every_page(pilot, panel, turn) -> list[tuple[str, str]]:
    """(title, text) of each page of a paged panel, turning with `turn` until the first page's text
    comes back (its title may not: without colour, a click or Tab marks the focused panel's title,
    which then takes a shorter form)."""
    def title() -> str:
        return str(panel.border_title).removeprefix(panel.FOCUSED)
    seen = [(title(), text_of(panel))]
    for _ in range(20):
        await turn()
        await settle(pilot)
        page = (title(), text_of(panel))
        if page[1] == seen[0][1]:
            return seen
        seen.append(page)
    raise AssertionError("the pages never came back to the first")


async def shown_is_a_full_repaint(pilot) -> bool:
    """Whether the screen as shown (partial repaints) is what a full repaint draws: a new size
    redraws every line anew."""
    app = pilot.app
    shown = app.export_screenshot()
    await pilot.resize_terminal(app.size.width + 1, app.size.height)
    await pilot.pause()
    await pilot.resize_terminal(app.size.width - 1, app.size.height)
    await pilot.pause()
    return app.export_screenshot() == shown


async def tab_to(pilot, widget, most: int = 6) -> None:
    """Press Tab until `widget` has the focus (the heatmap has it first), as a learner would."""
    for _ in range(most):
        if pilot.app.focused is widget:
            return
        await pilot.press("tab")
    assert pilot.app.focused is widget


async def until(pilot, condition, timeout: float = 5.0) -> bool:
    waited = 0.0
    while not condition():
        if waited >= timeout:
            return False
        await asyncio.sleep(0.01)
        waited += 0.01
    await pilot.pause()
    return True


def sim_view(app):
    return app.screen.simview


def text_of(widget) -> str:
    """The characters a panel currently shows (its strips), one line per row."""
    return "\n".join(strip.text for strip in widget._strips)


def option_text(option) -> str:
    """The words of an OptionList entry, whether its prompt is text or a table (the home screen's)."""
    prompt = option.prompt
    if hasattr(prompt, "columns"):
        return " ".join(str(cell) for column in prompt.columns for cell in column.cells)
    return str(prompt)
