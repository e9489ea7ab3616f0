"""What every dlsim screen shares: a compact layout below 120×40, and below the minimum size a
message saying how big the window must be (instead of a broken layout)."""
from textual import events
from textual.screen import ModalScreen, Screen
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
        self.set_class(small, "-too-small")
        self.set_class(width < FULL_WIDTH or height < FULL_HEIGHT, "-compact")
        for notice in self.query("#too-small"):
            notice.update(too_small_text(width, height))


class DlsimScreen(Sized, Screen):
    pass


class DlsimModal(Sized, ModalScreen):
    pass
