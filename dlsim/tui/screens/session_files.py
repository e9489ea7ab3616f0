"""The app's saved sessions: S saves the network on screen to a .dlsim file, O opens one (both also in
the palette), and the palette's "Configuration string" shows (and copies) the one line that rebuilds
this network from scratch — edit it there and Enter opens that configuration.

Each is a one-value dialog (PromptScreen). A file already there is not replaced at the first Enter:
the dialog says so and asks for the same Enter again (or another name), the confirmation the app
uses wherever a choice costs something (dlsim.tui.long_runs). What the dialogs do is
dlsim.sim.session_file's and dlsim.sim.config_string's.
"""
import os

from dlsim.errors import UserError
from dlsim.console.session_cli import where
from dlsim.sim import config_string, session_file
from dlsim.tui.screens.prompt import PromptScreen
from dlsim.tui.session import Session

REPLACE = "already exists: Enter again replaces it (or type another name)"


def default_name(sim) -> str:
    """mlp-epoch12.dlsim in the working folder, not yet taken."""
    stem = f"{sim.name}-{sim.model.epoch_abbrev}{sim.model.epoch}"
    name, n = f"{stem}{session_file.SUFFIX}", 2
    while os.path.exists(name):
        name, n = f"{stem}-{n}{session_file.SUFFIX}", n + 1
    return name


def ask_save(screen) -> None:
    """The save dialog for the simulation on `screen`, once a run in progress has paused."""
    simview = screen.simview
    simview.pause()
    simview._when_free(lambda: screen.app.push_screen(save_prompt(screen)))


def save_prompt(screen) -> PromptScreen:
    sim = screen.session.sim
    asked: list[str] = []   # the name the learner was asked about replacing

    def apply(raw: str) -> str | None:
        path = raw.strip()
        replace = bool(asked) and asked[-1] == path
        try:
            session_file.save(sim, path, overwrite=replace)
        except UserError as error:
            if not replace and path and os.path.isfile(os.path.expanduser(path)):
                asked.append(path)
                return f"{path} {REPLACE}"
            return str(error)
        screen.simview._report(f"saved to {path} (dlsim open {path}, or O, goes on from here)")
        return None
    return PromptScreen("Save session", default_name(sim), apply,
                        help=f"The whole session: options, data, weights, optimizer, where it stands, its "
                        f"curves. Now {where(sim)}.")


def ask_open(app, screen, screen_class) -> None:
    """The open dialog; the session opens on a `screen_class` (SimulationScreen) of its own (Esc goes back)."""
    if screen is not None and hasattr(screen, "simview"):
        screen.simview.pause()

    def apply(raw: str) -> str | None:
        try:
            sim = session_file.load(raw.strip())
        except UserError as error:
            return str(error)
        app.call_later(app.push_screen, screen_class(Session(sim)))
        app.notify(f"opened {raw.strip()}: {sim.name}, {where(sim)}", timeout=4)
        return None
    app.push_screen(PromptScreen("Open session", "", apply,
                                 help=f"A {session_file.SUFFIX} file saved with S, dlsim run … --save, or sim.save()."))


def show_config(screen) -> None:
    """The configuration string of the network on `screen`, copied to the clipboard; an edited one
    opens that configuration from scratch."""
    sim = screen.session.sim
    own = sim.own_data.identity.path if sim.own_data is not None else None
    now = config_string.format_config(sim.name, sim.config, data=own)
    screen.app.copy_to_clipboard(now)

    def apply(raw: str) -> str | None:
        if raw.strip() == now:
            return None
        try:
            network, options = config_string.parse_config(raw)
        except UserError as error:
            return str(error)
        seed = options.pop("seed", 0)
        screen.app.call_later(screen.app.open_model, network, seed, **options)
        return None
    screen.app.push_screen(PromptScreen(
        "Configuration string", now, apply,
        help="Rebuilds this network from scratch: dlsim run STRING, or a dlsim serve link (?config=STRING). "
        "Copied to the clipboard (where the terminal allows); edit it and Enter to open that configuration."
        + (" Your own data is named by its path (data=…): the string names the file, it does not hold it."
           if own is not None else "")))
