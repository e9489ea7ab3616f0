"""Entry from the CLI: `dlsim` (home screen), `dlsim run MODEL` (that network, directly) and
`dlsim lesson NAME` (that lesson, at the step the learner reached).

The Simulator (or the lesson, opened at its step) is built before any screen opens, so a bad option
or lesson raises UserError here and the CLI prints it as one line (exit 2) without the terminal
ever switching to the app.
"""
from dlsim.errors import UserError


def launch(model: str | None = None, seed: int = 0, options: dict | None = None,
           lesson: str | None = None) -> int:
    session = opened = None
    if lesson is not None:   # playing it to the learner's step may compile, before any screen shows
        from dlsim.console.run import compiling_message, feedback
        from dlsim.tui.lesson_session import open_lesson
        with feedback(compiling_message()):
            opened = open_lesson(lesson)
    if model is not None:
        from dlsim.sim.simulator import Simulator
        from dlsim.tui.views import view_for
        from dlsim.sim.time_budget import TooLong
        from dlsim.tui.long_runs import ask_on_the_terminal
        try:
            sim = Simulator(model, seed=seed, **(options or {}))
        except TooLong as error:   # asked before the app starts; no, or no terminal: the one line
            if not ask_on_the_terminal(error):
                raise
            sim = Simulator(model, seed=seed, **{**(options or {}), "force": True})
        if view_for(model) is None:
            raise UserError(f"'{model}' has no app view yet; run it with --headless")
        from dlsim.tui.session import Session
        session = Session(sim)
    from dlsim.tui.app import DlsimApp
    app = DlsimApp(session, lesson=opened)
    result = app.run()
    return app.return_code if app.return_code is not None else (result or 0)
