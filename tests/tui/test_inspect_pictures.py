"""What the MLP's and the perceptron's screens draw is what their models inspect: the graph's neuron
values, the decision surface's class-1 side, each neuron map's positive side, the perceptron's line
(the same names a lesson quotes and a headless trace carries)."""
import numpy as np

from dlsim.models.mlp_inspect import SUMMARY_GRID
from dlsim.protocol.plane import grid
from dlsim.tui.widgets.data.decision import surface_pixels
from dlsim.tui.widgets.halfblock import levels

from .conftest import make_app, settle, sim_view


async def test_the_mlp_screen_draws_what_the_model_inspects():
    app = make_app("mlp", hidden=[4, 3], dataset="circle")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sim = sim_view(app)
        await pilot.press("2", "right", "right", "1", "right")      # a sample's h1, h2, then the output's z
        seen = sim.session.sim.inspect()
        frame = sim.frame
        columns = sim.view.graph(frame, sim.ui).columns
        for l, n in enumerate((4, 3)):                              # the graph's neurons: their outputs
            assert [node.value for node in columns[l + 1].nodes] == list(seen["activations"][l, :n])
        assert columns[3].nodes[0].value == seen["sums"][2, 0] and np.isnan(seen["activations"][2, 0])
        assert [node.value for node in columns[0].nodes] == list(seen["x"])
        assert frame.extras["sample"] == seen["sample"]
        # the plot's grid set to inspect()'s: its class-1 pixels, and each map's positive ones
        sim.view.surface_size = (SUMMARY_GRID, SUMMARY_GRID // 2)
        sim.redraw()
        extras = sim.frame.extras
        assert extras["extent"] == sim.session.model.plane()
        sign, _ = surface_pixels(extras["surface"], SUMMARY_GRID // 2, SUMMARY_GRID)
        assert np.mean(sign > 0) == seen["surface_class1"] and 0 < seen["surface_class1"] < 1
        for l, (maps, (centre, full)) in enumerate(zip(extras["units"][:-1], extras["unit_scales"][:-1])):
            positive = levels(maps, centre, full)[0] > 0
            assert np.array_equal(positive.mean(axis=(1, 2)), seen["neuron_on"][l, :len(maps)])
        # and the surface the plot shows is the model's over its own grid
        points = grid(extras["extent"], SUMMARY_GRID, SUMMARY_GRID)
        model_surface = sim.session.model.over_plane(points, extras["surface"].shape)["surface"]
        assert np.array_equal(extras["surface"], model_surface)


async def test_the_perceptron_screen_draws_the_line_the_model_inspects():
    app = make_app("perceptron", dataset="or")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", *["right"] * 5, "1", *["right"] * 6)   # an epoch, then (0, 0) up to b's update
        sim = sim_view(app)
        seen = sim.session.sim.inspect()
        assert seen["line_moved"] and seen["line"] != seen["line_before"]
        extras = sim.frame.extras
        shown = (extras["line"], extras["line_before"], extras["sample"])
        assert shown == (seen["line"], seen["line_before"], seen["sample"])
        await pilot.press("3", "right", "right")                   # (0, 1): already right, nothing moves
        seen = sim.session.sim.inspect()
        assert seen["line_moved"] is False and sim.frame.extras["line_before"] is None
        assert sim.frame.extras["line"] == seen["line"]
