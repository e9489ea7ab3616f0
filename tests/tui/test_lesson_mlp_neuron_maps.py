"""mlp-xor's last step says what "the neuron maps" show (each hidden neuron positive over 0.81 of
the square, negative in the corner its line cuts off), and beside a lesson the maps were never
shown, at any size: the data plot alone had the room. `@highlight neuron_on[l, j]` puts layer l's
maps in the data plot's place."""
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of, until


async def test_the_neuron_maps_an_mlp_step_talks_about_are_on_the_80x24_screen(data_dir):
    player, session, note = open_lesson("mlp-xor")
    player.goto(8)                                        # "What the hidden layer did"
    app = DlsimApp(prewarm=False, lesson=(player, session, note))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        maps, plot = app.screen.query_one("#neurons"), app.screen.query_one("#decision")
        assert maps.display and maps.region.width >= 30 and maps.region.height >= 6
        assert not plot.display
        tiles = text_of(maps).splitlines()[0].split()
        assert "h1" in str(maps.border_title) and tiles[0::2] == ["0", "1"]   # the hidden layer's two neurons
        assert "in the neuron maps" in str(app.screen.query_one("#lesson-outcomes").render())
        await pilot.press("p")                            # a step without it: the data plot again
        assert await until(pilot, lambda: app.screen.player.index == 7, timeout=30)
        await settle(pilot, 0.3)
        assert plot.display and not maps.display
