"""The LSTM's cell diagram writes each value in its place; a value too long for it (a gate shut to
2.22e−11 after a run that diverged) was written over by the next label ("f 2.22e−i 1.000", "h_t−1
1.09e−9and x_t"). Then the panel gives the same numbers as the two equations, each whole."""
from dlsim.protocol.numbers import num
from dlsim.tui.widgets.timeline.cell import drawn

USUAL = {"c_prev": 0.06, "c": -0.042, "h_prev": 0.027, "h": -0.012, "tanh_c": -0.042,
         "f": 0.495, "i": 0.353, "g": -0.203, "o": 0.294}


def text(lines) -> str:
    return "\n".join("".join(part for part, _ in line) for line in lines)


def test_every_value_of_the_cell_is_written_whole():
    for v in (USUAL, {**USUAL, "f": 2.22e-11, "o": 2.34e-11, "h_prev": 1.09e-9, "h": 1.78e-11}):
        shown = text(drawn(v, 20, 58))
        for name, value in v.items():
            assert f"{num(value)}" in shown, (name, shown)
        assert "c_t" in shown and "h_t" in shown
        words = shown.split()
        for name in ("f", "i", "g", "o"):   # each gate's value right after its name, never run into the next
            assert any(a == name and b == num(v[name]) for a, b in zip(words, words[1:])), (name, shown)
