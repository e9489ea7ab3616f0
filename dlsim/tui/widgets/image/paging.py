"""Panels that take keys when focused (Tab reaches them, or a click: the CNN's stage, kernels and
classes, the MLP's neuron maps), and a panel whose contents may not fit: shown a page at a time, the
next page by a click or PgDn (the previous by PgUp); the title says which page and how to turn it."""
from textual.binding import Binding

from dlsim.tui.widgets.panel import Panel

HINT = "click/PgDn: more"


class Focusable(Panel):
    """A panel Tab and a click focus, but not the screen's first focus (that stays the heatmap's)."""
    can_focus = True

    def __init__(self, view, **kw):
        super().__init__(view, **kw)
        self._settled = False

    def on_mount(self) -> None:
        self.call_after_refresh(setattr, self, "_settled", True)

    @property
    def focusable(self) -> bool:
        return self._settled and super().focusable


class Paged(Focusable):
    BINDINGS = [Binding("pagedown", "turn(1)", "next page", show=False),
                Binding("pageup", "turn(-1)", "previous page", show=False)]

    def __init__(self, view, **kw):
        super().__init__(view, **kw)
        self.page = 0
        self._pages = 1

    @property
    def pages(self) -> int:
        return self._pages

    @pages.setter
    def pages(self, pages: int) -> None:
        if (pages > 1) != (self._pages > 1):   # PgDn / PgUp offered or not (check_action)
            self.refresh_bindings()
        self._pages = pages

    def check_action(self, action: str, parameters) -> bool | None:
        """PgDn / PgUp only where there is another page: the keys panel lists no key that does nothing."""
        return self._pages > 1 if action == "turn" else True

    def action_turn(self, by: int) -> None:
        self.page = (self.page + by) % max(self.pages, 1)
        self._rebuild()

    def on_click(self) -> None:
        self.action_turn(1)

    def paged_title(self, name: str, where: str, width: int) -> str:
        """The border title: `name`, and where there are several pages, which one this is (`where`)
        and how to turn it, as much of that as fits in `width`."""
        if self.pages <= 1:   # one page: the name, its first words given up where it is narrow
            words = name.split(" ")
            shorter = [" ".join(words[k:]) for k in range(len(words)) if words[k] != "·"]
            return next((text for text in shorter if len(text) <= width - 2), name)
        page = f"{self.page + 1}/{self.pages}"
        options = (f"{name} · {where} · {HINT}", f"{where} · {page} · {HINT}", f"{where} · {page} · PgDn",
                   f"{where} · {HINT}", f"{where} · PgDn", f"{page} · {HINT}", f"{page} · PgDn", page)
        return next((text for text in options if len(text) <= width - 2), options[-1])
