"""The palette's exports (Ctrl+P): the weights (.npz and .csv), the curves (.csv) and the screen
(.svg), written into the current folder under names that never replace a file
(dlsim-mlp-weights-1.npz, then -2, …); the line where the app's notices appear says where.

The weights and curves are taken once the simulation is still (a run at full speed is paused
first, as any key pauses it): a copy taken while the run worker trains would mix two steps.
The files are written by dlsim.console.export, the same as `dlsim run … --export-weights`.
"""
import os
from functools import partial

from textual.app import SystemCommand

from dlsim.errors import UserError
from dlsim.protocol.numbers import counted
from dlsim.console.export import CURVES, WEIGHTS, write_curves, write_weights
from dlsim.console.output_files import numbered, write_new

SCREEN = (".svg",)


def export_commands(app, screen):
    """The palette entries: the screenshot on every screen, the weights and curves where a
    simulation is shown."""
    from dlsim.tui.screens.simulation import SimulationScreen
    yield SystemCommand("Save screenshot (SVG)", "the screen as it is now, into the current folder",
                        partial(app.set_timer, 0.1, partial(save_screenshot, app)))   # once the palette is gone
    if isinstance(screen, SimulationScreen):
        view = screen.simview
        yield SystemCommand("Export weights", "every parameter, as .npz and .csv, into the current folder",
                            partial(view._when_free, partial(export_weights, view)))
        yield SystemCommand("Export curves", "the metrics of every epoch, as .csv, into the current folder",
                            partial(view._when_free, partial(export_curves, view)))


def export_weights(view, folder: str = ".") -> list[str]:
    sim = view.session.sim
    stem = f"dlsim-{sim.name}-weights"
    n = numbered(stem, WEIGHTS, folder)
    paths = [os.path.join(folder, f"{stem}-{n}{suffix}") for suffix in WEIGHTS]
    params = sim.params
    return _written(view, paths, lambda: [write_weights(params, path) for path in paths],
                    f"weights ({counted(len(params), 'parameter')})")


def export_curves(view, folder: str = ".") -> list[str]:
    sim = view.session.sim
    stem = f"dlsim-{sim.name}-curves"
    path = os.path.join(folder, f"{stem}-{numbered(stem, CURVES, folder)}.csv")
    history = list(sim.history)
    return _written(view, [path], lambda: write_curves(history, path), f"curves ({counted(len(history), 'row')}, one per {sim.model.epoch_word})")


def save_screenshot(app, folder: str = ".") -> str | None:
    from dlsim.tui.screens.simulation import SimulationScreen
    name = getattr(getattr(app.screen, "session", None), "name", None) or "app"
    stem = f"dlsim-{name}-screen"
    path = os.path.join(folder, f"{stem}-{numbered(stem, SCREEN, folder)}.svg")
    svg = app.export_screenshot(title=f"dlsim {name}")
    try:
        write_new(path, lambda stream: stream.write(svg), False, "screenshot")
    except UserError as error:
        _say(app, str(error), error=True)
        return None
    view = app.screen.simview if isinstance(app.screen, SimulationScreen) else None
    _say(view or app, f"screen saved as {_shown([path])}")
    return path


def _written(view, paths: list[str], write, what: str) -> list[str]:
    try:
        write()
    except UserError as error:
        _say(view, str(error), error=True)
        return []
    _say(view, f"{what} written to {_shown(paths)}")
    return paths


def _shown(paths: list[str]) -> str:
    """'dlsim-mlp-weights-1.npz and dlsim-mlp-weights-1.csv in ~/class': the names, and the folder
    (the one dlsim was started in) where the learner finds them."""
    folder = os.path.dirname(os.path.abspath(paths[0]))
    home = os.path.expanduser("~")
    if folder == home or folder.startswith(home + os.sep):
        folder = "~" + folder[len(home):]
    return f"{' and '.join(os.path.basename(p) for p in paths)} in {folder}"


def _say(where, text: str, error: bool = False) -> None:
    """In the simulation's notice line (the math panel), or as a notification on another screen."""
    if hasattr(where, "ui"):
        where.ui.notice = text
        where.repaint()
    else:
        where.notify(text, severity="error" if error else "information")
