"""The arithmetic of the current event, with the kernel's own numbers (through formulas.describe) —
or, after a step of a layer or more, a summary of the unit just completed (tui/summary.py) — and
below it whatever the learner must know now: divergence, a refused value, the history limit.

The panel is as tall as what it has to say (between the stylesheet's min-height and max-height), so
a notice is never cut at 80×24; if even that is too little, the notice wins over the arithmetic.
"""
import textwrap

from rich.style import Style
from textual.css.scalar import Unit

from dlsim.sim.formulas import describe
from dlsim.sim.stepper import RUN   # a compiled run's own event: its summary says what it ran
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

PHASES = {"forward": (79, 158, 222), "loss": (200, 160, 60), "backward": (240, 138, 56),
          "update": (120, 190, 120), "evaluate": (170, 140, 220)}
NOTED = 2   # rows of arithmetic kept beside a notice
ALERT = Style(color=st.rgb((255, 235, 235)), bgcolor=st.rgb((150, 30, 30)), bold=True)


def step_done(word: str) -> str:
    """'sample step done', but 'step done' and 'env step done' where the level's word is a step."""
    return f"{word} done" if word.split()[-1] == "step" else f"{word} step done"


def whole(texts: list[list[Cells]], rows: int) -> list[Cells]:
    """The texts (each its wrapped rows) that fit in `rows` rows, each one whole, in order; one too
    long is left out, not the short ones after it (a ‖Δ‖ of many parameters, then the largest change)."""
    kept: list[Cells] = []
    for text in texts:
        if len(kept) + len(text) <= rows:
            kept += text
    return kept


def _lines(body: list[Cells]) -> list[list[Cells]]:
    """Wrapped rows back into their texts (a continuation row starts with the indent)."""
    texts: list[list[Cells]] = []
    for row in body:
        if texts and row[0][0].startswith("    "):
            texts[-1].append(row)
        else:
            texts.append([row])
    return texts


class MathPanel(Panel):
    _wanted = 0   # rows the last frame needed
    _lines = None   # (frame, notice, width, lines) last wrapped: a draw asks twice

    def lines(self, frame, ui: UiState, width: int) -> tuple[list[Cells], list[Cells], list[Cells]]:
        """(head, body, notice) rows, none cut."""
        kept = self._lines
        if kept is not None and kept[0] is frame and kept[1] == ui.notice and kept[2] == width:
            return kept[3]
        lines = self._wrap(frame, ui, width)
        self._lines = (frame, ui.notice, width, lines)
        return lines

    def _wrap(self, frame, ui: UiState, width: int) -> tuple[list[Cells], list[Cells], list[Cells]]:
        event = frame.last
        phase = frame.phase
        colour = PHASES.get(phase, st.NEUTRAL)
        badge = Style(color=st.rgb((15, 15, 15)), bgcolor=st.rgb(colour), bold=True)
        head: Cells = [(f" {phase.upper()} ", badge)]
        # the level of the step summed up, not the one chosen since (1 after a batch step); a run
        # was no step of a level
        if frame.summary and frame.summary_level is not None and not (event is not None and event.op == RUN):
            head += [(f" {step_done(self.view.level_word(frame.summary_level))}", st.plain(bold=True))]
        if event is not None:
            head += [(f" {event.op}", st.plain(bold=True)), (f" · {event.path}", st.plain(dim=True))]
        else:
            head += [(" nothing computed yet: → steps forward, space plays", st.plain(dim=True))]
        texts = list(frame.summary) or ([describe(event)] if event is not None else [])
        wrapped = [[[(line, st.plain())] for line in textwrap.wrap(text, width, subsequent_indent="    ")]
                   for text in texts]
        notice = frame.diverged or ui.notice
        style = ALERT if frame.diverged else st.plain(bold=True)
        mark = "⚠ " if frame.diverged else "! "
        notes = [[((mark if k == 0 else "  ") + line, style)]
                 for k, line in enumerate(textwrap.wrap(notice, width - 2) if notice else [])]
        # the notice is what matters now: the arithmetic gives it room
        body = whole(wrapped, NOTED) if notes else [row for rows in wrapped for row in rows]
        return [head], body, notes

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        head, body, notes = self.lines(frame, ui, width)
        keep = max(0, height - len(head) - len(notes))
        if len(body) > keep:   # whole lines only: a number is never half shown
            body = whole(_lines(body), keep)
        return (head + body + notes)[:height]

    def draw(self, frame, ui: UiState) -> None:
        super().draw(frame, ui)
        # fewer rows than the stylesheet's min-height gives it anyway lay out nothing new: a conv op's
        # 3 rows and an activation's 2, op after op, asked for a layout of the whole screen each key
        wanted = max(self.get_content_height(self.size, self.size, self.size.width), self._least())
        if frame.running:   # a run's summary wraps to one line more or less from frame to frame: a
            wanted = max(wanted, self._wanted)   # layout each time would halve the frame rate
        if wanted != self._wanted:   # taller or shorter than the last frame: lay out again
            self._wanted = wanted
            self.refresh(layout=True)

    def _least(self) -> int:
        """The content rows the stylesheet's min-height holds for it, whatever it says."""
        least = self.styles.min_height
        if least is None or least.unit != Unit.CELLS:
            return 0
        return int(least.value) - self.styles.gutter.height

    def get_content_height(self, container, viewport, width: int) -> int:
        """The rows it draws: all it has to say, or, past the stylesheet's max-height, the whole
        texts that fit there (asking for more left the rows under them blank)."""
        if self.frame is None or width <= 0:
            return 1
        wanted = sum(map(len, self.lines(self.frame, self.ui, width)))
        most = self.styles.max_height
        if most is None or most.unit != Unit.CELLS:
            return wanted
        room = int(most.value) - self.styles.gutter.height
        return wanted if wanted <= room else len(self.rows(self.frame, self.ui, width, room))
