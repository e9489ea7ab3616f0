"""The RBM's (and the DBN's first layer's) pictures, paged, while a sample is in hand: the title keeps
whose chain the first pictures are ("sample N", it had dropped out for the page's words at 80×24 and
in the DBN at 120×40), and at 80×24, where a compact panel has no bottom border for the subtitle, it
keeps "blank: not drawn yet" too (it had disappeared)."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.rbm.pictures import Pictures

from .conftest import make_app, settle


@pytest.fixture(scope="module", autouse=True)
def warm():
    for net in ("rbm", "dbn"):
        warmup.warm(net)


@pytest.mark.parametrize("net, dataset, no_color, size", [
    ("rbm", "bars", False, (80, 24)), ("rbm", "digits", True, (80, 24)), ("dbn", "bars", False, (80, 24)),
    ("dbn", "digits", False, (120, 40))], ids=lambda c: str(c).replace(", ", "x"))
async def test_the_title_says_whose_chain_and_what_a_blank_picture_means(net, dataset, no_color, size, monkeypatch):
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(net, dataset=dataset)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for _ in range(12):   # by op, into the first sample's Gibbs chain (its later pictures not drawn yet)
            await pilot.press("right")
        await settle(pilot)
        panel = app.screen.query_one(Pictures)
        sample = app.screen.simview.frame.extras["shown"]["sample"]
        assert panel.pages > 1   # paged: the title's room goes to the page's words too
        title, subtitle = str(panel.border_title), str(panel.border_subtitle or "")
        assert f"sample {sample}" in title and len(title) <= panel.label_room(), title
        compact = panel.styles.border_bottom[0] == ""   # 80×24: no bottom border shows the subtitle
        assert "blank: not" in (title if compact else subtitle), (title, subtitle)
