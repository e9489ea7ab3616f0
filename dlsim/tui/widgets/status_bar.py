"""One line that says where the simulation is: network, dataset, epoch, step, sample, phase, level,
backend, speed, and whether it is running, paused, compiling or diverged.

When the line is too narrow, whole fields give way, least needed first (backend, phase, speed…;
while playing, the speed only after the cursor); a field is never cut, so a number is never
shown half."""
import re

from rich.style import Style

from dlsim.protocol.numbers import count, row
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

PLACE = re.compile(r"([\d,]+)/[\d,]+")   # "3/32" in "batch 2/8 sample 3/32": the finest place is the last
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


def in_hand(cursor: str) -> str:
    """A place counts from 1 (the README's rule), so a place with nothing in hand yet is never
    '0/4': the line says what comes next instead — 'sample 0/4' → 'next sample 1/4', 'batch 2/16
    seq 0/16' → 'next batch 2/16' (no sequence of batch 2 begun), 'D step 1/2 point 0/64' → 'next
    D step 1/2'."""
    places = list(PLACE.finditer(cursor))
    if not places or places[-1].group(1) != "0":
        return cursor
    if len(places) > 1:
        return "next " + cursor[:places[-2].end()]
    last = places[-1]
    return f"next {cursor[:last.start()]}1{cursor[last.start(1) + 1:]}"


def state_of(frame, ui: UiState) -> str:
    if not ui.warm:
        return "compiling" if ui.compiling else "loading"
    if frame.diverged:
        return "diverged"
    return "running" if ui.playing else "paused"


class StatusBar(Panel):
    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        compact = width < 120
        cursor = in_hand(frame.extras.get("cursor", ""))
        running = ui.playing and bool(ui.rate)
        ahead = cursor.startswith("next ")   # nothing in hand: no row to name
        if compact and " sample " in cursor and not ahead:   # "batch 2/8 sample 3/32" → "sample 3/32"
            cursor = cursor[cursor.index("sample "):]
        places = list(PLACE.finditer(cursor))
        if frame.extras.get("sample") is not None and places and not ahead:
            # the place counts from 1 ("sample 3/4": the epoch's third); after it the row of the
            # data, named as the math panel, the plot and the event path name it ("#2", sample[2])
            end = places[-1].end()
            cursor = f"{cursor[:end]} {row(frame.extras['sample'])}{cursor[end:]}"
        word, abbrev = frame.unit
        fields = [   # (label, value, how much it is needed: the lowest gives way first)
            ("", frame.name.upper() if not compact else frame.name, 9),
            ("", str(frame.config.get("dataset", "")), 7),
            (f"{word} " if not compact else f"{abbrev} ", count(frame.epoch), 9),
            ("step " if not compact else "st ", count(frame.steps), 6),
            ("", "" if running else cursor, 8),
            ("", "" if running else frame.phase, 2),
            ("level " if not compact else "by ", self.view.level_word(frame.level), 5),
            ("", str(frame.config.get("backend", "cpu")), 1),
            # while playing, the speed is what + - f just changed and the one sign of how fast: it
            # stays over the cursor and the level (before a full-speed run's first frame, or at
            # 10 epochs/s, a long cursor pushed it off at 80 columns)
            ("speed " if not compact else "", ui.rate if running else self.view.speed_label(ui.speed),
             8.5 if ui.playing else 4),
        ]
        fields = [f for f in fields if f[1]]
        text, colour = STATES[state_of(frame, ui)]
        badge = Style(color=st.rgb((15, 15, 15)), bgcolor=st.rgb(colour), bold=True)
        label = f" {text} "
        gap = len(" │ " if not compact else " ")

        def length(kept) -> int:
            return 1 + sum(len(key) + len(value) for key, value, _ in kept) + gap * (len(kept) - 1)
        while fields and length(fields) > width - len(label) - 1:   # the state stays visible
            fields.remove(min(fields, key=lambda f: f[2]))
        cells: Cells = [(" ", None)]
        for key, value, _ in fields:
            if len(cells) > 1:
                cells.append((" │ " if not compact else " ", SEP))
            if key:
                cells.append((key, KEY))
            cells.append((value, VALUE))
        room = width - len(label) - length(fields)
        return [cells + [(" " * max(1, room), None), (label, badge)]]
