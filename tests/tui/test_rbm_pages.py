"""Where the RBM's (and the DBN's first layer's) pictures do not all fit — the receptive fields at
80×24, the digits' dreams at 120×40 without colour — they are shown a page at a time: the title says
what the next page holds and how to turn it (a click, or Tab then PgDn), and every hidden unit's
field is on some page (they were left out before, with no word of them)."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.rbm.pictures import Pictures

from .conftest import every_page, make_app, settle, tab_to, text_of

CASES = [("rbm", "bars", False, (80, 24)), ("rbm", "digits", False, (80, 24)), ("rbm", "bars", True, (80, 24)),
         ("dbn", "bars", False, (80, 24)), ("rbm", "digits", True, (120, 40))]


@pytest.fixture(scope="module", autouse=True)
def warm():
    for net in ("rbm", "dbn"):
        warmup.warm(net)


@pytest.mark.parametrize("net, dataset, no_color, size", CASES, ids=lambda c: str(c).replace(", ", "x"))
async def test_every_receptive_field_is_on_a_page_the_title_says_how_to_turn_to(net, dataset, no_color, size,
                                                                               monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(net, dataset=dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(Pictures)
        hidden = len(app.screen.simview.frame.extras["shown"]["fields"])
        first_title = str(panel.border_title)
        assert "receptive fields" not in text_of(panel)   # they do not fit with the rest: so they are paged
        assert "click/PgDn" in first_title and len(first_title) <= panel.label_room(), first_title

        async def click():
            await pilot.click(Pictures)
        turned = await every_page(pilot, panel, click)
        assert len(turned) > 1
        shown = "\n".join(text for _, text in turned)
        assert "receptive fields (±" in shown
        names = {word for line in shown.splitlines() for word in line.split() if word[:1] == "h" and word[1:].isdigit()}
        # each hidden unit's field, once found, named by its index as the heatmap's columns and the
        # math panel's paths name it (rbm.step[0].h[15] is h15, not h16)
        assert names == {f"h{j}" for j in range(hidden)}
        assert any("fields" in title for title, _ in turned[:-1]), [t for t, _ in turned]   # named before it is shown


async def test_tab_then_pgdn_turns_the_page():
    app = make_app("rbm")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(Pictures)
        before = text_of(panel)
        await tab_to(pilot, panel, 4)
        await pilot.press("pagedown")
        await settle(pilot)
        assert text_of(panel) != before and "receptive fields (±" in text_of(panel)
