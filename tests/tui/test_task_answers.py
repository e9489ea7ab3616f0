"""The recurrent task panel's answers: the count says which sequences it counts (the first few of the
test set; "test: 4/12 right" read as contradicting a test accuracy of 0.484 over the whole set), and
at 80×24 an answer is never cut off ("✗ #0: truth 1.537 →" lost its 0.022)."""
from dlsim.tui.widgets.timeline.task import TaskPanel


def answers(n: int, truth: str = "1.537", answer: str = "0.022") -> list[dict]:
    return [{"seq": s, "inputs": "", "truth": truth, "answer": answer, "right": s % 3 == 0} for s in range(n)]


def text(rows) -> list[str]:
    return ["".join(t for t, _ in row) for row in rows]


def test_the_count_names_the_sequences_it_counts():
    lines = text(TaskPanel._answers(None, answers(12, "0", "1"), 40, 14))
    assert lines[0] == "test #0–#11: 4/12 right"


def test_a_narrow_panel_keeps_every_answer_whole():
    lines = text(TaskPanel._answers(None, answers(5), 20, 6))
    assert lines[0] == "#0–#4: 2/5 right"
    assert all(line.endswith("→ 0.022") for line in lines[1:]) and all(len(line) <= 20 for line in lines)
