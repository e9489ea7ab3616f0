"""The app's picker for the learner's own data: it opens from the palette's command, a file chosen
in its tree (or typed) is read and the network rebuilt on it, and a refused file keeps the picker
open with its one line while the simulation stays as it was."""
from dlsim.tui.commands import _pick_data
from dlsim.tui.screens.data_picker import DataPickerScreen
from tests import own_data_files as files
from tests.tui.conftest import make_app, settle, until


async def test_a_file_chosen_in_the_tree_is_trained_on(tmp_path, monkeypatch):
    files.points_csv(tmp_path)
    monkeypatch.chdir(tmp_path)
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = app.screen.session
        _pick_data(app, app.screen)
        await pilot.pause(0.1)   # not settle: the tree's loader is a worker that never ends
        assert isinstance(app.screen, DataPickerScreen)
        await pilot.press("tab")            # from the path field to the tree
        assert await until(pilot, lambda: len(app.screen.query_one("#data-tree").root.children) == 1)
        await pilot.press("down", "enter")  # the tree's first entry: points.csv
        sim = session.sim
        assert await until(pilot, lambda: sim.own_data is not None and not isinstance(app.screen, DataPickerScreen))
        assert await until(pilot, lambda: "data: points.csv" in app.screen.simview.ui.notice)
        assert sim.summary()["dataset"] == "points.csv" and sim.data.X.shape == (48, 2)
        assert "data: points.csv · classes: 2 named" in app.screen.simview.ui.notice


async def test_a_refused_file_keeps_the_picker_open_with_one_line(tmp_path, monkeypatch):
    bad = files.write(tmp_path / "bad.csv", "x1,x2,label\n1,2,0\n1,two,1\n")
    monkeypatch.chdir(tmp_path)
    app = make_app("mlp")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = app.screen.session
        before = session.sim.data
        _pick_data(app, app.screen)
        await pilot.pause(0.1)   # not settle: the tree's loader is a worker that never ends
        await pilot.press(*str(bad), "enter")   # typed into the path field, which has the focus
        error = app.screen.query_one("#data-error")
        assert await until(pilot, lambda: "✗" in str(error.render()))
        assert "bad.csv line 3: 'two' in column x2 is not a number" in str(error.render())
        assert isinstance(app.screen, DataPickerScreen) and session.sim.data is before
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert not isinstance(app.screen, DataPickerScreen) and session.sim.own_data is None


async def test_a_folder_of_images_by_class_opens_when_chosen(tmp_path, monkeypatch):
    files.png_folder(tmp_path / "data")   # data/bars/{horizontal,vertical}/*.png
    monkeypatch.chdir(tmp_path)
    app = make_app("cnn", batch=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        session = app.screen.session
        _pick_data(app, app.screen)
        await pilot.pause(0.1)
        tree = app.screen.query_one("#data-tree")
        await pilot.press("tab")
        assert await until(pilot, lambda: len(tree.root.children) == 1)
        await pilot.press("down", "enter")   # data/: its subfolders hold folders, so it only opens
        assert await until(pilot, lambda: len(tree.root.children[0].children) == 1)
        assert isinstance(app.screen, DataPickerScreen)
        await pilot.press("down", "enter")   # data/bars/: subfolders of PNGs, so it is read
        assert await until(pilot, lambda: session.sim.own_data is not None)
        assert session.sim.summary()["dataset"] == "bars" and session.model.class_names == ("horizontal", "vertical")
