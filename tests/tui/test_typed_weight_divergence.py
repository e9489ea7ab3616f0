"""A weight typed in by hand far out of scale makes training diverge: the warning says the typed
weight is the cause, not the learning rate, and ← goes back to where it was typed with the value it
had before (going back before the updates alone replayed the edit: the weight still 1e6)."""

import numpy as np

import dlsim
from dlsim.protocol.numbers import num
from dlsim.tui.session import Session

from .conftest import make_app, settle, sim_view, until

WEIGHT, CELL = "layer[2].W", (2, 0)


def diverge(s: Session, most=30) -> None:
    for _ in range(most):
        s.step("epoch")
        if s.diverged:
            return
    raise AssertionError("training did not diverge")


def test_a_weight_typed_at_the_start_is_named_and_back_undoes_it():
    s = Session(dlsim.make("mlp"))
    old = float(s.model.params[WEIGHT][CELL])
    s.set_weight(WEIGHT, CELL, 1e6)
    diverge(s)
    assert f", after you set {WEIGHT}[2,0] = 1.000e6: " in s.diverged
    assert "learning rate" not in s.diverged      # no rate is to blame
    assert s.diverged.endswith(f"Press ← to go back to the start of training, before you set it (it was {num(old)}).")
    s.back()
    assert (s.model.epoch, s.model.steps, s.diverged) == (0, 0, None)
    assert s.model.params[WEIGHT][CELL] == old
    for _ in range(10):                           # and from there it trains as before the edit
        s.step("epoch")
    assert s.diverged is None


def test_a_weight_typed_after_some_epochs_goes_back_there_keeping_them():
    s = Session(dlsim.make("mlp"))
    for _ in range(3):
        s.step("epoch")
    old = float(s.model.params[WEIGHT][CELL])
    s.set_weight(WEIGHT, CELL, -1e6)
    diverge(s)
    assert f", after you set {WEIGHT}[2,0] = −1.000e6: " in s.diverged
    assert "Press ← to go back to the end of epoch 3, before you set it" in s.diverged
    s.back("op")
    assert (s.model.epoch, s.sim.at_epoch_boundary(), s.diverged) == (3, True, None)
    assert s.model.params[WEIGHT][CELL] == old


def test_a_weight_typed_within_scale_leaves_the_blame_on_the_learning_rate():
    s = Session(dlsim.make("mlp", lr=1000))
    s.set_weight(WEIGHT, CELL, 0.5)
    diverge(s)
    assert "after you set" not in s.diverged and "lower the learning rate (l)" in s.diverged


def test_where_the_history_no_longer_reaches_the_edit_the_warning_says_what_to_do():
    s = Session(dlsim.make("mlp"))
    old = float(s.model.params[WEIGHT][CELL])
    s.set_weight(WEIGHT, CELL, 1e6)
    s.sim.stepper.memory = 0                      # keep as little history as it can: not the start
    for _ in range(1000):
        s.step("sample")
        if s.diverged:
            break
    assert f", after you set {WEIGHT}[2,0] = 1.000e6: " in s.diverged
    assert s.diverged.endswith(f"The history no longer reaches back to it: set it back to {num(old)} "
                               "(w, then e), or press r to start over.")


async def test_in_the_app_the_warning_names_the_weight_as_the_heatmap_does_and_back_undoes_it():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        sim = sim_view(app)
        await settle(pilot)
        old = float(sim.session.model.params[WEIGHT][CELL])
        assert sim.set_weight(WEIGHT, CELL, "1e6") is None        # as the editor's e does
        await pilot.press("5", "right")                            # its first epoch blows up
        assert await until(pilot, lambda: sim.session.diverged is not None, timeout=30)
        label = sim.weight_label((WEIGHT, CELL))
        assert f"after you set {label} = 1.000e6" in sim.session.diverged
        await pilot.press("left")
        assert await until(pilot, lambda: sim.session.diverged is None, timeout=30)
        assert sim.session.model.steps == 0 and sim.session.model.params[WEIGHT][CELL] == old


def test_an_edit_typed_after_a_slow_sign_began_is_not_its_cause():
    """Outputs saturated since epoch 3; a weight typed out of scale at the end of epoch 4 found the
    trouble already there: ← goes before epoch 3, not to the edit (inside the saturated stretch)."""
    import numpy as np

    from dlsim.sim.cursor import Cursor
    from dlsim.tui.typed_weights import to_blame, typed
    W = np.full((2, 2), 0.5)
    early = typed(Cursor(1, 0, 0, 0), 1, "W", (0, 0), "W[0,0]", W, 1e6)
    late = typed(Cursor(4, 0, 0, 0), 4, "W", (0, 0), "W[0,0]", W, 1e6)
    since = Cursor(0, 0, 0, 0)
    assert to_blame([late], since, began=3) is None
    assert to_blame([early, late], since, began=3) is early
    assert to_blame([late], since) is late          # an explosion has no start: the edit is to blame


def test_a_whole_parameter_set_through_the_api_is_no_typed_weight():
    s = Session(dlsim.make("mlp"))
    s.set_weight(WEIGHT, None, 0.1)                 # every element: the API's set, not the editor's
    assert (s.model.params[WEIGHT] == 0.1).all() and s.diverged is None

