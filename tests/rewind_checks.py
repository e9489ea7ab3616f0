"""One check the networks' own tests share: stepping back returns to the same bits, and stepping
forward again replays the same events (the same draws, the same numbers)."""
from tests.test_stepper import same_value


def back_then_forward_again(sim, level, first, further, state, same, unchecked=()):
    """Step `first` times at `level`, then `further` on, back as many, and on again: `state(sim)` is
    what it was (by `same`), and the events met again carry the same values (but the keys `unchecked`)."""
    for _ in range(first):
        sim.step(level)
    here = state(sim)
    forward = [sim.step(level) for _ in range(further)]
    for _ in range(further):
        sim.back(level)
    assert same(state(sim), here)
    again = [sim.step(level) for _ in range(further)]
    for a, b in zip(forward, again):
        assert (a.op, a.path) == (b.op, b.path)
        assert all(same_value(a.values[k], b.values[k]) for k in a.values if k not in unchecked)
