"""The options form: every option of the network, generated from its Option specs (a list for a
choice, a text field otherwise). Each value is checked when applied; a refused one keeps the form
open with the reason beside it, and nothing crashes."""
from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Select, Static

from dlsim.errors import UserError
from dlsim.tui.screens.base import DlsimModal
from dlsim.tui.widgets.text_box import TextBox


def show(value) -> str:
    """A value as the field shows it, in the form its option reads back: no layers is "0", never an
    empty field (which the option refuses)."""
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "0"
    return str(value)


class OptionsScreen(DlsimModal):
    BINDINGS = [Binding("escape", "cancel", "cancel"), Binding("ctrl+s", "apply", "apply")]

    def __init__(self, title: str, options, config: dict, apply: Callable[[dict], str | None]):
        super().__init__()
        self.title_text, self.options, self.config, self.apply = title, options, config, apply

    def compose(self) -> ComposeResult:
        with Vertical(id="options", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            # not focusable itself: Tab goes field to field, and the list scrolls to the focused one
            with VerticalScroll(id="option-rows", can_focus=False):
                for option in self.options:
                    with Horizontal(classes="option-row"):
                        live = " (live)" if option.live else ""
                        yield Static(option.name + live, classes="option-name")
                        current = show(self.config.get(option.name, option.default))
                        if option.choices:
                            off = option.unavailable()   # listed, marked; choosing one says why
                            yield Select([(f"{c} (unavailable)" if c in off else c, c) for c in option.choices],
                                         value=current, allow_blank=False, compact=True, id=f"opt-{option.name}")
                        else:
                            yield TextBox(current, compact=True, id=f"opt-{option.name}")
                        yield Static(option.help, classes="option-help")
            yield Static("", id="options-error", classes="error", markup=False)   # messages quote [brackets]
            with Horizontal(id="options-buttons"):
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Static("Tab moves · Enter or Ctrl+S applies · Esc cancels · architecture changes "
                         "rebuild the network", classes="hint")

    def changes(self) -> tuple[dict, list[str]]:
        """The values that differ from the current ones, and the refusals among them."""
        changed, problems = {}, []
        for option in self.options:
            widget = self.query_one(f"#opt-{option.name}")
            raw = str(widget.value).strip()
            if raw == show(self.config.get(option.name, option.default)):
                continue
            try:
                option.value(raw)
            except UserError as error:
                problems.append(str(error))
                continue
            changed[option.name] = raw
        return changed, problems

    def action_apply(self) -> None:
        changed, problems = self.changes()
        if not problems and changed:
            problem = self.apply(changed)
            problems = [problem] if problem else []
        if problems:
            self.query_one("#options-error", Static).update("✗ " + "\n✗ ".join(problems))
        else:
            self.dismiss(changed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply() if event.button.id == "apply" else self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
