"""The home screen: the networks that exist, one line each on what they teach; open one with the
keyboard (↑ ↓ Enter) or the mouse."""
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from dlsim.models import MODELS
from dlsim.tui.screens.base import DlsimScreen
from dlsim.tui.views import view_for

INTRO = ("Step through a neural network one operation at a time — forward, loss, backward, update — "
         "and back again, exactly. Or run it at full speed and watch it learn.")


class HomeScreen(DlsimScreen):
    BINDINGS = [Binding("question_mark,f1", "app.help", "help", key_display="?"),
                Binding("q", "app.quit", "quit")]

    def compose(self) -> ComposeResult:
        yield Static("dlsim · a deep-learning simulator", id="home-title")
        yield Static(INTRO, id="home-intro")
        options = []
        for name, cls in MODELS.items():
            ready = view_for(name) is not None
            text = f"{name:<11} {cls.summary}" + ("" if ready else "   (not in the app yet)")
            options.append(Option(text, id=name, disabled=not ready))
        yield OptionList(*options, id="models")
        yield Static("↑ ↓ choose · Enter or click opens · ? keys · Ctrl+P commands · q quits",
                     id="home-hint")
        yield Footer()

    def on_mount(self) -> None:
        models = self.query_one("#models", OptionList)
        models.focus()
        models.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.open_model(event.option.id)
