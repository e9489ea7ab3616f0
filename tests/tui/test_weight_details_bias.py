"""The weight details name a bias's gradient as a bias's."""
from dlsim.tui.widgets.network.weights import WeightsPanel

from .conftest import make_app, settle, text_of


async def test_a_selected_bias_reads_its_gradient_as_the_biases():
    """The weight details said ∂L/∂w for a selected bias b[0]."""
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "right", "w", "down", "down", "down")   # rows x0, x1, then b
        await settle(pilot)
        text = text_of(app.screen.query_one(WeightsPanel))
        assert "layer[0].b[0] = " in text and "∂L/∂b = " in text and "∂L/∂w" not in text
