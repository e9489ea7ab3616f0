"""The app's file picker for the learner's own data (the palette's "Open your own data…"): a tree
of the folders from where dlsim started, a path field it fills, and a line saying how far a large
file has been read. The file is read in a thread through the same loader as `--data`; a refused
one keeps the picker open with its one line, and the simulation stays as it was."""
from pathlib import Path
from typing import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Input, Static

from dlsim.errors import UserError
from dlsim.protocol.own_data import FORMATS, kinds_said
from dlsim.sim import own_data
from dlsim.tui.screens.base import DlsimModal
from dlsim.tui.widgets.text_box import TextBox

SUFFIXES = (".csv", ".npy", ".npz", ".txt")


class DataTree(DirectoryTree):
    """Folders, and only the files the loader reads."""

    def filter_paths(self, paths):
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in SUFFIXES)]


def image_folder(path: Path) -> bool:
    """Whether `path` looks like a folder of images by class: a subfolder holding PNGs. Its parents
    do not (their subfolders hold folders), so choosing them in the tree only opens them."""
    try:
        return any(p.is_dir() and any(f.suffix.lower() == ".png" for f in p.iterdir()) for p in path.iterdir())
    except OSError:
        return False


class DataPickerScreen(DlsimModal):
    BINDINGS = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    #data-picker { max-width: 90; height: 90%; max-height: 30; }
    #data-tree { height: 1fr; min-height: 3; background: #15171c; }
    #data-progress { height: auto; }
    """

    def __init__(self, cls, start: Path, use: Callable[[object], None]):
        """`cls`: the network's class (what data it takes); `use(data)` is called with the loaded
        data, in the app's thread, once it has been read and checked."""
        super().__init__()
        self.cls, self.start, self.use = cls, Path(start), use

    def compose(self) -> ComposeResult:
        with Vertical(id="data-picker", classes="dialog"):
            yield Static(f"Your own data for {self.cls.name} (it takes {kinds_said(self.cls.kinds)})",
                         classes="dialog-title")
            yield TextBox(placeholder="a path, or choose below", compact=True, id="data-path")
            yield DataTree(self.start, id="data-tree")
            yield Static("", id="data-progress", classes="hint")
            yield Static("", id="data-error", classes="error", markup=False)
            yield Static(f"Enter opens what is chosen (a file, or a folder of PNGs by class) or typed · Esc cancels "
                         f"· {FORMATS}", classes="hint")

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#data-path", Input).value = str(event.path)
        self.open(event.path)

    def on_directory_tree_directory_selected(self, event: DirectoryTree.DirectorySelected) -> None:
        event.stop()
        self.query_one("#data-path", Input).value = str(event.path)
        if "images" in self.cls.kinds and image_folder(event.path):
            self.open(event.path)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.open(Path(event.value.strip()).expanduser())

    def open(self, path: Path) -> None:
        self.query_one("#data-error", Static).update("")
        self.query_one("#data-progress", Static).update(f"reading {path.name}…")
        self.read(path)

    @work(thread=True, exclusive=True)
    def read(self, path: Path) -> None:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, path.name, done, total)
        own_data.progress_watchers.append(progress)
        try:
            data = own_data.load_for(self.cls, str(path))
        except UserError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        finally:
            own_data.progress_watchers.remove(progress)
        self.app.call_from_thread(self._loaded, data)

    def _progress(self, name: str, done: int, total: int) -> None:
        self.query_one("#data-progress", Static).update(f"reading {name}: {done * 100 // max(total, 1)}%")

    def _refused(self, problem: str) -> None:
        self.query_one("#data-progress", Static).update("")
        self.query_one("#data-error", Static).update(f"✗ {problem}")

    def _loaded(self, data) -> None:
        self.dismiss(data)
        self.use(data)

    def action_cancel(self) -> None:
        self.dismiss(None)


def use_own_data(simview, data) -> None:
    """Rebuild the simulation on `data` once it is free (a run stops first); the notice says what
    the loader did, and a refusal (too many classes for the options) is said the same way."""
    def go():
        try:
            simview.session.sim.use_data(data)
        except UserError as error:
            simview._report(str(error))
            return
        simview.ui.selected, simview.ui.layer = None, None
        simview.ui.notice = simview.session.data_notice()
        simview.redraw()
        simview.post_message(simview.Stepped(None))
    simview._when_free(go)
