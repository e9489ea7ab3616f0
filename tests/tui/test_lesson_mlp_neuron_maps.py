"""mlp-xor's last step says what "the neuron maps" show (each hidden neuron positive over 0.81 of
the square, negative in the corner its line cuts off), and beside a lesson the maps were never
shown, at any size: the data plot alone had the room. `@highlight neuron_on[l, j]` puts layer l's
maps in the data plot's place. Their tiles wrote only each neuron's output for the sample in hand
("0 +0.95"), not the share the text quotes, and no tile was marked: now each tile writes the share
of the plane its neuron is on, as the model computes neuron_on, and the step's neuron is lit."""
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson

from .conftest import settle, text_of, until


def lit_text(maps) -> str:
    """What the maps' panel writes in reverse video (the marked tile's label)."""
    return "".join(seg.text for y in range(maps.size.height) for seg in maps.render_line(y)
                   if seg.style is not None and seg.style.reverse).strip()


async def test_the_neuron_maps_an_mlp_step_talks_about_are_on_the_80x24_screen(data_dir):
    player, session, note = open_lesson("mlp-xor")
    player.goto(8)                                        # "What the hidden layer did"
    app = DlsimApp(prewarm=False, lesson=(player, session, note))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        maps, plot = app.screen.query_one("#neurons"), app.screen.query_one("#decision")
        assert maps.display and maps.region.width >= 30 and maps.region.height >= 6
        assert not plot.display
        assert "h1" in str(maps.border_title) and "share" in str(maps.border_title)
        on = player.sim.inspect()["neuron_on"][0]         # the shares the step's text quotes
        tiles = text_of(maps).splitlines()[0].split()
        assert tiles == ["0", "on", f"{on[0]:.2f}", "1", "on", f"{on[1]:.2f}"]
        assert f"positive (on) over {on[0]:.2f}" in app.screen.player.view.text
        assert lit_text(maps) == f"0 on {on[0]:.2f}"      # @highlight neuron_on[0,0]: its tile is marked
        assert "in the neuron maps" in str(app.screen.query_one("#lesson-outcomes").render())
        await pilot.press("p")                            # a step without it: the data plot again
        assert await until(pilot, lambda: app.screen.player.index == 7, timeout=30)
        await settle(pilot, 0.3)
        assert plot.display and not maps.display
