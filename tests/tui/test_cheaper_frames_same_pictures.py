"""The shared drawing pieces made cheaper for run-mode frames draw exactly what they drew (issue 18,
responsive for every network): a braille line is the dots of a two-point polyline, a heatmap's
cells worked out for a whole block are the cells worked out one by one, and a panel repaints its
changed lines across its whole width, border included, with the screen the same as a full repaint."""
import numpy as np

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.network.heatmap_cells import plain_cells
from dlsim.tui.widgets.network.weights import Matrix, View, WeightsPanel
from tests.tui.conftest import make_app, shown_is_a_full_repaint


def test_a_line_is_the_dots_of_its_two_point_polyline():
    rng = np.random.default_rng(3)
    for trial in range(500):
        width, height = (int(v) for v in rng.integers(1, 30, 2))
        drawn, expected = Braille(width, height), Braille(width, height)
        for _ in range(int(rng.integers(1, 6))):
            ends = rng.uniform(-10, 70, 4)
            if trial % 9 == 0:
                ends[int(rng.integers(0, 4))] = np.nan
            key, power, dash = int(rng.integers(0, 4)), float(rng.integers(-2, 3)), int(rng.integers(0, 3))
            drawn.line(*ends, key=key, power=power, dash=dash)
            expected.polyline(ends[[0, 2]], ends[[1, 3]], key=key, power=power, dash=dash)
        assert (drawn.codes == expected.codes).all(), trial
        assert (drawn.keys == expected.keys).all() and (drawn.power == expected.power).all(), trial


def test_a_heatmap_block_has_the_cells_of_each_value_alone():
    rng = np.random.default_rng(4)
    for trial in range(300):
        inputs, outputs = (int(v) for v in rng.integers(1, 12, 2))
        W = rng.normal(size=(inputs, outputs)) * rng.choice([1e-3, 1.0, 100.0])
        W[rng.random(W.shape) < 0.2] = 0.0
        m = Matrix("t", W.astype(np.float32) if trial % 5 == 0 else W, rng.normal(size=outputs),
                   lambda r, c: ("W", (r, c)))
        scale = float(np.abs(np.concatenate([W.ravel(), m.bias])).max()) if trial % 7 else 0.0
        top, left = int(rng.integers(0, m.rows)), int(rng.integers(0, m.cols))
        view = View(top, m.rows - top, left, m.cols - left, False)
        for k, r in enumerate(range(view.top, m.rows)):
            for j, c in enumerate(range(view.left, m.cols)):
                v = m.value(r, c)
                one = (WeightsPanel._cell(v, scale), st.cell(st.sign_of(v), st.strength(v, scale),
                                                             bold=False, reverse=False, underline=False))
                assert plain_cells(m, view, scale)[k][j] == one, (trial, r, c)


async def test_a_run_frame_by_frame_ends_as_a_full_repaint_of_its_last_frame():
    app = make_app("gan")   # bordered panels at 120×40: each changed line repainted border to border
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.screen.simview
        for _ in range(4):
            view.session.run_chunk(1 / 90)
            view.draw(view.session.frame(view.view.extras, running=True))
            await pilot.pause()
        assert await shown_is_a_full_repaint(pilot)
