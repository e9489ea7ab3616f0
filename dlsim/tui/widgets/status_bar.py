"""One line that says where the simulation is: network, dataset, epoch, step, phase, level, backend,
speed, and whether it is running, paused, compiling or diverged."""
from rich.style import Style

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

SEP = Style(color=st.rgb((110, 110, 120)))
KEY = Style(color=st.rgb((150, 150, 160)))
VALUE = Style(color=st.rgb((235, 235, 235)), bold=True)
STATES = {
    "compiling": ("⚙ compiling kernels (first run only)…", (230, 190, 60)),
    "loading": ("⚙ loading compiled kernels…", (230, 190, 60)),
    "diverged": ("⚠ diverged", (230, 80, 80)),
    "running": ("▶ running", (110, 200, 110)),
    "paused": ("⏸ paused", (160, 160, 170)),
}


def state_of(frame, ui: UiState) -> str:
    if not ui.warm:
        return "compiling" if ui.compiling else "loading"
    if frame.diverged:
        return "diverged"
    return "running" if ui.playing else "paused"


class StatusBar(Panel):
    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        compact = width < 120
        cursor = frame.extras.get("cursor", "")
        running = ui.playing and bool(ui.rate)
        fields = [
            ("", frame.name.upper() if not compact else frame.name),
            ("", str(frame.config.get("dataset", ""))),
            ("epoch " if not compact else "ep ", f"{frame.epoch:,}"),
            ("step " if not compact else "st ", f"{frame.steps:,}"),
            ("", "" if running or compact else cursor),
            ("", "" if running else frame.phase),
            ("level " if not compact else "by ", frame.level.name.lower()),
            ("", str(frame.config.get("backend", "cpu"))),
            ("speed " if not compact else "", ui.rate if running else ui.speed),
        ]
        cells: Cells = [(" ", None)]
        for key, value in fields:
            if not value:
                continue
            if len(cells) > 1:
                cells.append((" │ " if not compact else " ", SEP))
            if key:
                cells.append((key, KEY))
            cells.append((value, VALUE))
        text, colour = STATES[state_of(frame, ui)]
        badge = Style(color=st.rgb((15, 15, 15)), bgcolor=st.rgb(colour), bold=True)
        label = f" {text} "
        room = width - len(label) - 1
        kept: Cells = []
        for text_, style in cells:   # the state stays visible: the fields give way
            if room <= 0:
                break
            kept.append((text_[:room], style))
            room -= len(text_[:room])
        return [kept + [(" " * max(1, room + 1), None), (label, badge)]]
