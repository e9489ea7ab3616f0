"""Where ← goes once training diverged, and the warning that says so.

The watchdog judges an epoch as it ends: its loss (the mean of its batches' losses, each measured
before that batch's update) or its loss after its updates exploded; or, stepping inside an epoch, a
weight or a value became NaN or ∞. The update that broke it is then one of that epoch's, or the last
of the epoch before (whose result the epoch's first loss measured). So ← goes to the end of the epoch
two before, the start of training when that is the first or second epoch, from whatever level the
learner steps by: one op back from an epoch's end still stands after the updates that broke it.
A slow sign (the outputs saturated, the loss oscillated; a headless run's weights that grew) is told
epochs after its trouble began, and the watchdog says where: ← then goes to before the updates that began it, as if
that epoch had broken (two epochs back from the verdict would still stand inside the bad stretch).
"""
from dlsim.protocol.numbers import count, counted
from dlsim.sim.cursor import Cursor


def epoch_that_broke(sim) -> int:
    """The epoch (counted from 1) in which training went wrong: the one that has just ended at an
    epoch boundary, else the one in progress."""
    return max(1, sim.epoch if sim.at_epoch_boundary() else sim.epoch + 1)


def oldest_kept(sim) -> Cursor:
    """The earliest state the history still holds (it forgets the oldest past its memory)."""
    place = sim.stepper.restart_points()[0][1]
    return Cursor(*place, 0)


def before_updates(broke: int) -> Cursor:
    """The end of epoch `broke` − 2 (the start of training for the first two): before every update
    that can have broken epoch `broke`."""
    return Cursor(max(broke - 2, 0), 0, 0, 0)


def began_or_broke(broke: int, began: int | None) -> int:
    """The epoch whose updates ← must undo: where the watchdog says the trouble began, if earlier."""
    return broke if began is None else max(1, min(broke, began))


def back_to(sim, broke: int, began: int | None = None) -> Cursor:
    """Where ← goes after epoch `broke` diverged (its trouble having begun in epoch `began`, if the
    watchdog knows): before the updates that can have broken it, or, where the history no longer
    reaches back that far, the oldest state it holds."""
    return max(before_updates(began_or_broke(broke, began)), oldest_kept(sim))


def warning(where: str, problem: str, word: str, broke: int, target: Cursor, rates: tuple[str, ...] = ("lr",),
            began: int | None = None) -> str:
    """The warning: what went wrong, where (`where`: the epoch and step), and exactly where ← goes
    (`target`, from back_to). `word`: the network's name for an epoch; `rates`: the options `l` sets;
    `began`: the epoch the watchdog says the trouble began, for a slow sign."""
    return f"Training diverged at {where}: {problem}. {_back(word, broke, began, target, _lower(rates))}"


def _lower(rates: tuple[str, ...]) -> str:
    """The advice after ←: `l` sets the one learning rate, or opens a form of several (a GAN's D and G)."""
    if len(rates) == 1:
        return "then lower the learning rate (l)."
    return f"then lower the learning rates (l: {', '.join(rates)})."


def _back(word: str, broke: int, began: int | None, target: Cursor, lower: str) -> str:
    start = began_or_broke(broke, began)
    if target != before_updates(start):
        return (f"Press ← to go back as far as the history reaches ({word} {count(target.epoch + 1)}, after "
                f"{counted(target.batch, 'update')}), not before the update that broke it (r starts over); {lower}")
    first = target.epoch + 1                          # the first epoch whose updates ← undoes
    place = "the start of training" if target.epoch == 0 else f"the end of {word} {count(target.epoch)}"
    if start < broke:   # a slow sign: the whole stretch since it began
        return (f"Press ← to go back to {place}, before it began (the updates of {word}s {count(first)} "
                f"to {count(broke)}), {lower}")
    undone = (f"{word} {count(broke)}'s updates" if first == broke
              else f"the updates of {word}s {count(first)} and {count(broke)}")
    return f"Press ← to go back to {place}, before {undone}, {lower}"
