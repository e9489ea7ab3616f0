"""A 16-character poem at 80×24: the residual stream (17 rows for one line of stages) took the whole
right column and the training curves shrank to their title row. Now it shows a window of the
positions, says which in its title ("pos 7–15/16"), follows the query the learner selects (↑ ↓), and
the curves keep a readable plot; where the column has room (120×40) every position is shown."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.curves import Curves
from dlsim.tui.widgets.transformer.stream import ResidualStream

from .conftest import make_app, settle, text_of

POEM = {"dataset": "poems", "length": 16}


@pytest.fixture(scope="module", autouse=True)
def warm_transformer():
    warmup.warm("transformer")


def _positions(stream) -> list[str]:
    """The position labels of the stream's rows (its first line names the stages)."""
    return [line[:3].strip(" ▶") for line in text_of(stream).splitlines()[1:] if line[:3].strip()]


def _plot_rows(curves) -> int:
    """The rows of the first chart's plot: its axis lines up to the next legend."""
    lines = text_of(curves).splitlines()
    rows = 0
    for line in lines[1:]:
        if "┤" not in line:
            break
        rows += 1
    return rows


async def test_the_curves_keep_a_plot_and_the_stream_says_which_positions_it_shows_at_80x24():
    app = make_app("transformer", **POEM)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        stream, curves = app.screen.query_one(ResidualStream), app.screen.query_one(Curves)
        assert _plot_rows(curves) >= 2, text_of(curves)
        title = str(stream.border_title)
        assert " · pos " in title and title.endswith("/16") and len(title) <= stream.label_room(), title
        first, last = (int(n) for n in title.split(" · pos ")[1].split("/")[0].split("–"))
        assert len(_positions(stream)) == last - first + 1 < 16
        assert "embeddings" in text_of(stream) and "after block 0" in text_of(stream)   # both stages still
        for _ in range(12):   # ↑ selects earlier queries: the window follows
            await pilot.press("up")
        await settle(pilot)
        title = str(stream.border_title)
        assert " · pos 0–" in title, title


async def test_every_position_where_the_column_has_room():
    app = make_app("transformer", **POEM)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        stream = app.screen.query_one(ResidualStream)
        assert " · pos " not in str(stream.border_title)
        assert len(_positions(stream)) == 16
