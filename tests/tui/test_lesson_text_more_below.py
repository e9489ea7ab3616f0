"""At 80×24 a lesson step's text can be longer than the narration's few rows: mlp-optimizers' first
step showed four of its lines above the question, and "Before any training the loss is 0.947" was
below them, said only by the scroll bar's colour (nothing under NO_COLOR). A line under the text now
says there is more and which key reads it, while there is."""
from .conftest import opened_at, settle


def more_below(app) -> bool:
    """Whether the 'more below: PgDn' line is on screen."""
    line = app.screen.narration.query_one("#lesson-more")
    return line.display and line.region.height == 1 and "PgDn" in str(line.render())


def at_the_end(app) -> bool:
    scroll = app.screen.narration.scroll
    return scroll.max_scroll_y > 0 and scroll.scroll_y >= scroll.max_scroll_y


async def test_a_step_longer_than_the_panel_says_so_until_it_is_read(data_dir):
    app = opened_at("mlp-optimizers", 0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        assert more_below(app)
        for _ in range(10):                                   # read on, a page at a time
            if not more_below(app):
                break
            await pilot.press("pagedown")
            await settle(pilot, 0.1)
        assert not more_below(app) and at_the_end(app)
        assert app.screen.player.index == 0                   # reading on did not leave the step
        await pilot.press("pageup")
        await settle(pilot, 0.1)
        assert more_below(app)


async def test_a_step_that_fits_says_nothing_more(data_dir):
    app = opened_at("mlp-optimizers", 0)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, 0.3)
        assert app.screen.narration.scroll.max_scroll_y == 0
        assert not more_below(app)


async def test_a_window_made_big_enough_drops_the_line(data_dir):
    app = opened_at("mlp-optimizers", 0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, 0.3)
        assert more_below(app)
        await pilot.resize_terminal(160, 50)
        await settle(pilot, 0.3)
        assert app.screen.narration.scroll.max_scroll_y == 0 and not more_below(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot, 0.3)
        assert more_below(app)


async def test_the_line_follows_the_rows_an_answer_takes(data_dir):
    """Answering grows the question's panel (the verdict and why), so the text has fewer rows,
    though the text itself did not change: read to its end first, the line comes back."""
    app = opened_at("mlp-optimizers", 0)
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot, 0.3)
        for _ in range(10):
            if not more_below(app):
                break
            await pilot.press("pagedown")
            await settle(pilot, 0.1)
        assert at_the_end(app) and not more_below(app)
        await pilot.press("pageup", "b")
        await settle(pilot, 0.3)
        scroll = app.screen.narration.scroll
        assert more_below(app) == (scroll.scroll_y < scroll.max_scroll_y)
        assert more_below(app)
