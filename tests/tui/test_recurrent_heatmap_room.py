"""The LSTM's weight heatmap at 120×40: under the cell diagram, above the task and the curves, it
shows a few rows of a gate's [W_x; W_h] and says which are out of view; given focus (Tab, or w) it
takes the task's and the curves' room (at 80×24 it takes the column) and shows every row: x0,
h0…h7 and the bias, the diagram still beside it."""
from dlsim.sim import warmup
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.timeline.cell import CellPanel
from dlsim.tui.widgets.timeline.task import TaskPanel

from .conftest import make_app, settle, text_of


def labels(text: str) -> set[str]:
    """The row labels the heatmap shows (the first word of each row of cells)."""
    return {line.split()[0] for line in text.splitlines() if line.strip() and line.split()[0][:1] in "xhb"
            and len(line.split()) > 1 and line.split()[1][:1] in "+−·"}


async def test_tab_to_the_lstm_heatmap_at_120x40_shows_every_row():
    warmup.warm("lstm")
    app = make_app("lstm")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        weights = app.screen.query_one(WeightsPanel)
        assert "▼ rows" in text_of(weights)          # beside the cell diagram: some rows out of view
        for _ in range(6):                            # Tab moves focus panel by panel
            if weights.has_focus:
                break
            await pilot.press("tab")
        await settle(pilot)
        assert weights.has_focus
        text = text_of(weights)
        assert labels(text) == {"x0", *(f"h{j}" for j in range(8)), "b"}, text
        assert "▼ rows" not in text, text
        assert shown(app.screen.query_one(CellPanel)) and not shown(app.screen.query_one(TaskPanel))
        weights.blur()                                # focus elsewhere: the task is back
        await settle(pilot)
        assert shown(app.screen.query_one(TaskPanel))


def shown(widget) -> bool:
    return all(node.display for node in widget.ancestors_with_self)
