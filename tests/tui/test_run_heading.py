"""After a run (f, or space at a level), the math panel's heading names the run, not a step of the
level the learner steps by: "op step done run" told of an op step that never happened."""
from .conftest import make_app, settle, sim_view, text_of, until


async def test_the_heading_after_a_run_names_no_step():
    app = make_app("perceptron", dataset="and")
    async with app.run_test(size=(80, 24)) as pilot:
        sim = sim_view(app)
        await pilot.press("f")                     # AND converges after a few epochs: the run stops
        assert await until(pilot, lambda: sim.runner is None and sim.session.model.converged())
        await settle(pilot)
        panel = app.screen.query_one("#math")
        heading = text_of(panel).splitlines()[0]
        assert "run · perceptron" in heading and "step done" not in heading, heading
        assert "ran" in text_of(panel), text_of(panel)   # the body says what the run did


async def test_the_heading_names_the_level_of_the_step_it_sums_up_after_the_level_changes():
    # a batch step, then 1 (op level) to step finer: the panel still sums up the batch, and says so
    app = make_app("mlp", dataset="xor")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "right")
        await settle(pilot)
        panel = app.screen.query_one("#math")
        assert "batch step done" in text_of(panel).splitlines()[0], text_of(panel)
        for key, word in (("1", "op"), ("5", "epoch")):
            await pilot.press(key)
            await settle(pilot)
            heading = text_of(panel).splitlines()[0]
            assert "batch step done" in heading and f"{word} step done" not in heading, heading
