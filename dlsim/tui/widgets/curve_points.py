"""The curves' points of a history, worked out with the frame on whichever thread builds it.

A run frame is built on the run worker (Session.frame), and a fast run adds thousands of history
entries a frame (a perceptron on XOR: 20,000 and more), each read once into the curves' summary
(curve_series): read on the UI thread, that was most of its frame. The view holds one CurvePoints;
the frame's extras carry its points (CURVE_POINTS), and the curves panel draws them, or works them
out itself from the frame's history where a frame has none (a frame built without the view's extras).
Only one thread builds frames at a time (the worker while it runs, the UI thread when paused).
"""
import numpy as np

from dlsim.tui.widgets.curve_series import Epochs, SeriesSummary

CURVE_POINTS = "curve_points"   # the frame extras' key: {history key: (epochs, values, version)}


class CurvePoints:
    def __init__(self):
        self.keys: tuple[str, ...] = ()     # the history keys the curves panel draws (it sets them)
        self._summaries: dict[str, SeriesSummary] = {}

    def update(self, history: list[dict]) -> dict[str, tuple[np.ndarray, np.ndarray, tuple]]:
        """{key: (epochs, values, version)} of each key in `keys`: the points to draw, read-only, and
        what changes whenever they do (the panel draws a chart again only then)."""
        epochs, out = Epochs(history), {}
        for key in self.keys:
            summary = self._summaries.setdefault(key, SeriesSummary(key))
            x, y = summary.update(history, epochs)
            out[key] = (x, y, (id(summary), summary.version))
        return out
