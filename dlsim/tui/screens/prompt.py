"""A one-value dialog (learning rate, a weight, hidden sizes…): the value is checked by `apply`,
which returns why it was refused; the dialog stays open with that message until a value is taken."""
from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from dlsim.tui.screens.base import DlsimModal
from dlsim.tui.widgets.text_box import TextBox


class PromptScreen(DlsimModal):
    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, value: str, apply: Callable[[str], str | None], help: str = ""):
        super().__init__()
        self.title_text, self.value, self.apply, self.help_text = title, value, apply, help

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            if self.help_text:
                yield Static(self.help_text, classes="hint")
            yield TextBox(self.value, id="prompt-input", select_on_focus=True)
            yield Static("", id="prompt-error", classes="error")
            yield Static("Enter applies · Esc cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        problem = self.apply(event.value)
        if problem:
            self.query_one("#prompt-error", Static).update(f"✗ {problem}")
        else:
            self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
