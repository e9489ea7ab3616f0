"""The home screen: the networks that exist, one line each on what they teach, and the lessons with
the learner's progress in each; open one with the keyboard (↑ ↓ Tab Enter) or the mouse."""
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from dlsim.lesson import Progress, catalog
from dlsim.models import MODELS
from dlsim.tui.kept import last_left
from dlsim.tui.screens.base import DlsimScreen
from dlsim.tui.widgets.footer import Footer
from dlsim.tui.views import view_for

INTRO = ("Step through a neural network one operation at a time — forward, loss, backward, update — "
         "and back again, exactly. Or run it at full speed and watch it learn.")


def one_line(name: str, summary: str) -> Table:
    """A network's row: its name, then what it teaches, cut with … where the screen is narrow (a
    wrapped row would push the lessons off an 80×24 screen)."""
    row = Table.grid(padding=(0, 1), expand=True)
    row.add_column(no_wrap=True, width=max(map(len, MODELS)))   # every name whole
    row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    row.add_row(name, summary)
    return row


class HomeScreen(DlsimScreen):
    BINDINGS = [Binding("question_mark,f1", "app.help", "help", key_display="?"),
                Binding("q", "app.quit", "quit")]

    def compose(self) -> ComposeResult:
        yield Static("dlsim · a deep-learning simulator", id="home-title")
        yield Static(INTRO, id="home-intro")
        options = []
        for name, cls in MODELS.items():
            ready = view_for(name) is not None
            options.append(Option(one_line(name, cls.summary + ("" if ready else "   (not in the app yet)")),
                                  id=name, disabled=not ready))
        yield OptionList(*options, id="models")
        yield Static("Lessons", id="lessons-title")
        yield OptionList(id="lessons")
        yield Static("↑ ↓ choose · Tab networks/lessons · Enter or click opens · ? keys · q quits",
                     id="home-hint")
        yield Footer()

    def on_mount(self) -> None:
        models = self.query_one("#models", OptionList)
        models.focus()
        models.highlighted = 0

    def on_screen_resume(self) -> None:
        self.list_lessons()       # on first showing, and again after a lesson: progress changed
        left = last_left(self.app)
        if left is not None:      # back from a network with Esc: Enter opens it again, not the first
            models = self.query_one("#models", OptionList)
            try:
                models.highlighted = models.get_option_index(left)
            except OptionDoesNotExist:   # (not a network the list shows: nothing to offer)
                pass

    def list_lessons(self) -> None:
        """One line a lesson: name, title, minutes, and how far the learner got ('step 3/9', 'done')."""
        lessons = self.query_one("#lessons", OptionList)
        kept = lessons.highlighted
        progress, entries = Progress(), catalog()
        for note in progress.untold():       # a set-aside or unwritable progress file: said once
            self.notify(note, title="progress", severity="warning", timeout=12)
        width = max((len(path.stem) for _, path, _ in entries), default=0)
        lessons.clear_options()
        for lesson, path, problems in entries:
            row = Table.grid(padding=(0, 1), expand=True)
            row.add_column(no_wrap=True, width=width)
            row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
            row.add_column(no_wrap=True, justify="right", width=6)
            row.add_column(no_wrap=True, width=10)
            state = "malformed" if problems else progress.summary(path.stem)
            minutes = f"{lesson.minutes} min" if lesson and lesson.minutes else ""
            row.add_row(path.stem, lesson.title if lesson else "", minutes,
                        Text(state, style="green" if state == "done" else "#e6b422"))
            lessons.add_option(Option(row, id=path.stem, disabled=bool(problems)))
        if lessons.option_count:
            lessons.highlighted = min(kept or 0, lessons.option_count - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "lessons":
            self.app.open_lesson(event.option.id)
        else:
            self.app.open_model(event.option.id)
