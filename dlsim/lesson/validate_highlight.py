"""What `@highlight NAME` may name on a network's screen: a weight its heatmap selects, a quantity its
view marks (the model's `highlightable`: an attention weight it centres on, a page it turns to), or a
metric its curves draw; and where it has an index, one inside it. The model class declares what its
screen shows, so this check never imports the app's views (tests/tui/test_highlightable_views.py
holds the views to the declarations).
"""
import numpy as np

from dlsim.errors import suggest
from dlsim.lesson.event_paths import fits


def _first(names: list[str], shown: int = 6) -> str:
    """'a, b, c' or, for a long list, its first names and how many more (a DBN's 17 weights)."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f", … ({more} more)" if more > 0 else "")


class HighlightChecks:
    """Mixed into the lesson validator (validate._Checker): its sim, lesson, problem() and param()."""

    def highlight(self, h) -> None:
        """@highlight: a parameter (a weight the heatmap selects), or a quantity the view marks (an
        attention weight it centres on: the model's `highlightable`), or a metric the curves draw
        (whole: no index); its index, where it has one, inside it."""
        model = self.sim.model
        # the metrics the curves draw for the task as it is (a regression draws no accuracy)
        metrics = [m.key for m in model.metrics if m.chart and (not m.classes or model.has_classes)]
        if h.name in metrics and h.name not in model.params:
            if h.index is not None:
                self.problem(h.line, f"@highlight: '{h.name}' is a metric the curves draw: it takes no index")
            return
        if h.name in model.params:
            if self.param(h.line, h.name, h.index, "@highlight") and not type(model).weights_on_screen:
                self.problem(h.line, f"@highlight: {self.lesson.network}'s screen has no weights panel to select "
                                     f"'{h.name}' in; highlight a quantity its view shows, or a metric")
            return
        if h.name not in type(model).highlightable:
            self.not_shown(h.line, h.name, metrics)
            return
        value = self.sim.model.inspect().get(h.name)
        if value is None:
            return      # not computed at this point of the lesson: nothing to hold the index to
        shape, whole = np.shape(value), h.name in type(self.sim.model).highlighted_whole
        cells = f"{h.name}[{','.join(f'0..{n - 1}' for n in shape)}]"
        if h.index is None and shape and not whole:
            # a view centres on one element of an array: without it the step shows nothing
            self.problem(h.line, f"@highlight: '{h.name}' has shape {shape}: name the element the view is to "
                                 f"centre on, {cells}")
        elif h.index is not None and (not shape or whole):
            what = "a number" if not shape else "shown whole by the view"
            self.problem(h.line, f"@highlight: '{h.name}' is {what}: it takes no index (write @highlight {h.name})")
        elif h.index is not None and not fits(h.index, shape):
            self.problem(h.line, f"@highlight: index [{','.join(map(str, h.index))}] is outside '{h.name}' of "
                                 f"shape {shape}: {cells}")

    def not_shown(self, line: int, name: str, metrics: list[str]) -> None:
        """A highlight of a name no panel of the network's screen shows (a value the model computes
        but its view does not mark, a metric no chart draws) or of no value at all: what the screen
        can highlight instead."""
        model = self.sim.model
        quantities = sorted(type(model).highlightable)
        weights = list(model.params) if type(model).weights_on_screen else []
        kinds = [(", ".join(quantities), ""), (_first(weights), "a weight: "), (_first(metrics), "a metric: ")]
        may = "; ".join(f"{kind}{names}" for names, kind in kinds if names)
        known = name in model.inspected or name in {m.key for m in model.metrics}
        what = f"no panel of {self.lesson.network}'s screen marks '{name}'" if known else \
            f"{self.lesson.network} has nothing named '{name}'"
        self.problem(line, f"@highlight: {what}{suggest(name, quantities + weights + metrics)}; it can highlight {may}")
