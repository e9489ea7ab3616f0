"""Keys offered only where they act on the network in front of the learner.

The keys panel (Ctrl+P Keys) lists every binding its `check_action` does not refuse; it listed
"t train" for every network (only a network of parts trains by parts), w and e where there is no
heatmap, h where there is one head. A screen or container lists such actions in `OFFERED` (action
name → whether it acts here, asked of the node), and they are left out of the panel where they do
not act. Pressed anyway, the key still runs its action, which says why nothing happens: a learner
who tries t on an MLP is told, as before, rather than met with silence (`explain_unoffered`)."""
from typing import Callable

from textual import events
from textual.actions import parse
from textual.css.query import NoMatches


class Offered:
    """Mixin: `check_action` refuses the actions of `OFFERED` where they do not act here."""
    OFFERED: dict[str, Callable] = {}

    def check_action(self, action: str, parameters) -> bool | None:
        offered = self.OFFERED.get(action)
        if offered is None:
            return super().check_action(action, parameters)
        try:
            return bool(offered(self))
        except NoMatches:   # asked before the screen is composed
            return True


def explain_unoffered(screen, event: events.Key) -> None:
    """A key no binding takes: where its binding was left out for not acting here (Offered), run its
    action anyway, so that it says why. Called by the screen as the key reaches it, before the
    bindings that are not priority ones, in the order Textual asks them (`_binding_chain`)."""
    for node, bindings in screen._binding_chain:
        for binding in bindings.key_to_bindings.get(event.key, ()):
            _, name, params = parse(binding.action)
            if node.check_action(name, params):
                return                                # a binding that acts takes the key
            if name in getattr(node, "OFFERED", {}):
                event.stop()
                event.prevent_default()
                getattr(node, f"action_{name}")(*params)
                return
