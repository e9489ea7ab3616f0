"""A run frame's curves are worked out where the frame is built (the run worker), not on the UI
thread: the frame carries each curve's points, and the curves panel draws them, the same rows it
would draw from the frame's history itself. A perceptron on XOR adds 20,000 entries a frame; read on
the UI thread they were most of its frame."""
from types import SimpleNamespace

import dlsim
from dlsim.tui.runner import Runner
from dlsim.tui.session import Session
from dlsim.tui.views import view_for
from dlsim.tui.widgets.curve_points import CURVE_POINTS
from dlsim.tui.widgets.curves import Curves
from dlsim.tui.widgets.panel import UiState


def _text(rows):
    return ["".join(text for text, _ in row) for row in rows]


def _chunks(session, count=3, epochs=300):
    for _ in range(count):
        session.chunk = epochs   # the same epochs a chunk however fast the machine is
        session.run_chunk(Runner.CHUNK_S)


def _refuse(self, history):
    raise AssertionError("the curves panel read the history itself")


def test_the_panel_draws_the_points_the_frame_brings(monkeypatch):
    session = Session(dlsim.make("perceptron", dataset="xor"))
    view = view_for("perceptron")(session)
    panel = Curves(view, view.shown_charts())
    panel.follow_view()                          # the keys it draws, told to the view
    drawn = []
    for _ in range(4):
        _chunks(session)
        frame = session.frame(view.frame_extras, running=True)
        assert set(frame.extras[CURVE_POINTS]) == {key for chart in panel.charts for key, _ in chart.series}
        with monkeypatch.context() as patched:
            patched.setattr(Curves, "series", _refuse)
            drawn.append(_text(panel.rows(frame, UiState(), 58, 17)))
    again, alone, from_history = Session(dlsim.make("perceptron", dataset="xor")), Curves(None, panel.charts), []
    for _ in range(4):
        _chunks(again)
        frame = SimpleNamespace(extras={"unmeasured": again.sim.model.unmeasured()}, history=list(again.sim.history),
                                unit=("epoch", "ep"))
        from_history.append(_text(alone.rows(frame, UiState(), 58, 17)))
    assert drawn == from_history
    assert any("epoch 3,600" in line for line in drawn[-1])
