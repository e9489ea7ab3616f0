"""The footer of keys, rebuilt once however many times the keys on offer changed since it last was.

Textual's Footer rebuilds all its keys (mounting a widget and applying styles for each) after every
change of the bindings: focus moving, a screen pushed, a panel that offers other keys now. Opening a
network's screen makes about ten such changes before its first frame, each a rebuild of ~20 keys that
the next one throws away. Here one rebuild is pending at a time, and it reads the bindings as they are
when it runs, so what it shows is what the last change left.
"""
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    _rebuild_pending = False

    def bindings_changed(self, screen) -> None:
        # Textual's own (8.x), but for the pending flag: where a Textual has no such hook, the footer
        # is only rebuilt as often as before
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        await self.recompose()
