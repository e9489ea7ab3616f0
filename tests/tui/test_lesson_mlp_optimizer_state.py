"""mlp-optimizers' momentum step is about the velocity (v = μ·v + ∂L/∂w = −0.407) and its Adam step
about m, but the weight inspector at 80×24 wrote the value, ∂L/∂w and the last change: nothing of
what the optimizer remembers. It now writes the selected weight's velocity (momentum) or m and v
(Adam), as the model holds them, beside its gradient."""
import re

from dlsim.protocol.numbers import num
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of, until


def written(panel, symbol: str) -> float:
    """The number the inspector writes after "symbol = "."""
    found = re.search(rf"(?<![∂/\w]){symbol} = ([−+-]?[\d.]+)", text_of(panel))
    assert found, text_of(panel)
    return float(found[1].replace("−", "-"))


async def test_the_inspector_writes_what_momentum_and_adam_remember_of_the_selected_weight(data_dir):
    player, session, note = open_lesson("mlp-optimizers")
    player.goto(4)                                        # "Momentum: the second step" on layer[1].W[0,0]
    app = DlsimApp(prewarm=False, lesson=(player, session, note))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        weights, model = app.screen.query_one("#weights"), player.sim.model
        velocity = model.optimizer_state()["v"]["layer[1].W"][0, 0]
        assert f"{num(velocity)}: the push" in player.view.text           # the number the text quotes
        assert abs(written(weights, "v") - velocity) < 5e-7
        app.screen.move(lambda: player.goto(9))          # "Adam: the second step" on layer[1].b[0]
        assert await until(pilot, lambda: player.index == 9, timeout=10)
        await settle(pilot, 0.3)
        state = player.sim.model.optimizer_state()      # @set optimizer=adam built a new model
        m, v = state["m"]["layer[1].b"][0], state["v"]["layer[1].b"][0]
        assert f"m = {num(m)} is still negative" in player.view.text
        assert abs(written(weights, "m") - m) < 5e-4 and abs(written(weights, "v") - v) < 5e-7
