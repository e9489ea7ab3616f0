"""At 80×24 nothing a learner needs is cut: the data plot's title, its sample's coordinates, and the
label that says the heatmap shows gradients (without it ∂L/∂W reads as weights)."""
from .conftest import make_app, settle, sim_view, text_of

SMALL_GAN = {"samples": 64, "batch": 4, "d_hidden": (3,), "g_hidden": (4,)}


async def test_the_gan_heatmap_says_it_shows_gradients_during_the_backward_pass():
    app = make_app("gan", **SMALL_GAN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        for _ in range(12):
            await pilot.press("right")
            await settle(pilot)
            if sim_view(app).frame.phase == "backward":
                break
        assert sim_view(app).frame.phase == "backward"
        header = text_of(app.screen.query_one("#weights")).splitlines()[0]
        assert "∂L/∂W" in header and "±9 = " in header, header


async def test_the_mlp_data_title_and_sample_read_whole_at_80x24():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3", "right")
        await settle(pilot)
        plot = app.screen.query_one("#decision")
        title = str(plot.border_title)
        assert "…" not in title and len(title) <= plot.size.width - 2
        assert "o" in title and "x" in title                      # which glyph is which class
        last = text_of(plot).splitlines()[-1]
        assert last.startswith(("sample ", "#")) and last.split(")")[0].count(",") == 1, last
