"""The memory tasks' answers list (truth → answer ✓/✗, then the inputs that fit): no line ends in a
cut fragment of the inputs. As many whole numbers as fit are shown, then how many more there are;
where none fits with that count, none is shown."""
import re

from dlsim.sim import warmup
from dlsim.tui.widgets.timeline.task import TaskPanel, fitting, glimpse

from .conftest import make_app, settle, sim_view, text_of

ROW = re.compile(r"[✓✗] +#\d+: truth \S+ → \S+ *(?P<inputs>.*?)\s*$")
NUMBER = re.compile(r"[−-]?\d+\.\d+")


async def test_the_lstm_task_rows_at_120x40_end_whole_and_count_what_is_left_out():
    warmup.warm("lstm")
    app = make_app("lstm", dataset="first_bit")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        T = sim_view(app).session.model.task.X.shape[1]
        rows = text_of(app.screen.query_one(TaskPanel)).splitlines()[1:]
        assert rows
        for row in rows:
            found = ROW.fullmatch(row)
            assert found, row
            words = found["inputs"].split()
            if not words:
                continue
            # whole numbers, then "+N more" where the numbers shown and N make the whole sequence
            assert words[-1] == "more" and words[-2].startswith("+"), row
            shown = words[:-2]
            assert all(NUMBER.fullmatch(w) for w in shown), row
            assert len(shown) + int(words[-2][1:]) == T, row


def test_the_inputs_fit_whole_with_their_count():
    inputs = "−1.000 0.594 −2.300 1.100"
    assert glimpse(inputs, fitting(inputs, 20)) == "−1.000 0.594 +2 more"
    assert fitting(inputs, 13) == 0            # "−1.000 +3 more" is 14: nothing rather than a fragment
    assert glimpse(inputs, fitting(inputs, 40)) == inputs
    marked = "marked 0.940 + 0.597"            # the adding task's two: both or neither
    assert fitting(marked, 19) == 0 and glimpse(marked, fitting(marked, 20)) == marked


def test_the_text_the_lstm_writes_says_its_whole_prompt_in_a_narrow_panel():
    # at 120×40 the panel is 28 wide: "written after epoch 1 from t" lost the prompt
    from dlsim.tui.widgets.timeline.task import TaskPanel as Panel
    for width in (28, 20, 12):
        lines = ["".join(text for text, _ in row) for row in Panel._text(None, ("xion dimm'd;", "yy\nyy", 1), width, 8)]
        shown = "".join(lines[:3])
        assert "“xion dimm'd;”" in shown, lines
        assert all(len(line) <= width for line in lines), lines
        assert "epoch 1" in lines[0], lines
