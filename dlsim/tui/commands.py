"""Commands for Textual's command palette (Ctrl+P): every action of the screen, and every option."""
from functools import partial
from typing import Iterable

from textual.app import SystemCommand

from dlsim.lesson.library import names as lesson_names
from dlsim.models import MODELS
from dlsim.protocol.events import Level
from dlsim.tui.screens import session_files
from dlsim.tui.views import view_for


def commands(app, screen) -> Iterable[SystemCommand]:
    from dlsim.tui.screens.lesson import LessonScreen
    from dlsim.tui.screens.simulation import SimulationScreen
    for name, cls in MODELS.items():
        if view_for(name) is not None:
            yield SystemCommand(f"Open {name}", cls.summary, partial(app.open_model, name))
    for lesson in lesson_names():
        yield SystemCommand(f"Open lesson: {lesson}", "play the lesson beside the simulation",
                            partial(app.open_lesson, lesson))
    yield SystemCommand("Help: keys", "every key, and how to read the screen", app.action_help)
    # saved sessions (dlsim.tui.screens.session_files)
    yield SystemCommand("Open session…", "O: a .dlsim file saved earlier, where it stood",
                        partial(session_files.ask_open, app, screen, SimulationScreen))
    if isinstance(screen, SimulationScreen):
        yield SystemCommand("Save session…", "S: options, data, weights, optimizer, where it stands, curves",
                            partial(session_files.ask_save, screen))
        yield SystemCommand("Configuration string", "the one line that rebuilds this network (copied)",
                            partial(session_files.show_config, screen))
    from dlsim.tui.exports import export_commands
    yield from export_commands(app, screen)   # the screenshot, and a simulation's weights and curves
    if not isinstance(screen, SimulationScreen):
        return
    if isinstance(screen, LessonScreen):
        yield SystemCommand("Lesson: next step", "n", screen.action_next_step)
        yield SystemCommand("Lesson: previous step", "p (the simulation goes back exactly)",
                            screen.action_previous_step)
        yield SystemCommand("Lesson: back to the script", "s, after exploring", screen.action_script)
    sim = screen.simview
    for level in Level:
        word = sim.view.level_word(level)
        yield SystemCommand(f"Step forward: {word}", f"to the next {word} boundary", partial(sim.step, level))
        yield SystemCommand(f"Step back: {word}", f"to the previous {word} boundary (exact)",
                            partial(sim.back, level))
        yield SystemCommand(f"Level: {word}", f"→ and ← step by {word}", partial(sim.set_level, level))
    yield SystemCommand("Play / pause", "run, or stop running", sim.toggle)
    yield SystemCommand("Full speed", "f: train on the compiled path", sim.full_speed)
    yield SystemCommand("Faster", "towards full speed", sim.faster)
    yield SystemCommand("Slower", "towards slow motion", sim.slower)
    yield SystemCommand("Reset", "rebuild the network from its seed", sim.reset)
    yield SystemCommand("Options…", "the options form", screen.action_options)
    # own data (issue 20): a file picker; the loaded data replaces the dataset option's
    yield SystemCommand("Open your own data…", "a CSV, .npy/.npz, .txt or a folder of PNGs (see the README)",
                        partial(_pick_data, app, screen))
    if sim.heatmap() is not None:
        yield SystemCommand("Edit the selected weight…", "type a new value", screen.action_edit_weight)
    for option in screen.session.sim.cls.options:
        if option.choices:
            for value in option.choices:
                yield SystemCommand(f"Set {option.name}: {value}", option.help,
                                    partial(_set, sim, option.name, value), discover=False)
        else:
            yield SystemCommand(f"Set {option.name}…", f"{option.help} ({option.allowed})",
                                partial(screen.ask_option, option.name), discover=False)


def _set(sim, name: str, value: str) -> None:
    sim._report(sim.set_option(name, value))


def _pick_data(app, screen) -> None:
    from pathlib import Path
    from dlsim.tui.screens.data_picker import DataPickerScreen, use_own_data
    app.push_screen(DataPickerScreen(screen.session.sim.cls, Path.cwd(),
                                     partial(use_own_data, screen.simview)))
