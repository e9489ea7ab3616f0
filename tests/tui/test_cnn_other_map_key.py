"""The keys panel (Ctrl+P Keys) lists PgUp / PgDn "other map" on the CNN's stage only where there is a
pooled map to go to: without pooling there is none, and it was listed for a key that did nothing."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.widgets.image.stage import StagePanel

from .conftest import make_app, settle


@pytest.fixture(scope="module", autouse=True)
def warm_cnn():
    warmup.warm("cnn")


@pytest.mark.parametrize("pool, offered", [("max", True), ("none", False)])
async def test_other_map_is_listed_only_where_there_is_a_pooled_map(pool, offered):
    app = make_app("cnn", pool=pool)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one(StagePanel).focus()
        await settle(pilot)
        keys = set(app.screen.active_bindings)   # what the keys panel lists
        assert ("pagedown" in keys) is offered and ("pageup" in keys) is offered, sorted(keys)
