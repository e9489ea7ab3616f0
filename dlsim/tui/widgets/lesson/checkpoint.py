"""A checkpoint: the lesson's question about the next step, its choices as buttons, and once the
learner has answered, whether that was right and why (the lesson's `@because`).

A choice is taken by a click, Enter on a focused button, its letter (a b c …: letters no
simulation key uses), or its number while a button has focus (so 1-5 still set the level
otherwise: the screen decides that).
"""
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from dlsim.lesson import Checkpoint, Grade

LETTERS = "abcfghijkm"      # a b c …, skipping d and e (next dataset, edit a weight)


class CheckpointPanel(Vertical):
    class Chosen(Message):
        """The learner picked choice `index` of the open question."""

        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.checkpoint: Checkpoint | None = None
        self.grade: Grade | None = None
        self.buttons: list[Button] = []

    def compose(self) -> ComposeResult:
        yield Static(id="cp-question")
        yield Horizontal(id="cp-choices")
        yield Static(id="cp-verdict")

    @property
    def waiting(self) -> bool:
        """A question is open and not answered yet."""
        return self.checkpoint is not None and self.grade is None

    def ask(self, checkpoint: Checkpoint | None, question: str, grade: Grade | None) -> None:
        """Show a step's question (or hide the panel for a step without one)."""
        self.checkpoint, self.grade = checkpoint, grade
        self.display = checkpoint is not None
        row = self.query_one("#cp-choices", Horizontal)
        row.remove_children()
        self.buttons = []
        if checkpoint is None:
            return
        self.query_one("#cp-question", Static).update(Text.assemble(("? ", "bold #e6b422"), question))
        self.buttons = [Button(f"{LETTERS[i]} {choice}", name=str(i), compact=True, classes="choice")
                        for i, choice in enumerate(checkpoint.choices[:len(LETTERS)])]
        row.mount(*self.buttons)
        self._mark()

    def answered(self, grade: Grade) -> None:
        self.grade = grade
        self._mark()

    def _mark(self) -> None:
        grade, verdict = self.grade, self.query_one("#cp-verdict", Static)
        for button in self.buttons:
            choice = self.checkpoint.choices[int(button.name)]
            button.disabled = grade is not None
            button.set_class(grade is not None and choice == grade.answer, "-answer")
            button.set_class(grade is not None and choice == grade.choice and not grade.correct, "-wrong")
        verdict.display = grade is not None
        if grade is None:
            verdict.update("")
        elif grade.correct:
            verdict.update(Text.assemble(("✓ Right: ", "bold #6cc46c"), f"{grade.answer}. ", grade.because))
        else:
            verdict.update(Text.assemble(("✗ Not quite: ", "bold #ff7070"),
                                         f"you said {grade.choice}, the answer is {grade.answer}. ",
                                         grade.because))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.waiting:
            self.post_message(self.Chosen(int(event.button.name)))
