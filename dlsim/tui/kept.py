"""Networks the learner left with Esc, kept so that opening one again resumes where they left it:
options, hand-edited weights and every epoch trained survive a trip to the home screen."""
from dlsim.tui.session import Session


def kept(app) -> dict[str, Session]:
    """The app's kept sessions by network name (made on first use)."""
    if not hasattr(app, "_kept_sessions"):
        app._kept_sessions = {}
    return app._kept_sessions


def keep(app, session: Session) -> None:
    kept(app)[session.name] = session
    app.last_left = session.name   # the home screen offers it first: Enter opens it again


def last_left(app) -> str | None:
    """The network the learner left last with Esc (None before any)."""
    return getattr(app, "last_left", None)


def resume(app, name: str) -> Session | None:
    """The session left for `name`, if any (taken out: the screen that opens it owns it now)."""
    return kept(app).pop(name, None)


def where(session: Session) -> str:
    """'epoch 12, step 340' (a GAN's 'iteration 12, …') — said when a kept network is opened again."""
    model = session.model
    return f"{model.epoch_word} {model.epoch:,}, step {model.steps:,}"
