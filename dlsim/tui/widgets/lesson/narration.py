"""The narration beside the simulation: the step counter and title, the step's Markdown (its
numbers filled in by the player), what happened to the question just answered, the checkpoint, and one line of
hint (what to press now: answer, go on, return to the script, or that the lesson is complete).

A step's text can be longer than the panel (at 80×24 the panel has a few rows): a line under it
then says there is more and how to read it, as the scroll bar alone says it only in colour."""
import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Markdown, Static

from dlsim.lesson import Grade, StepView
from dlsim.tui.widgets.lesson.checkpoint import CheckpointPanel

DIM = "#8a8f9a"
CAME_TRUE = re.compile(r"prediction '(.*)' came true \((.*)\)$")   # the player's words, for a learner


class Narration(Vertical):
    def __init__(self, title: str, *, id: str | None = None):
        super().__init__(id=id)
        self.border_title = title
        self.view: StepView | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-head")
        with VerticalScroll(id="lesson-scroll", can_focus=False):
            yield Markdown(id="lesson-text", open_links=False)
            yield Static(id="lesson-outcomes")
        yield Static(Text("▼ more below: PgDn (PgUp: back up)", style=DIM), id="lesson-more")
        yield CheckpointPanel(id="checkpoint")
        yield Static(id="lesson-hint")

    def on_mount(self) -> None:
        for changes in ("virtual_size", "scroll_y"):   # a step's text shown, a page read, a new width
            self.watch(self.scroll, changes, self._more_below, init=False)
        self._more_below()

    def on_resize(self) -> None:
        self._more_below()

    def _more_below(self, *_) -> None:
        self.call_after_refresh(self._show_more)   # once the layout has the new text's height

    def _show_more(self) -> None:
        """Show the 'more below' line while the text goes on past the panel's last row. Whether the
        text fits is judged against the rows the text has without the line (the line takes one): text
        that fits them exactly then never shows it, whichever way it was before."""
        scroll, line = self.scroll, self.query_one("#lesson-more", Static)
        rows = scroll.container_size.height + (1 if line.display else 0)
        line.display = scroll.virtual_size.height > rows and scroll.scroll_y < scroll.max_scroll_y

    @property
    def checkpoint(self) -> CheckpointPanel:
        return self.query_one(CheckpointPanel)

    @property
    def scroll(self) -> VerticalScroll:
        return self.query_one("#lesson-scroll", VerticalScroll)

    def show(self, view: StepView, grade: Grade | None, place: str | None = "weights"):
        """Show a step; returns an awaitable (the Markdown is mounted in the background). `place`:
        the panel its highlight is drawn in (None: none to name)."""
        self.view = view
        title = "Introduction" if view.index == 0 and view.title == self.border_title else view.title
        head = Text.assemble((f"{view.index + 1}/{view.total} ", f"bold {DIM}"), (title, "bold"))
        self.query_one("#lesson-head", Static).update(head)
        outcomes = Text()
        for outcome in view.outcomes:
            # What happened to the question just answered; the author's checks (✓ expectations,
            # a wrong @predict answer) are for `lesson check` and headless runs, not for a learner.
            came = CAME_TRUE.match(outcome.text) if outcome.kind == "predict" else None
            if came:
                outcomes.append("\n→ ", style=f"bold {DIM}")
                outcomes.append(f"It was {came[1]}: {came[2]}")
        if view.highlight is not None:
            outcomes.append(f"\n→ look at {view.highlight.text}" + (f" in the {place}" if place else ""), style=DIM)
        self.query_one("#lesson-outcomes", Static).update(outcomes)
        self.checkpoint.ask(view.checkpoint, view.question, grade)
        self.scroll.scroll_home(animate=False)
        return self.query_one(Markdown).update(view.text)

    def hint(self, text: str, style: str = DIM) -> None:
        self.query_one("#lesson-hint", Static).update(Text(text, style=style))

    def page(self, down: bool) -> bool:
        """Scroll the narration a page; False when it is already at that end."""
        scroll = self.scroll
        if down and scroll.scroll_y < scroll.max_scroll_y:
            scroll.scroll_page_down(animate=False)
        elif not down and scroll.scroll_y > 0:
            scroll.scroll_page_up(animate=False)
        else:
            return False
        return True
