"""`dlsim open FILE` in the app: the saved session (already opened, so a bad file was refused as one
line before the terminal switched to the app) on its simulation screen, over the home screen."""
from dlsim.errors import UserError


def launch_session(sim) -> int:
    from dlsim.tui.app import DlsimApp
    from dlsim.tui.session import Session
    from dlsim.tui.views import view_for
    if view_for(sim.name) is None:
        raise UserError(f"'{sim.name}' has no app view yet; go on with dlsim open FILE --headless")
    app = DlsimApp(Session(sim))
    result = app.run()
    return app.return_code if app.return_code is not None else (result or 0)
