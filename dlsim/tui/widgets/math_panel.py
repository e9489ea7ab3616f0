"""The arithmetic of the current event, with the kernel's own numbers (through formulas.describe),
and below it whatever the learner must know now: divergence, a refused value, the history limit."""
import textwrap

from rich.style import Style

from dlsim.sim.formulas import describe
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState

PHASES = {"forward": (79, 158, 222), "loss": (200, 160, 60), "backward": (240, 138, 56),
          "update": (120, 190, 120), "evaluate": (170, 140, 220)}
ALERT = Style(color=st.rgb((255, 235, 235)), bgcolor=st.rgb((150, 30, 30)), bold=True)


class MathPanel(Panel):
    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        event = frame.last
        phase = frame.phase
        colour = PHASES.get(phase, st.NEUTRAL)
        badge = Style(color=st.rgb((15, 15, 15)), bgcolor=st.rgb(colour), bold=True)
        head: Cells = [(f" {phase.upper()} ", badge)]
        if event is not None:
            head += [(f" {event.op}", st.plain(bold=True)), (f" · {event.path}", st.plain(dim=True))]
        else:
            head += [(" nothing computed yet: → steps forward, space plays", st.plain(dim=True))]
        body = describe(event) if event is not None else ""
        notice = frame.diverged or ui.notice
        room = height - 1
        notice_lines = textwrap.wrap(notice, width - 2) if notice else []
        keep = max(0, room - len(notice_lines)) if notice else room
        lines = textwrap.wrap(body, width, subsequent_indent="    ") if body else []
        rows = [head] + [[(line, st.plain())] for line in lines[:max(keep, 1 if not notice else 0)]]
        style = ALERT if frame.diverged else st.plain(bold=True)
        mark = "⚠ " if frame.diverged else "! "
        for k, line in enumerate(notice_lines[:room]):
            rows.append([((mark if k == 0 else "  ") + line, style)])
        return rows[:height]
