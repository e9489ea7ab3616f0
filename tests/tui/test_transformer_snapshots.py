"""The transformer's screen: SVG snapshots at 80×24 and 120×40 (trained three epochs, then stepped
to a query's softmax row inside the next sequence), one without colour, and what a learner reads in
them: the query in hand marked, each weight the model's number, the selected cell read out, the
heads paged with h."""
import numpy as np
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.transformer.attention import AttentionMatrix, shown_symbol, weight_text
from dlsim.tui.widgets.transformer.stream import ResidualStream

from .conftest import make_app, settle, text_of
from .test_snapshots import SIZES

# three epochs, then the embeddings (a layer), then op by op: 8 layer norms, 8 Q K V rows, three
# queries' scores, softmax and weighted sum, and query 3's scores and softmax
TO_QUERY_3 = ("5", "right", "right", "right", "2", "right", "1") + ("right",) * 27


@pytest.fixture(scope="module", autouse=True)
def warm_transformer():
    warmup.warm("transformer")


def _keys(*keys):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_transformer_attention(snap_compare, size):
    assert snap_compare(make_app("transformer"), terminal_size=size, run_before=_keys(*TO_QUERY_3))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_transformer_without_colour(snap_compare, size, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app("transformer"), terminal_size=size, run_before=_keys(*TO_QUERY_3))


async def test_the_matrix_shows_the_query_in_hand_with_the_models_numbers():
    app = make_app("transformer")
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys(*TO_QUERY_3)(pilot)
        sim = app.screen.simview.session.sim
        assert sim.last.op == "softmax" and sim.last.values["query"] == 3
        panel = app.screen.query_one(AttentionMatrix)
        lines = text_of(panel).splitlines()
        shown = sim.inspect()
        row = lines[1 + 3]   # under the keys' line: query 3
        assert row.startswith("▶") and shown["tokens"][3] in row[:4]
        for j, a in enumerate(sim.last.values["a"][:4]):
            assert weight_text(a, 4).strip() in row
        assert "·" in lines[1 + 4]   # query 4: not computed yet
        stream = text_of(app.screen.query_one(ResidualStream))
        assert "embeddings" in stream and "▶" in stream


async def test_a_cell_is_selected_and_read_out_and_h_pages_the_heads():
    app = make_app("transformer")
    async with app.run_test(size=(120, 40)) as pilot:
        await _keys("5", "right", "right")(pilot)
        panel = app.screen.query_one(AttentionMatrix)
        panel.focus()
        await pilot.press("up", "shift+right")
        await settle(pilot)
        sim = app.screen.simview.session.sim
        A = sim.inspect()["attention"]
        T = A.shape[-1]
        readout = [line for line in text_of(panel).splitlines() if line.startswith("a[")][0]
        assert readout.startswith(f"a[{T - 2},1]")
        assert f"{A[0, 0, T - 2, 1]:.4f}"[:5] in readout or "masked" in readout
        await pilot.press("h")
        await settle(pilot)
        assert "head 2/2" in panel.border_title
        assert np.isfinite(A).all()


async def test_the_distribution_follows_the_temperature_and_top_k_the_learner_picks():
    app = make_app("transformer", dataset="poems", length=8, samples=40, test=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttentionMatrix)   # the distribution is under its token strip
        await pilot.press("left_square_bracket", "k", "k", "k")   # cooler (0.75), then top 3
        await settle(pilot)
        sim = app.screen.simview.session.sim
        assert sim.config["temperature"] == 0.75 and sim.config["top_k"] == 3
        shown = sim.inspect()
        T = sim.model.task.context
        at_last = shown["sampling"][T - 1]
        assert np.count_nonzero(at_last) == 3 and np.isclose(at_last.sum(), 1.0)
        lines = text_of(panel).splitlines()
        heading = next(k for k, line in enumerate(lines) if line.startswith(f"next at {T - 1} (T 0.75, top 3):"))
        best = int(np.argmax(at_last))
        assert f"'{shown_symbol(sim.model.vocabulary[best])}' {at_last[best]:.2f}" in lines[heading + 1]
        text = "\n".join(lines)
        prompt, written = shown["generated"]
        assert written == sim.model.sample_text(prompt, len(written), 0.75, 3, sim.config["seed"])
        assert "".join(map(shown_symbol, written))[:20] in text   # the poem written with them


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_transformer_a_poem_of_16_characters_whole(snap_compare, size):
    """At 80×24 the matrix shows the queries that fit (its title says which: ↑ ↓ bring the others)
    and the token strip, the targets and the predictions stay whole under it."""
    app = make_app("transformer", dataset="poems", length=16)
    assert snap_compare(app, terminal_size=size, run_before=_keys("5", "right"))
