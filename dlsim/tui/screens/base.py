"""What every dlsim screen shares: a compact layout below 120×40, and below the minimum size a
message saying how big the window must be (instead of a broken layout)."""
from textual import events
from textual.binding import Binding
from textual.renderables.background_screen import BackgroundScreen
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24
FULL_WIDTH, FULL_HEIGHT = 120, 40


def too_small_text(width: int, height: int) -> str:
    return (f"This window is {width}×{height}.\n"
            f"dlsim needs at least {MIN_WIDTH}×{MIN_HEIGHT}: please make it bigger.\n"
            f"(At {FULL_WIDTH}×{FULL_HEIGHT} or more it shows its full layout.)")


class Sized:
    """Mixin: toggles `-compact` and `-too-small` on the screen as the terminal resizes."""

    def on_mount(self) -> None:
        self.mount(Static(id="too-small"))
        self._fit(self.app.size.width, self.app.size.height)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small != self.has_class("-too-small"):
            self._keep_focus_while(small)
        self.set_class(small, "-too-small")
        self.set_class(width < FULL_WIDTH or height < FULL_HEIGHT, "-compact")
        for notice in self.query("#too-small"):
            notice.update(too_small_text(width, height))

    def _keep_focus_while(self, small: bool) -> None:
        """Below the minimum size every widget is hidden, but the one focused before (or given the
        focus as the screen opened) kept its keys: PgUp in the home screen's hidden list, never laid
        out, crashed the app (Textual's OptionList). While the message shows no widget has the focus,
        and the last one asked for gets it back."""
        if small:
            self._focus_later = self.focused
            super().set_focus(None)
        else:
            later, self._focus_later = self._focus_later, None
            if later is not None and later.is_attached and self.focused is None:
                super().set_focus(later)

    _focus_later = None

    def set_focus(self, widget, *args, **kwargs):
        if widget is not None and self.has_class("-too-small"):
            self._focus_later = widget   # given once the window is big enough
            return
        super().set_focus(widget, *args, **kwargs)


class DlsimScreen(Sized, Screen):
    pass


class DlsimModal(Sized, ModalScreen):
    """A dialog. Its first field has focus from the moment it is mounted, so what a learner types
    right after opening it lands there; a key that still reaches the dialog itself, with nothing
    focused, goes to that field rather than nowhere. Keys are never lost to a dialog being drawn.

    Tab is a priority binding: Textual sends each key to the widget focused when the key arrives,
    so a Tab handled later (by the field) would leave the keys typed after it on the old field."""

    BINDINGS = [Binding("tab", "next_field(1)", "next field", show=False, priority=True),
                Binding("shift+tab", "next_field(-1)", "previous field", show=False, priority=True)]

    _backdrop: tuple | None = None   # ((width, height), the tinted lines) of the screen below

    def render(self):
        rendered = super().render()
        return Backdrop(self, rendered) if isinstance(rendered, BackgroundScreen) else rendered

    def fields(self) -> list[Widget]:
        """What Tab visits, in the order the dialog composes them (top to bottom): the focus chain
        sorts by screen position, which is not known before the first layout."""
        chain = set(self.focus_chain)
        return [widget for widget in self.query("*") if widget in chain]

    def first_field(self) -> Widget | None:
        return next(iter(self.fields()), None)

    def action_next_field(self, step: int) -> None:
        fields = self.fields()
        if fields:
            at = fields.index(self.focused) + step if self.focused in fields else 0 if step > 0 else -1
            self.set_focus(fields[at % len(fields)])

    def on_mount(self) -> None:   # after Sized.on_mount (Textual calls each class's handler)
        field = self.first_field()
        if field is not None:
            self.set_focus(field)

    def on_key(self, event: events.Key) -> None:
        field = self.first_field()
        if self.focused is not None or field is None:
            return
        event.stop()
        event.prevent_default()
        self.set_focus(field)
        field._forward_event(events.Key(event.key, event.character))


class Backdrop:
    """The screen under a dialog, dimmed once per size. Textual dims it segment by segment every
    time the dialog is painted whole (three or four times while it opens: most of the time a dialog
    took to appear over a busy network), and a covered screen is not repainted meanwhile."""

    def __init__(self, modal: DlsimModal, tinted: BackgroundScreen):
        self.modal, self.tinted = modal, tinted

    def __rich_console__(self, console, options):
        size = (options.max_width, options.height)
        if self.modal._backdrop is None or self.modal._backdrop[0] != size:
            self.modal._backdrop = (size, list(self.tinted.__rich_console__(console, options)))
        return self.modal._backdrop[1]
