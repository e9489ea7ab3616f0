"""The network panel squeezed to one row of neurons (a lesson's weights panel open at 80×24 took the
rest): its columns wrap their neurons side by side, and the links, drawn to one neuron a row, ended
the app with an IndexError. The neurons still show; no link is drawn to where none stands."""
from dlsim.tui.widgets.network.graph import NetworkGraph

from .conftest import make_app, settle


async def test_a_panel_one_neuron_high_draws_every_neuron_and_no_broken_link():
    app = make_app("mlp", dataset="xor", hidden=(2,))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(NetworkGraph)
        graph = panel.view.graph(panel.frame, panel.ui)
        grid = panel.rows(panel.frame, panel.ui, 40, 2)      # a title row and one row of neurons
        text = "".join(ch for ch, _ in grid[1])
        assert [len(column.nodes) for column in graph.columns] == [2, 2, 1]
        assert text.split() == ["·"] * 5, text   # the five neurons, side by side, and no link
