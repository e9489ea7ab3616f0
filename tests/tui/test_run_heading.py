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
