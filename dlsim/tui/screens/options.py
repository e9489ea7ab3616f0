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

MIN_ROWS = 3   # option rows kept in view however many values were refused


def show(value) -> str:
    """A value as the field shows it, in the form its option reads back: no layers is "0", never an
    empty field (which the option refuses)."""
    if isinstance(value, tuple):
        return ",".join(map(str, value)) or "0"
    return str(value)


class OptionRows(VerticalScroll, can_focus=False):
    """The list of options. Not focusable itself: Tab goes field to field, and the list scrolls to
    the focused one, also when the list gets shorter (refused values' reasons take its rows)."""

    def on_resize(self) -> None:
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            focused.scroll_visible(animate=False)


class Choice(Select):
    """A list of choices that stays shut while the window is too small: opened behind the "please
    make it bigger" message it had no rows, and PgUp in it crashed the app (Textual's OptionList)."""

    def action_show_overlay(self) -> None:
        if not self.screen.has_class("-too-small"):
            super().action_show_overlay()


class OptionsScreen(DlsimModal):
    BINDINGS = [Binding("escape", "cancel", "cancel"), Binding("ctrl+s", "apply", "apply")]

    def __init__(self, title: str, options, config: dict, apply: Callable[[dict], str | None]):
        super().__init__()
        self.title_text, self.options, self.config, self.apply = title, options, config, apply

    def compose(self) -> ComposeResult:
        with Vertical(id="options", classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            with OptionRows(id="option-rows"):
                for option in self.options:
                    with Horizontal(classes="option-row"):
                        live = " (live)" if option.live else ""
                        yield Static(option.name + live, classes="option-name")
                        current = show(self.config.get(option.name, option.default))
                        if option.choices:
                            off = option.unavailable()   # listed, marked; choosing one says why
                            yield Choice([(f"{c} (unavailable)" if c in off else c, c) for c in option.choices],
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
            self._make_room()
        else:
            self.dismiss(changed)

    def _make_room(self) -> None:
        """The option rows (they scroll) give up rows to the reasons, so that every reason, the
        buttons and the keys hint stay inside the dialog: four refusals at 80×24 used to push the
        Apply button and the last reason out of it. Worked out from what the dialog may take, not
        from its height now, so that fewer reasons give the rows back (and a second Enter before
        the layout changes nothing)."""
        dialog, rows = self.query_one("#options"), self.query_one("#option-rows")
        error = self.query_one("#options-error", Static)
        most = dialog.styles.max_height
        if most is None:
            return
        room = int(most.resolve(self.size, self.size)) - dialog.styles.gutter.height
        width = dialog.content_region.width
        # the reasons' own rows as they wrap now (the layout may not have caught up with them yet)
        others = error.get_content_height(dialog.content_region.size, self.size, width) + sum(
            child.outer_size.height + child.styles.margin.height
            for child in dialog.children if child is not rows and child is not error)
        stylesheet = rows.styles.base.max_height
        fits = room - others
        if stylesheet is not None:
            fits = min(fits, int(stylesheet.resolve(self.size, self.size)))
        rows.styles.max_height = max(MIN_ROWS, fits)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply() if event.button.id == "apply" else self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
