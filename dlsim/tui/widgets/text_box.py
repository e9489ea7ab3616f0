"""The app's one-line text box: Textual's Input, with its own keys (Ctrl+U, Ctrl+W, ←, Home,
Backspace…) applied in the order they were typed.

Textual's Input inserts a typed character as its key event arrives, but runs the action of a key
it binds (Ctrl+U: delete everything left of the cursor) later, through the binding machinery. Keys
that arrive together — a fast typist, a paste of "^U0.5", a test driving a terminal — were applied
out of order: Ctrl+U then 0.5 left the box empty, Home then X put the X at the end. Here a bound
key's action runs in the key's own turn, before the next key is looked at; one that does not apply
(SkipAction: ↓ in a box with nothing to scroll) lets the key go on, as Textual's bindings do.
"""
import inspect

from textual import events
from textual.actions import SkipAction, parse
from textual.widgets import Input


class TextBox(Input):
    async def _on_key(self, event: events.Key) -> None:
        if not event.is_printable:
            for binding in self._bindings.key_to_bindings.get(event.key, ()):
                _, name, params = parse(binding.action)
                action = getattr(self, f"action_{name}", None)
                if action is None:
                    continue
                try:
                    done = action(*params)
                    if inspect.isawaitable(done):
                        await done
                except SkipAction:   # it does not apply here (a one-line box has nothing to scroll):
                    continue         # the key goes on, as Textual's own bindings do
                event.stop()
                event.prevent_default()   # done here: the binding must not run it a second time
                return
        await super()._on_key(event)
