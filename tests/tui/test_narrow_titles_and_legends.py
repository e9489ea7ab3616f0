"""What a learner found cut or unnamed at 80×24: panel titles ending in "…", a heatmap header that
lost "layer" (or W, or ∂L/∂W), curve legends whose lines had no names, a "–" that did not say why,
and the last epoch's label written over a |TD error| line. Each panel picks the form of its title
that fits (the long one comes back at 120×40), and each chart's lines are named somewhere a learner
can read: in its legend, or in the panel's title where the legend has no room."""
import numpy as np
import pytest
from rich.cells import cell_len

from dlsim.sim import warmup
from dlsim.tui.widgets.curves import Chart, Curves
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.panel import Panel

from .conftest import make_app, settle, sim_view, text_of

SIZES = [(80, 24), (120, 40)]
NETWORKS = ("diffusion", "qlearn", "dqn", "ae", "vae", "rbm", "dbn", "cnn")


@pytest.fixture(scope="module", autouse=True)
def warm():
    for name in NETWORKS + ("gan", "lstm"):
        warmup.warm(name)


def room(panel) -> int:
    """The cells Textual gives a border title before it cuts it with "…" (textual._border): the
    width less the border's ends, and a corner and a space each side that has a border."""
    sides = (panel.styles.border_left[0] != "") + (panel.styles.border_right[0] != "")
    return panel.outer_size.width - 2 - 2 * sides


async def press(pilot, *keys):
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


@pytest.mark.parametrize("name", NETWORKS)
async def test_every_title_reads_whole_at_80x24_and_the_long_one_comes_back_at_120x40(name):
    for size in SIZES:
        app = make_app(name)
        async with app.run_test(size=size) as pilot:
            await press(pilot, "2", "right", "right", "right")
            for panel in app.screen.query(Panel):
                if panel.display and panel.outer_size.width:
                    title = str(panel.border_title or "")
                    assert cell_len(title) <= room(panel), (name, size, panel.id, title, room(panel))
            forms = sim_view(app).view.curves_title
            if size == (120, 40) and not isinstance(forms, str):
                curves = app.screen.query_one(Curves)
                assert curves.border_title == forms[0] or cell_len(forms[0]) > room(curves), (name, forms)


async def header(app, pilot, phase: str | None = None) -> str:
    """The heatmap's first line, after stepping op by op until `phase` (any phase: none)."""
    for _ in range(40):
        if phase is None or sim_view(app).frame.phase == phase:
            break
        await press(pilot, "right")
    return text_of(app.screen.query_one(WeightsPanel)).splitlines()[0]


@pytest.mark.parametrize("name, kinds", [("gan", ("W", "∂L/∂W")), ("cnn", ("K", "∂L/∂"))])
async def test_the_heatmap_header_says_layer_and_what_its_numbers_are_at_80x24(name, kinds):
    """The header read "layer  0  1  2  3  4  5  ±9 = 0.577" (a GAN): which tab is a layer, but not
    whether the cells are weights; or "0  1  ∂L/∂W · ±9 = …" without "layer". The matrix's name and
    "[i,j]" give way first, then the tabs narrow."""
    app = make_app(name)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2")
        forward = await header(app, pilot)
        assert forward.startswith("layer ") and f" {kinds[0]} " in forward and "±9" in forward, forward
        backward = await header(app, pilot, "backward")
        assert backward.startswith("layer ") and kinds[1] in backward, backward
        assert "±9" in backward or "all 0" in backward, backward   # the legend (gradients start at 0)


def head(curves: Curves, k: int) -> str:
    """Chart k's legend line, as drawn."""
    rows = text_of(curves).splitlines()
    n, height = len(curves.charts), curves.size.height
    start = sum(height // n + (1 if j < height % n else 0) for j in range(k))
    return rows[start]


async def test_the_lstms_curve_key_keeps_apart_from_the_rule_it_sits_on_at_80x24():
    """At 80×24 the LSTM's charts have no room to name their lines; the panel's title does
    ("── train ┄┄ test"), but on a compact panel's top rule its "──" ran into the rule and read as
    part of it: the train/test key seemed gone."""
    app = make_app("lstm")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "5", "right")
        curves = app.screen.query_one(Curves)
        assert str(curves.border_title).startswith(" ── train ┄┄ test"), curves.border_title
        loss = head(curves, 0)
        assert loss.startswith(("loss", "──")) and "┄┄" in loss, loss   # the title's glyphs, each a line


async def test_a_chart_whose_lines_the_panel_title_does_not_name_keeps_their_names():
    """The GAN's curves panel is titled "curves": its "D accuracy · distance" chart read
    "D accuracy · distance  ── 0.726  ┄┄ 1.000" at 80×24, which line which left to a guess."""
    app = make_app("gan")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "5", "right")
        shown = head(app.screen.query_one(Curves), 1)
        assert "── D acc " in shown and "┄┄ distance " in shown, shown


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_dqns_mean_of_the_last_100_says_when_it_comes(size):
    """Before 100 episodes have finished the mean of the last 100 has no value: the legend showed a
    bare "–"; it says when the line begins."""
    app = make_app("dqn")
    async with app.run_test(size=size) as pilot:
        await press(pilot, "5", "right")
        assert sim_view(app).frame.history[-1].get("mean100") is None
        curves = app.screen.query_one(Curves)
        assert "after 100 episodes" in head(curves, 0), head(curves, 0)
        assert "mean of last 100" in str(curves.border_title), curves.border_title


def test_the_last_epoch_label_is_not_written_over_a_line_along_the_bottom():
    """Q-learning's mean |TD error| falls to about 0 and runs along the whole bottom row: "epoch N"
    was written over it, label and line over each other. It goes where the line is not."""
    td = Chart("|TD error|", (("td", "mean |δ|"),))
    epochs = np.arange(1, 201, dtype=float)
    values = np.where(epochs < 5, 0.08, 1e-4)
    rows = Curves._chart(None, td, {"td": (epochs, values)}, 200, 26, 6)
    bottom = "".join(text for text, _ in rows[-1])
    assert "epoch" not in bottom and all("\u2800" < c <= "\u28ff" for c in bottom[7:]), bottom
    assert any("epoch 200" in "".join(text for text, _ in row) for row in rows[1:-1])


async def test_a_compact_panel_writes_the_subtitle_a_learner_needs_on_its_last_row():
    """At 80×24 a panel has no bottom border, and Textual drew no subtitle: the diffusion plane's
    keys for t and ᾱ_t, the schedule's loss at t, CartPole's state and the value plane's range were
    nowhere on screen. Their last row carries them."""
    app = make_app("diffusion")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "right")
        plane = text_of(app.screen.query_one("#decision")).splitlines()[-1]
        # at t = 0 (the generated points) the plane writes their distance to the data, ᾱ_0 being 1
        assert plane.startswith("distance to data ") and "↑↓" in plane and plane.rstrip().endswith(": t"), plane
        schedule = text_of(app.screen.query_one("#graph")).splitlines()[-1]
        assert schedule.startswith("t = 0: ᾱ_t = "), schedule
    app = make_app("dqn")
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "2", "right")
        scene = text_of(app.screen.query_one("#scene")).splitlines()[-1]
        assert scene.startswith("x ") and " θ " in scene and "return" in scene, scene
        value = text_of(app.screen.query_one("#decision")).splitlines()[-1]
        assert value.startswith("max Q ") and "min" in value, value
