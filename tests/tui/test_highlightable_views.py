"""Each model declares the quantities its screen can highlight (`highlightable`), which `lesson check`
holds lessons to without importing the app; the views are what actually mark them. This keeps the
two in step: every view handles exactly the names its model declares — it names a panel for each
(`highlight_place`, which the narration's "look at … in the …" uses) and changes what it shows for
each (`highlight`), and for no other name its model inspects or its curves draw."""
from types import SimpleNamespace

import pytest

from dlsim.models import MODELS
from dlsim.sim.simulator import Simulator
from dlsim.tui.views import views

MISSING = object()
# the index forms a step may give: none, or an element of 1 to 4 axes
INDICES = [None] + [(0,) * n for n in range(1, 5)]


def changes(view_class, session, name: str) -> bool:
    """Whether highlighting `name` (in any index form) changes what a fresh view of it keeps."""
    for index in INDICES:
        view = view_class(session)
        before = dict(vars(view))
        view.highlight(name, index)
        after = vars(view)
        # an attribute first set by highlight() counts as its class's value before (MLPView.maps_of)
        if any(before.get(k, getattr(view_class, k, MISSING)) != after.get(k, getattr(view_class, k, MISSING))
               for k in set(before) | set(after)):
            return True
    return False


@pytest.mark.parametrize("network", list(views()))
def test_each_view_highlights_exactly_what_its_model_declares(network):
    view_class, model = views()[network], MODELS[network]
    session = SimpleNamespace(sim=Simulator(network))   # what a view asks of it when made (qlearn's)
    declared = set(model.highlightable)
    candidates = declared | set(model.inspected) | {m.key for m in model.metrics}
    assert {n for n in candidates if view_class(session).highlight_place(n) is not None} == declared
    assert {n for n in candidates if changes(view_class, session, n)} == declared


@pytest.mark.parametrize("network", list(MODELS))
def test_what_a_model_declares_highlightable_it_inspects(network):
    """A highlight is of a value the model computes; one shown whole is among those highlightable."""
    model = MODELS[network]
    assert set(model.highlightable) <= set(model.inspected)
    assert set(model.highlighted_whole) <= set(model.highlightable)


def test_some_network_declares_quantities():   # the test above is not vacuous
    assert sum(bool(MODELS[n].highlightable) for n in views()) >= 5
